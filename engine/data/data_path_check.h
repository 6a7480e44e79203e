#pragma once
// What a data set path holds — an image folder's images and classes, a CSV's rows and columns — counted
// cheaply by the loaders' own rules (data/image_folder.h, data/csv_line.h), as one line: the app's New run
// dialog shows it before a run is created.
#include <atomic>
#include <cstdint>
#include <string>

namespace vaelab {

// A cheap look at a data set path: counts, never pixels or numbers, so that the dialog can show it while
// the user types. Scans are capped (a huge folder or file answers in well under a second) and run off the
// UI thread by the caller; `cancel` (may be null) ends a scan whose answer is no longer wanted. The engine's
// loader has the last word when the run is created (an undecodable image is found only then).
struct DataPathCheck {
  bool ok = false;   // the engine's loader would find data there, as far as this look can tell
  std::string line;  // one line: the counts, or what is wrong
};

// As engine/data/image_folder.h reads a folder: when it has sub-folders each is a class holding its images
// at any depth (images beside them are skipped), else the images directly inside form an unlabelled set;
// .png/.jpg/.jpeg/.bmp, hidden entries left out. Counts at most `max_files` images.
//   "24 images in 2 classes (cats, dogs); 1 image beside the class folders is skipped"
DataPathCheck check_image_folder(const std::string& path, const std::atomic<bool>* cancel = nullptr,
                                 int64_t max_files = 100000);

// As engine/data/csv_table.h reads a file (delimiter ','): blank lines skipped, a first row with a
// non-numeric cell is a header, every row the first row's number of cells, every cell a number. Checks
// the first `checked_rows` data rows cell by cell and counts the rows in the first `max_bytes`.
//   "1000 rows × 5 columns, header: x, y, z, w, label"
DataPathCheck check_csv_file(const std::string& path, const std::atomic<bool>* cancel = nullptr,
                             int64_t max_bytes = int64_t(64) << 20, int64_t checked_rows = 1000);

}  // namespace vaelab
