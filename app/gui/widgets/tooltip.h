#pragma once
// The hover tooltip every control with a paper meaning carries (beta, A, S, lambda, ...).
#include <imgui.h>

namespace vaelab {
namespace gui {

// Shows `text` while the last ImGui item is hovered.
inline void tip(const char* text) {
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text);
}

}  // namespace gui
}  // namespace vaelab
