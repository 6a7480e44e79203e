#pragma once
// File > New run (Ctrl+N): a modal listing the presets grouped by variant, each with its one-line
// description; picking one fills a form of its common keys (variant, dataset, latent size, β where the
// preset has options.beta, epochs, device) beside a JSON editor of the whole preset, kept in sync
// (preset_form.h). The engine checks the JSON as it changes (Preset::from_json: bad JSON, unknown keys,
// bad options); its error shows in the dialog, and Create is refused until the preset is valid. Create
// hands the JSON text to the app, which opens it as the command line and the run view's editor do.
//
// The dataset is a built-in data set, an image folder or a CSV file, the last two chosen with the file
// browser and checked before Create (dataset_picker.h).
//
// Keyboard: the filter field has the focus when the dialog opens; Enter there picks the first preset
// listed; Ctrl+D puts the focus in the dataset's path field (an image folder unless a CSV file is
// chosen); Ctrl+Enter is Create; Escape closes.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "dataset_picker.h"
#include "preset_form.h"

namespace vaelab {
namespace gui {

class NewRunDialog {
 public:
  // Opens the dialog on the next draw(), listing the presets afresh, with `preselect` (a preset name,
  // e.g. the open run's) picked when it is one of them.
  void open(const std::string& preselect);
  // Draws the dialog while it is open (call once per frame, outside any window). `create` receives the
  // preset JSON text when the user presses Create.
  void draw(float ui_scale, const std::function<void(const std::string& preset_json)>& create);
  bool is_open() const { return shown_; }

 private:
  void load_lists();
  void pick(const std::string& name);
  void check();  // the engine's verdict on draft_ -> engine_error_
  void draw_preset_list(float height);
  void draw_form();
  bool try_create(const std::function<void(const std::string&)>& create);

  bool open_request_ = false;
  bool shown_ = false;
  bool focus_filter_ = false;
  int scroll_to_picked_ = 0;  // frames left to bring the preselected preset into view (the list's height
                              // is known only after its first frame)
  std::string filter_;
  std::vector<PresetGroup> groups_;
  std::vector<std::pair<std::string, std::string>> datasets_;  // (name, description)
  std::vector<std::pair<std::string, std::string>> variants_;  // (name, description)
  std::string picked_;  // preset name
  PresetDraft draft_;
  std::string engine_error_;  // "" when the engine accepts the draft
  DatasetPicker dataset_;
};

}  // namespace gui
}  // namespace vaelab
