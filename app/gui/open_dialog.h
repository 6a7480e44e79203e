#pragma once
// File > Open (Ctrl+O): the file browser (file_browser.h) in a modal, with "Recent runs" (recent_runs.h)
// above the current folder's entries. It shows a path field (type a path, press Enter or Open), the
// recent runs, then the current folder with a parent-folder button. A chosen path goes to the app's
// `open_path`, which treats it exactly as a file dropped on the window (run folders, checkpoints, preset
// files, TorchScript .pt files, image folders).
//
// Keyboard: the path field has the focus when the dialog opens. Enter on a plain folder's path goes into
// that folder; on anything else (a run folder, a file) it opens it. Escape closes.
#include <functional>
#include <string>
#include <vector>

#include "file_browser.h"

namespace vaelab {
namespace gui {

class OpenDialog {
 public:
  // Opens the dialog on the next draw(), in the folder it last showed (at first the working folder).
  void open();
  // Draws the dialog while it is open (once per frame, outside any window).
  void draw(float ui_scale, const std::vector<std::string>& recent,
            const std::function<void(const std::string& path)>& open_path);
  bool is_open() const { return shown_; }

 private:
  bool open_request_ = false;
  bool shown_ = false;
  FileBrowser browser_;
};

}  // namespace gui
}  // namespace vaelab
