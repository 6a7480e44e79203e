#pragma once
// The views' name for engine/plot/axis_ticks.h, the one implementation (the engine's plot export and the
// app share it); its names live in namespace vaelab, which the views' vaelab::gui code sees unqualified.
#include "plot/axis_ticks.h"
