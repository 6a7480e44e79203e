#include "file_browser.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <filesystem>

namespace vaelab {
namespace gui {
namespace fs = std::filesystem;

namespace {

const ImVec4 kRunColour(0.55f, 0.85f, 1.0f, 1.0f);

bool is_plain_folder(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec) && !fs::is_regular_file(fs::path(path) / "checkpoint.pt", ec);
}

}  // namespace

void FileBrowser::go_to(const std::string& folder) { listing_ = list_folder(folder); }

void FileBrowser::go_into(const std::string& folder) {
  go_to(folder);
  cursor_to_end_ = true;
  // With a separator at the end, a name typed next continues the path.
  path_ = !folders_are_choices_ ? std::string()
          : listing_.folder.empty() || listing_.folder.back() == '/' ? listing_.folder
                                                                     : listing_.folder + "/";
}

std::string FileBrowser::field_path() const {
  if (path_.empty()) return path_;
  fs::path p = fs::path(path_).is_absolute() ? fs::path(path_) : fs::path(listing_.folder) / path_;
  // "/a/b/" -> "/a/b": the same folder, written once (as the preset and the engine's messages show it).
  std::string s = p.lexically_normal().string();
  if (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

std::string FileBrowser::draw_path_field(const char* hint, const char* button) {
  if (focus_path_) {
    ImGui::SetKeyboardFocusHere();
    focus_path_ = false;
  }
  ImGui::SetNextItemWidth(button ? -ImGui::GetFontSize() * 5 : -1);
  // ImGui keeps the field's cursor from its last edit; after going into a folder the next keys must extend
  // the new path, so the cursor goes to its end the first frame the field is active again.
  auto cursor_to_end = [](ImGuiInputTextCallbackData* data) {
    bool& pending = *static_cast<bool*>(data->UserData);
    if (pending) data->CursorPos = data->SelectionStart = data->SelectionEnd = data->BufTextLen;
    pending = false;
    return 0;
  };
  const bool returned = ImGui::InputTextWithHint(
      "##path", hint, &path_, ImGuiInputTextFlags_EnterReturnsTrue | (cursor_to_end_ ? ImGuiInputTextFlags_CallbackAlways : 0),
      cursor_to_end, &cursor_to_end_);
  const bool enter = returned && !ImGui::GetIO().KeyCtrl;  // Ctrl+Enter is the dialog's (New run: Create)
  bool pressed = false;
  if (button) {
    ImGui::SameLine();
    pressed = ImGui::Button(button, ImVec2(-1, 0));
  }
  const std::string typed = field_path();
  if (typed.empty()) return "";
  if (enter && is_plain_folder(typed)) {
    go_into(typed);
    focus_path_ = true;  // Enter took the focus away; the next name is typed here too
    return "";
  }
  return enter || pressed ? typed : "";
}

std::string FileBrowser::draw_entries() {
  if (ImGui::ArrowButton("##up", ImGuiDir_Up)) go_into(parent_folder(listing_.folder));
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("parent folder");
  ImGui::SameLine();
  ImGui::TextDisabled("%s", listing_.folder.c_str());
  ImGui::Separator();
  if (!listing_.error.empty()) ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", listing_.error.c_str());
  std::string chosen, into;
  for (const FolderEntry& e : listing_.entries) {
    const std::string label =
        e.is_run ? "[run]    " + e.name + "/" : e.is_folder ? "[folder] " + e.name + "/" : "         " + e.name;
    if (e.is_run) ImGui::PushStyleColor(ImGuiCol_Text, kRunColour);
    const bool clicked = ImGui::Selectable(label.c_str(), field_path() == e.path, ImGuiSelectableFlags_AllowDoubleClick);
    if (e.is_run) ImGui::PopStyleColor();
    if (e.is_run && ImGui::IsItemHovered()) ImGui::SetTooltip("a run folder (checkpoint.pt): double-click to open it");
    if (!clicked) continue;
    path_ = e.path;
    if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) {
      if (e.is_folder && !e.is_run) into = e.path;
      else chosen = e.path;
    }
  }
  // Not inside the loop: going into a folder replaces the entries being drawn.
  if (!into.empty()) go_into(into);
  return chosen;
}

}  // namespace gui
}  // namespace vaelab
