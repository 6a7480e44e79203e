#include "open_dialog.h"

#include <imgui.h>

#include <algorithm>
#include <filesystem>

namespace vaelab {
namespace gui {
namespace fs = std::filesystem;

namespace {

const char* kTitle = "Open";

}  // namespace

void OpenDialog::open() {
  open_request_ = true;
  browser_.set_field("");
  browser_.go_to(browser_.has_folder() ? browser_.folder() : fs::current_path().string());
}

void OpenDialog::draw(float ui_scale, const std::vector<std::string>& recent,
                      const std::function<void(const std::string&)>& open_path) {
  if (open_request_) {
    ImGui::OpenPopup(kTitle);
    open_request_ = false;
    browser_.focus_path_field();
  }
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowSize(ImVec2(std::min(vp->WorkSize.x * 0.9f, 900 * ui_scale), vp->WorkSize.y * 0.8f),
                           ImGuiCond_Appearing);
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.5f, vp->WorkPos.y + vp->WorkSize.y * 0.5f),
                          ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  shown_ = ImGui::BeginPopupModal(kTitle, nullptr, ImGuiWindowFlags_NoSavedSettings);
  if (!shown_) return;

  ImGui::TextDisabled("A run folder, checkpoint (.pt), preset (.json), PyTorch model (.pt) or image folder");
  std::string chosen =  // a path to open this frame
      browser_.draw_path_field("type a path (absolute, or in the folder below) and press Enter", "Open");

  ImGui::BeginChild("entries", ImVec2(0, -ImGui::GetFrameHeightWithSpacing()), true);
  // Recent runs first: the usual way back to yesterday's run.
  ImGui::TextDisabled("Recent runs");
  ImGui::Separator();
  if (recent.empty()) ImGui::TextDisabled("  none yet: runs you open or save are listed here");
  for (size_t i = 0; i < recent.size(); ++i) {
    ImGui::PushID(static_cast<int>(i));
    if (ImGui::Selectable(recent[i].c_str())) chosen = recent[i];
    ImGui::PopID();
  }
  ImGui::Spacing();
  ImGui::Spacing();
  const std::string double_clicked = browser_.draw_entries();
  if (!double_clicked.empty()) chosen = double_clicked;
  ImGui::EndChild();

  bool close = false;
  if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) close = true;
  ImGui::SameLine();
  ImGui::TextDisabled("double-click a folder to go in, a run or file to open it");
  if (!chosen.empty()) {
    std::error_code ec;
    if (fs::exists(chosen, ec)) browser_.go_to(parent_folder(chosen));  // shown next time
    open_path(chosen);
    close = true;
  }
  if (close) {
    ImGui::CloseCurrentPopup();
    shown_ = false;
  }
  ImGui::EndPopup();
}

}  // namespace gui
}  // namespace vaelab
