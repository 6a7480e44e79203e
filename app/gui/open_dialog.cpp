#include "open_dialog.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <filesystem>

namespace vaelab {
namespace gui {
namespace fs = std::filesystem;

namespace {

const char* kTitle = "Open";
const ImVec4 kRunColour(0.55f, 0.85f, 1.0f, 1.0f);

bool is_plain_folder(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec) && !fs::is_regular_file(fs::path(path) / "checkpoint.pt", ec);
}

}  // namespace

void OpenDialog::open() {
  open_request_ = true;
  path_.clear();
  go_to(listing_.folder.empty() ? fs::current_path().string() : listing_.folder);
}

void OpenDialog::go_to(const std::string& folder) { listing_ = list_folder(folder); }

void OpenDialog::draw(float ui_scale, const std::vector<std::string>& recent,
                      const std::function<void(const std::string&)>& open_path) {
  if (open_request_) {
    ImGui::OpenPopup(kTitle);
    open_request_ = false;
    focus_path_ = true;
  }
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowSize(ImVec2(std::min(vp->WorkSize.x * 0.9f, 900 * ui_scale), vp->WorkSize.y * 0.8f),
                           ImGuiCond_Appearing);
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.5f, vp->WorkPos.y + vp->WorkSize.y * 0.5f),
                          ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  shown_ = ImGui::BeginPopupModal(kTitle, nullptr, ImGuiWindowFlags_NoSavedSettings);
  if (!shown_) return;
  std::string chosen;  // a path to open this frame

  // The path field and its button.
  ImGui::TextDisabled("A run folder, checkpoint (.pt), preset (.json), PyTorch model (.pt) or image folder");
  if (focus_path_) {
    ImGui::SetKeyboardFocusHere();
    focus_path_ = false;
  }
  ImGui::SetNextItemWidth(-ImGui::GetFontSize() * 5);
  const bool enter = ImGui::InputTextWithHint("##path", "type a path (absolute, or in the folder below) and press Enter", &path_,
                                              ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  const bool open_pressed = ImGui::Button("Open", ImVec2(-1, 0));
  // A relative path is taken from the folder shown, not from the app's working folder.
  const std::string typed =
      path_.empty() || fs::path(path_).is_absolute() ? path_ : (fs::path(listing_.folder) / path_).string();
  if (enter && !typed.empty()) {
    if (is_plain_folder(typed)) {
      go_to(typed);
      path_.clear();
      focus_path_ = true;
    } else {
      chosen = typed;
    }
  }
  if (open_pressed && !typed.empty()) chosen = typed;

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
  // The current folder.
  if (ImGui::ArrowButton("##up", ImGuiDir_Up)) go_to(parent_folder(listing_.folder));
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("parent folder");
  ImGui::SameLine();
  ImGui::TextDisabled("%s", listing_.folder.c_str());
  ImGui::Separator();
  if (!listing_.error.empty()) ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", listing_.error.c_str());
  std::string go_into;
  for (const FolderEntry& e : listing_.entries) {
    std::string label = e.is_run ? "[run]    " + e.name + "/" : e.is_folder ? "[folder] " + e.name + "/" : "         " + e.name;
    if (e.is_run) ImGui::PushStyleColor(ImGuiCol_Text, kRunColour);
    const bool clicked = ImGui::Selectable(label.c_str(), path_ == e.path, ImGuiSelectableFlags_AllowDoubleClick);
    if (e.is_run) ImGui::PopStyleColor();
    if (e.is_run && ImGui::IsItemHovered()) ImGui::SetTooltip("a run folder (checkpoint.pt): double-click to open it");
    if (!clicked) continue;
    path_ = e.path;
    if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) {
      if (e.is_folder && !e.is_run) go_into = e.path;
      else chosen = e.path;
    }
  }
  ImGui::EndChild();
  if (!go_into.empty()) {
    go_to(go_into);
    path_.clear();
  }

  bool close = false;
  if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) close = true;
  ImGui::SameLine();
  ImGui::TextDisabled("double-click a folder to go in, a run or file to open it");
  if (!chosen.empty()) {
    std::error_code ec;
    if (fs::exists(chosen, ec)) listing_ = list_folder(parent_folder(chosen));  // shown next time
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
