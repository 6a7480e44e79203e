#pragma once
// File > Open (Ctrl+O): a file browser drawn in ImGui. It is ours rather than the desktop's native dialog
// because no native file-dialog library is packaged in Debian for our stack (GLFW 3.3 + Dear ImGui 1.86),
// and the app takes no dependency from outside it.
//
// It shows a path field (type a path, press Enter or Open), "Recent runs" (recent_runs.h), then the
// current folder with a parent-folder button: folders first, then files, run folders (holding
// checkpoint.pt) marked "run" (folder_listing.h). A chosen path goes to the app's `open_path`, which
// treats it exactly as a file dropped on the window (run folders, checkpoints, preset files, TorchScript
// .pt files, image folders).
//
// Keyboard: the path field has the focus when the dialog opens. Enter on a plain folder's path goes into
// that folder; on anything else (a run folder, a file) it opens it. Escape closes.
#include <functional>
#include <string>
#include <vector>

#include "folder_listing.h"

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
  void go_to(const std::string& folder);

  bool open_request_ = false;
  bool shown_ = false;
  bool focus_path_ = false;
  std::string path_;    // the path field
  FolderListing listing_;
};

}  // namespace gui
}  // namespace vaelab
