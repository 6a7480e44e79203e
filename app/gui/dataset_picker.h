#pragma once
// The New run dialog's dataset field: where the data come from (a built-in data set, an image folder or a
// CSV file), the file browser (file_browser.h) for the last two, an image folder's size and colour, and a
// one-line check of the chosen path (data/data_path_check.h: images and classes, or rows × columns) before the
// run is created. It edits the PresetForm's dataset keys (preset_form.h writes them into the JSON).
//
// The check runs on a thread of its own, so that a big folder or file never stalls a frame; a newer path
// cancels the older check. The dialog refuses Create while the check has not accepted the path.
//
// Keyboard: focus_path_field() (the dialog's Ctrl+D) puts the focus in the path field, switching a
// built-in data set to an image folder. Enter there on a folder goes into it (for an image folder, that
// folder is the choice); Enter on a file while an image folder is chosen makes it a CSV file.
#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "data/data_path_check.h"
#include "file_browser.h"
#include "preset_form.h"

namespace vaelab {
namespace gui {

class DatasetPicker {
 public:
  enum class Source { BuiltIn, ImageFolder, Csv };

  DatasetPicker();
  // Draws the field and edits `form`'s dataset keys. It follows `form` when its dataset changed elsewhere
  // (a preset picked, the JSON edited). `builtin` lists (name, description) of the built-in data sets.
  void draw(PresetForm& form, const std::vector<std::pair<std::string, std::string>>& builtin);

  void focus_path_field();
  Source source() const { return source_; }
  // "" when Create may go ahead as far as the data are concerned, else the check's line (or that it has
  // not answered yet: checking()).
  std::string problem() const;
  bool checking() const { return source_ != Source::BuiltIn && !has_result_; }
  // Waits (at most `timeout_ms`) for a check still running: the scans are capped, so this is short, and
  // Create, which then loads the data, is slower anyway.
  void wait_for_check(int timeout_ms);

 private:
  struct Check {
    std::atomic<bool> cancel{false};
    std::atomic<bool> done{false};
    DataPathCheck result;  // written before done is set
  };

  void follow(const PresetForm& form);
  void set_source(Source s, PresetForm& form);
  void start_check();
  void take_finished_check();

  Source source_ = Source::BuiltIn;
  std::string builtin_ = "fashion-mnist";  // the built-in data set to come back to
  std::string image_path_, csv_path_;      // each source's path, kept while the other is shown
  std::string seen_dataset_, seen_path_;   // the form's dataset as last drawn, to notice edits elsewhere
  bool focus_request_ = false;
  FileBrowser browser_{true};
  std::shared_ptr<Check> running_;
  std::string checked_;  // source and path of the latest check started
  bool has_result_ = false;
  DataPathCheck result_;
};

}  // namespace gui
}  // namespace vaelab
