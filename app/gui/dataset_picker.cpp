#include "dataset_picker.h"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

namespace vaelab {
namespace gui {
namespace fs = std::filesystem;

namespace {

const ImVec4 kGood(0.5f, 0.9f, 0.5f, 1);
const ImVec4 kBad(1, 0.45f, 0.4f, 1);

DatasetPicker::Source source_of(const std::string& dataset) {
  if (dataset == "image-folder") return DatasetPicker::Source::ImageFolder;
  if (dataset == "csv") return DatasetPicker::Source::Csv;
  return DatasetPicker::Source::BuiltIn;
}

bool is_file(const std::string& path) {
  std::error_code ec;
  return !path.empty() && fs::is_regular_file(path, ec);
}

bool is_folder(const std::string& path) {
  std::error_code ec;
  return !path.empty() && fs::is_directory(path, ec);
}

}  // namespace

DatasetPicker::DatasetPicker() = default;

void DatasetPicker::focus_path_field() { focus_request_ = true; }

void DatasetPicker::follow(const PresetForm& form) {
  source_ = source_of(form.dataset);
  if (source_ == Source::BuiltIn) {
    if (!form.dataset.empty()) builtin_ = form.dataset;
  } else {
    (source_ == Source::ImageFolder ? image_path_ : csv_path_) = form.dataset_path;
    browser_.set_folders_are_choices(source_ == Source::ImageFolder);
    browser_.set_field(form.dataset_path);
    // Show the chosen folder's own entries (its class folders), or the folder holding the chosen file.
    const std::string& p = form.dataset_path;
    if (source_ == Source::ImageFolder && is_folder(p)) browser_.go_to(p);
    else if (!p.empty() && is_folder(parent_folder(p))) browser_.go_to(parent_folder(p));
  }
  if (!browser_.has_folder()) browser_.go_to(fs::current_path().string());
}

void DatasetPicker::set_source(Source s, PresetForm& form) {
  source_ = s;
  switch (s) {
    case Source::BuiltIn:
      form.dataset = builtin_;
      form.dataset_path.clear();
      return;
    case Source::ImageFolder:
      form.dataset = "image-folder";
      form.dataset_path = image_path_;
      break;
    case Source::Csv:
      form.dataset = "csv";
      form.dataset_path = csv_path_;
      break;
  }
  browser_.set_folders_are_choices(s == Source::ImageFolder);
  browser_.set_field(form.dataset_path);
}

void DatasetPicker::start_check() {
  const std::string path = browser_.field_path();
  const std::string key = (source_ == Source::Csv ? "csv\n" : "image-folder\n") + path;
  if (key == checked_) return;
  checked_ = key;
  if (running_) running_->cancel = true;  // its answer is no longer wanted; the thread ends soon
  has_result_ = false;
  running_ = std::make_shared<Check>();
  // Detached: it owns a share of its state, and a cancelled or capped scan ends within a second.
  std::thread([check = running_, csv = source_ == Source::Csv, path] {
    check->result = csv ? check_csv_file(path, &check->cancel) : check_image_folder(path, &check->cancel);
    check->done.store(true, std::memory_order_release);
  }).detach();
}

void DatasetPicker::take_finished_check() {
  if (!running_ || !running_->done.load(std::memory_order_acquire)) return;
  result_ = running_->result;
  has_result_ = true;
  running_.reset();
}

void DatasetPicker::wait_for_check(int timeout_ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (running_ && !running_->done.load(std::memory_order_acquire) && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  take_finished_check();
}

std::string DatasetPicker::problem() const {
  if (source_ == Source::BuiltIn) return "";
  if (!has_result_) return "checking " + browser_.field_path() + "...";
  return result_.ok ? "" : result_.line;
}

void DatasetPicker::draw(PresetForm& form, const std::vector<std::pair<std::string, std::string>>& builtin) {
  ImGui::PushID("dataset");
  if (form.dataset != seen_dataset_ || form.dataset_path != seen_path_) follow(form);
  if (focus_request_) {
    focus_request_ = false;
    if (source_ == Source::BuiltIn) set_source(Source::ImageFolder, form);
    browser_.focus_path_field();
  }

  ImGui::TextUnformatted("dataset");
  ImGui::SameLine();
  const Source before = source_;
  int s = static_cast<int>(source_);
  ImGui::RadioButton("built-in", &s, static_cast<int>(Source::BuiltIn));
  ImGui::SameLine();
  ImGui::RadioButton("image folder", &s, static_cast<int>(Source::ImageFolder));
  ImGui::SameLine();
  ImGui::RadioButton("CSV file", &s, static_cast<int>(Source::Csv));
  if (s != static_cast<int>(before)) set_source(static_cast<Source>(s), form);

  if (source_ == Source::BuiltIn) {
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12);
    if (ImGui::BeginCombo("##builtin", form.dataset.c_str())) {
      for (const auto& [name, description] : builtin) {
        if (source_of(name) != Source::BuiltIn) continue;  // the two read from a path have their buttons
        if (ImGui::Selectable(name.c_str(), name == form.dataset)) form.dataset = builtin_ = name;
        if (ImGui::IsItemHovered() && !description.empty()) ImGui::SetTooltip("%s", description.c_str());
      }
      ImGui::EndCombo();
    }
    ImGui::TextDisabled("Ctrl+D: a folder of images or a CSV file instead");
  } else {
    const bool images = source_ == Source::ImageFolder;
    std::string chosen = browser_.draw_path_field(
        images ? "a folder of images, or of class folders (Enter goes in)" : "a .csv file of numeric columns");
    ImGui::BeginChild("entries", ImVec2(0, ImGui::GetTextLineHeightWithSpacing() * 9), true);
    const std::string double_clicked = browser_.draw_entries();
    ImGui::EndChild();
    if (!double_clicked.empty()) chosen = double_clicked;
    if (is_file(chosen)) {
      // A file is never an image folder: choosing one means the CSV source.
      if (images) {
        csv_path_ = chosen;
        set_source(Source::Csv, form);
      }
      browser_.go_to(parent_folder(chosen));  // show where it lies
    }
    form.dataset_path = browser_.field_path();
    (source_ == Source::ImageFolder ? image_path_ : csv_path_) = form.dataset_path;
    if (source_ == Source::ImageFolder) {
      const float w = ImGui::GetFontSize() * 6;
      ImGui::SetNextItemWidth(w);
      int size = static_cast<int>(form.image_size);
      if (ImGui::InputInt("size", &size, 8, 32)) form.image_size = std::clamp(size, 1, 4096);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("dataset.size: images are centre-cropped to a square and resized to this side");
      ImGui::SameLine();
      ImGui::SetNextItemWidth(w);
      if (ImGui::BeginCombo("colour", form.image_color.c_str())) {
        for (const char* c : {"gray", "rgb"})
          if (ImGui::Selectable(c, form.image_color == c)) form.image_color = c;
        ImGui::EndCombo();
      }
    } else {
      ImGui::TextDisabled("a first row with a word in it is the header");
      ImGui::TextDisabled("a label column: add \"label_column\" to the JSON");
    }
    start_check();
    take_finished_check();
    if (!has_result_) ImGui::TextDisabled("checking...");
    else {
      ImGui::PushStyleColor(ImGuiCol_Text, result_.ok ? kGood : kBad);
      ImGui::TextWrapped("%s", result_.line.c_str());  // a long path must not be clipped
      ImGui::PopStyleColor();
    }
  }
  seen_dataset_ = form.dataset;
  seen_path_ = form.dataset_path;
  ImGui::PopID();
}

}  // namespace gui
}  // namespace vaelab
