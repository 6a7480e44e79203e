#pragma once
// The one error type the engine throws for bad input (files, presets, shapes, checkpoints).
// Front ends print what() as a one-line message; nothing else is needed to explain the failure.
#include <stdexcept>
#include <string>

namespace vaelab {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace vaelab
