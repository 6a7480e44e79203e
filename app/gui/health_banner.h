#pragma once
// The model-health banner: one warning strip the app draws above every view's content (app_frame.cpp,
// one call for all views) while the open run's latest health check judged its model not healthy. It
// names the verdict and says why in the verdict's own sentence, e.g.
//   "Model health: ignores its input. This model ignores its input: reconstructions are nearly the same
//    image for every input (R² 0.02, input dependence 0.001 < 0.05, 0 of 4 latent dimensions active).
//    (checked at step 20; details in the Run view)"
// Hidden when there is no result yet, when the model is healthy, and for unknown (cancelled) checks.
#include <string>

#include "views/view.h"

namespace vaelab {
namespace gui {

struct HealthReport;  // model_health_monitor.h

// The banner's text for `report`; empty when no banner is shown.
std::string health_banner_text(const HealthReport* report);

// The engine's sentences spell R^2 in ASCII; the app's font has "²".
std::string with_superscripts(std::string text);

// `text` with line breaks at spaces so that no line is wider than `width` with the current font (a word
// wider than that gets a line of its own). ImGui's own wrapping also breaks after '.', which splits
// numbers such as "0.0036".
std::string wrap_at_spaces(const std::string& text, float width);

// Draws `text` wrapped in a warning-coloured box across the current content width, and returns true
// when it was clicked. `rect` receives the box in screen coordinates (automation reports it).
bool draw_health_banner(const std::string& text, ScreenRect& rect);

}  // namespace gui
}  // namespace vaelab
