// Precompiled header for engine, CLI, tests and benchmarks: torch/torch.h is ~20 s per file otherwise.
#pragma once
#include <torch/torch.h>

#include <nlohmann/json.hpp>
