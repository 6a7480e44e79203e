#pragma once
// What the app's file browsers (file_browser.h: File > Open, the New run dialog's dataset field) read off
// the file system, with no ImGui so tests link it: one folder's entries, folders first, then files, each
// group sorted by name ignoring case; hidden entries (a leading dot) left out; a folder holding
// checkpoint.pt marked as a run folder.
#include <cstdint>
#include <string>
#include <vector>

namespace vaelab {
namespace gui {

struct FolderEntry {
  std::string name;  // file name only
  std::string path;  // folder/name
  bool is_folder = false;
  bool is_run = false;  // a folder holding checkpoint.pt (what engine/train/run_folder.h opens as a run)
};

struct FolderListing {
  std::string folder;  // absolute, normalised
  std::vector<FolderEntry> entries;
  std::string error;   // "" or why the folder could not be read (entries then empty)
};

FolderListing list_folder(const std::string& folder);

// The folder above `folder` (absolute); the root stays the root.
std::string parent_folder(const std::string& folder);

}  // namespace gui
}  // namespace vaelab
