#pragma once
// The file browser drawn in ImGui that File > Open and the New run dialog's dataset field share: a path
// field (type a path, absolute or relative to the folder shown) and the folder shown, with a parent-folder
// button, folders first, then files, run folders (holding checkpoint.pt) marked "run" (folder_listing.h).
// It is ours rather than the desktop's native dialog because no native file-dialog library is packaged
// in Debian for our stack (GLFW 3.3 + Dear ImGui 1.86), and the app takes no dependency from outside it.
//
// What it does with input (each dialog decides what a chosen path means):
//   Enter in the path field   on a plain folder (not a run): goes into it; on anything else: chosen
//   click on an entry          puts its path in the field
//   double-click on an entry   on a plain folder: goes into it; on a run folder or a file: chosen
// After going into a folder the field is cleared, ready for a name typed there, unless the browser was
// made with `folders_are_choices` (an image folder is itself the answer): the field then shows the folder.
#include <string>

#include "folder_listing.h"

namespace vaelab {
namespace gui {

class FileBrowser {
 public:
  explicit FileBrowser(bool folders_are_choices = false) : folders_are_choices_(folders_are_choices) {}

  void set_folders_are_choices(bool on) { folders_are_choices_ = on; }
  // Lists `folder` (re-read from disk).
  void go_to(const std::string& folder);
  // The path field takes the keyboard focus on the next draw_path_field().
  void focus_path_field() { focus_path_ = true; }

  // Draws the path field, `hint` shown while it is empty, with a `button` after it when not null. Returns
  // the path chosen this frame (Enter on anything but a plain folder, or the button), "" when none.
  std::string draw_path_field(const char* hint, const char* button = nullptr);
  // Draws the parent-folder button, the folder's path and its entries (the caller puts them in a child
  // window). Returns the path chosen this frame by a double-click, "" when none.
  std::string draw_entries();

  const std::string& folder() const { return listing_.folder; }
  bool has_folder() const { return !listing_.folder.empty(); }
  // The path field as typed, and as a path: a relative one taken from the folder shown, not from the app's
  // working folder.
  const std::string& field() const { return path_; }
  std::string field_path() const;
  void set_field(const std::string& path) { path_ = path; }

 private:
  void go_into(const std::string& folder);

  bool folders_are_choices_;
  bool focus_path_ = false;
  bool cursor_to_end_ = false;  // the path field's cursor to its end when it is next active
  std::string path_;  // the path field
  FolderListing listing_;
};

}  // namespace gui
}  // namespace vaelab
