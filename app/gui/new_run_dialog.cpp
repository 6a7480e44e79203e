#include "new_run_dialog.h"

#include <imgui.h>
#include <imgui_stdlib.h>

// Key codes only (ImGui 1.86 indexes keys by the GLFW backend's codes); no GL header.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include <algorithm>
#include <cctype>

#include "core/error.h"
#include "data/dataset_registry.h"
#include "models/registry.h"
#include "train/preset.h"

namespace vaelab {
namespace gui {

namespace {

const char* kTitle = "New run";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool matches(const PresetEntry& p, const std::string& filter) {
  if (filter.empty()) return true;
  const std::string f = lower(filter);
  return lower(p.name).find(f) != std::string::npos || lower(p.variant).find(f) != std::string::npos ||
         lower(p.description).find(f) != std::string::npos;
}

// A combo over (name, description) pairs; the description is the item's tooltip.
bool combo(const char* label, std::string& value, const std::vector<std::pair<std::string, std::string>>& items) {
  bool changed = false;
  if (ImGui::BeginCombo(label, value.c_str())) {
    for (const auto& [name, description] : items) {
      if (ImGui::Selectable(name.c_str(), name == value)) {
        changed = name != value;
        value = name;
      }
      if (ImGui::IsItemHovered() && !description.empty()) ImGui::SetTooltip("%s", description.c_str());
    }
    ImGui::EndCombo();
  }
  return changed;
}

bool io_ctrl_key(int key) { return ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed(key, false); }

}  // namespace

void NewRunDialog::open(const std::string& preselect) {
  open_request_ = true;
  scroll_to_picked_ = 3;
  load_lists();
  filter_.clear();
  picked_.clear();
  engine_error_.clear();
  draft_.reset(nlohmann::json::object());
  bool known = false;
  for (const auto& g : groups_)
    for (const auto& p : g.presets) known = known || p.name == preselect;
  if (known) pick(preselect);
  else if (!groups_.empty() && !groups_.front().presets.empty()) pick(groups_.front().presets.front().name);
}

void NewRunDialog::load_lists() {
  std::vector<PresetEntry> entries;
  for (const auto& name : preset_names()) {
    PresetEntry e{name, "?", ""};
    try {
      const nlohmann::json j = read_preset_json(name);
      e.variant = j.value("variant", std::string("vae"));
      e.description = j.value("description", std::string());
    } catch (const std::exception& ex) {
      e.description = std::string("(unreadable: ") + ex.what() + ")";
    }
    entries.push_back(std::move(e));
  }
  groups_ = group_presets_by_variant(std::move(entries));
  datasets_ = dataset_catalog();
  variants_.clear();
  for (const auto& v : variants()) variants_.emplace_back(v.name, v.description);
}

void NewRunDialog::pick(const std::string& name) {
  picked_ = name;
  try {
    draft_.reset(read_preset_json(name));
  } catch (const std::exception& e) {
    draft_.reset(nlohmann::json::object());
    engine_error_ = e.what();
    return;
  }
  check();
}

void NewRunDialog::check() {
  if (!draft_.parse_error().empty()) {
    engine_error_ = "not valid JSON: " + draft_.parse_error();
    return;
  }
  try {
    Preset::from_json(draft_.json());  // every key, the variant's options; loads no data
    engine_error_.clear();
  } catch (const std::exception& e) {
    engine_error_ = e.what();
  }
}

bool NewRunDialog::try_create(const std::function<void(const std::string&)>& create) {
  check();
  dataset_.wait_for_check(2000);  // a path typed a moment ago: its check is capped, so this is short
  if (!engine_error_.empty() || !dataset_.problem().empty()) return false;
  create(draft_.text());
  return true;
}

void NewRunDialog::draw_preset_list(float height) {
  // The filter stays above the scrolling list.
  const float width = ImGui::GetFontSize() * 24;
  ImGui::BeginGroup();
  ImGui::SetNextItemWidth(width);
  if (focus_filter_) {
    ImGui::SetKeyboardFocusHere();
    focus_filter_ = false;
  }
  const bool enter = ImGui::InputTextWithHint("##filter", "filter (Enter picks the first)", &filter_,
                                              ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::BeginChild("presets", ImVec2(width, height - ImGui::GetFrameHeightWithSpacing()), true);
  std::string first;
  for (const auto& g : groups_) {
    bool any = false;
    for (const auto& p : g.presets) any = any || matches(p, filter_);
    if (!any) continue;
    ImGui::Spacing();
    ImGui::TextDisabled("%s", g.variant.c_str());
    ImGui::Separator();
    for (const auto& p : g.presets) {
      if (!matches(p, filter_)) continue;
      if (first.empty()) first = p.name;
      if (ImGui::Selectable(p.name.c_str(), p.name == picked_)) pick(p.name);
      if (scroll_to_picked_ > 0 && p.name == picked_) ImGui::SetScrollHereY(0.25f);
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
      ImGui::Indent();
      ImGui::TextWrapped("%s", p.description.c_str());
      ImGui::Unindent();
      ImGui::PopStyleColor();
    }
  }
  if (first.empty()) ImGui::TextDisabled("no preset matches \"%s\"", filter_.c_str());
  if (scroll_to_picked_ > 0) --scroll_to_picked_;
  if (enter && !first.empty()) pick(first);
  ImGui::EndChild();
  ImGui::EndGroup();
}

void NewRunDialog::draw_form() {
  if (!draft_.parse_error().empty()) {
    ImGui::TextWrapped("The JSON does not parse: fix it on the right to use the form again.");
    return;
  }
  PresetForm f = draft_.form();
  const float w = ImGui::GetFontSize() * 12;
  ImGui::SetNextItemWidth(w);
  combo("variant", f.variant, variants_);
  ImGui::TextWrapped(
      "A new variant clears \"options\": the engine then uses that variant's paper defaults (it has no "
      "defaults object to show here).");
  ImGui::SetNextItemWidth(w);
  int latent = static_cast<int>(f.latent);
  if (ImGui::InputInt("latent size", &latent)) f.latent = std::max(1, latent);
  if (f.has_beta) {
    ImGui::SetNextItemWidth(w);
    ImGui::InputDouble("beta (options.beta)", &f.beta, 0.1, 1.0, "%.3g");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("The weight of the KL term (1: the VAE; > 1: beta-VAE).");
  } else {
    ImGui::TextDisabled("no options.beta in this preset");
  }
  ImGui::SetNextItemWidth(w);
  int epochs = static_cast<int>(f.epochs);
  if (ImGui::InputInt("epochs", &epochs)) f.epochs = std::max(1, epochs);
  const std::vector<std::pair<std::string, std::string>> devices = {
      {"auto", "CUDA when available, else the CPU"}, {"cpu", "the CPU"}, {"cuda", "the first CUDA GPU"}};
  ImGui::SetNextItemWidth(w);
  combo("device", f.device, devices);
  // Last: the browser is the tallest part of the form.
  ImGui::Spacing();
  ImGui::Separator();
  dataset_.draw(f, datasets_);
  if (!(f == draft_.form())) {
    draft_.set_form(f);
    check();
  }
}

void NewRunDialog::draw(float ui_scale, const std::function<void(const std::string&)>& create) {
  if (open_request_) {
    ImGui::OpenPopup(kTitle);
    open_request_ = false;
    focus_filter_ = true;
  }
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x * 0.9f, vp->WorkSize.y * 0.85f), ImGuiCond_Appearing);
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.5f, vp->WorkPos.y + vp->WorkSize.y * 0.5f),
                          ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  shown_ = ImGui::BeginPopupModal(kTitle, nullptr, ImGuiWindowFlags_NoSavedSettings);
  if (!shown_) return;
  if (io_ctrl_key(GLFW_KEY_D)) dataset_.focus_path_field();
  const float footer = ImGui::GetFrameHeightWithSpacing() * 3.5f;
  const float body = std::max(ImGui::GetContentRegionAvail().y - footer, 100.0f * ui_scale);
  draw_preset_list(body);
  ImGui::SameLine();
  ImGui::BeginChild("form", ImVec2(ImGui::GetFontSize() * 26, body), true);
  ImGui::Text("%s", picked_.empty() ? "(no preset)" : picked_.c_str());
  ImGui::Separator();
  draw_form();
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::TextDisabled("the whole preset (JSON): this is what Create opens");
  std::string text = draft_.text();
  if (ImGui::InputTextMultiline("##json", &text, ImVec2(-1, body - ImGui::GetTextLineHeightWithSpacing()))) {
    draft_.set_text(text);
    check();
  }
  ImGui::EndGroup();
  const std::string data_problem = dataset_.problem();
  if (!engine_error_.empty()) ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", engine_error_.c_str());
  else if (dataset_.checking()) ImGui::TextDisabled("dataset: %s", data_problem.c_str());
  else if (!data_problem.empty()) ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "dataset: %s", data_problem.c_str());
  else ImGui::TextColored(ImVec4(0.5f, 0.9f, 0.5f, 1), "The engine accepts this preset.");
  const ImGuiIO& io = ImGui::GetIO();
  const bool ctrl_enter = io.KeyCtrl && (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false) ||
                                          ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter), false));
  // A path still being checked does not grey Create out: pressing it waits for the check.
  ImGui::BeginDisabled(!engine_error_.empty() || (!data_problem.empty() && !dataset_.checking()));
  const bool create_pressed = ImGui::Button("Create (Ctrl+Enter)");
  ImGui::EndDisabled();
  bool close = false;
  if ((create_pressed || ctrl_enter) && try_create(create)) close = true;
  ImGui::SameLine();
  if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) close = true;
  if (close) {
    ImGui::CloseCurrentPopup();
    shown_ = false;
  }
  ImGui::EndPopup();
}

}  // namespace gui
}  // namespace vaelab
