#pragma once
// A folder of PNG / JPEG / BMP files as a data set. When the folder has sub-folders, each immediate
// sub-folder is a class (sorted names -> class ids 0, 1, ...) holding its images at any depth; otherwise
// the images directly in the folder form an unlabelled set. Images are centre-cropped to a square and
// resized to "size" x "size" (see image_resize.h), as grey or RGB.
#include <filesystem>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "data/dataset.h"

namespace vaelab {

// What reading the folder met besides the images it kept.
struct ImageFolderReport {
  int64_t loaded = 0;
  int64_t skipped = 0;                     // files with an image extension that could not be used
  std::vector<std::string> skipped_files;  // "path: reason", one per skipped file
};

struct ImageFolderResult {
  DatasetSplit split;
  ImageFolderReport report;
};

// spec: {"name": "image-folder", "root": folder (required), "size": 64, "color": "gray" | "rgb",
// "test_fraction": 0.2, "split_seed": 0}. The descriptor repeats these and adds "skipped" (the count),
// which is accepted and ignored when the descriptor is loaded again. Files whose extension is not
// .png/.jpg/.jpeg/.bmp are ignored; unreadable ones, and images lying next to class sub-folders, are
// skipped and counted. Throws vaelab::Error when no image could be read.
ImageFolderResult read_image_folder(const nlohmann::json& spec);

// The files the loader reads: not hidden (no leading dot), .png/.jpg/.jpeg/.bmp in any letter case.
bool is_image_file_name(const std::filesystem::path& path);

// read_image_folder(spec).split, printing one line to stderr when files were skipped.
DatasetSplit load_image_folder(const nlohmann::json& spec);

}  // namespace vaelab
