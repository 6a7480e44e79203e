#include "health_banner.h"

#include <fmt/format.h>
#include <imgui.h>

#include <algorithm>

#include "model_health_monitor.h"

namespace vaelab {
namespace gui {

std::string with_superscripts(std::string text) {
  for (size_t at = text.find("R^2"); at != std::string::npos; at = text.find("R^2", at + 1))
    text.replace(at, 3, "R\xC2\xB2");
  return text;
}

std::string health_banner_text(const HealthReport* report) {
  if (!report) return {};
  const HealthVerdict& v = report->health.verdict;
  if (report->health.cancelled || v.kind == HealthKind::healthy || v.kind == HealthKind::unknown) return {};
  return with_superscripts(fmt::format("Model health: {}. {} (checked at step {}; details in the Run view)",
                                       health_kind_title(v.kind), v.sentence, report->step));
}

std::string wrap_at_spaces(const std::string& text, float width) {
  std::string out;
  std::string line;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find(' ', at);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(at, end - at);
    const std::string longer = line.empty() ? word : line + " " + word;
    if (!line.empty() && ImGui::CalcTextSize(longer.c_str()).x > width) {
      out += line + "\n";
      line = word;
    } else {
      line = longer;
    }
    at = end + 1;
  }
  return out + line;
}

bool draw_health_banner(const std::string& text, ScreenRect& rect) {
  const float fs = ImGui::GetFontSize();
  const ImVec2 pad(fs * 0.6f, fs * 0.35f);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const float width = std::max(fs * 10, ImGui::GetContentRegionAvail().x);
  const float wrap = width - 2 * pad.x;
  const std::string lines = wrap_at_spaces(text, wrap);
  const ImVec2 text_size = ImGui::CalcTextSize(lines.c_str());
  const ImVec2 size(width, text_size.y + 2 * pad.y);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(pos, ImVec2(pos.x + size.x, pos.y + size.y), IM_COL32(122, 78, 8, 255), fs * 0.25f);
  dl->AddRect(pos, ImVec2(pos.x + size.x, pos.y + size.y), IM_COL32(236, 170, 40, 255), fs * 0.25f);
  dl->AddText(ImVec2(pos.x + pad.x, pos.y + pad.y), IM_COL32(255, 240, 205, 255), lines.c_str());
  const bool clicked = ImGui::InvisibleButton("##health-banner", size);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Open the Run view's health panel: every number, its threshold and what it means.");
  rect = {pos.x, pos.y, size.x, size.y};
  return clicked;
}

}  // namespace gui
}  // namespace vaelab
