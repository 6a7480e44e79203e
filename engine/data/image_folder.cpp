#include "data/image_folder.h"

#include <fmt/format.h>
#include <stb_image.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "core/json_fields.h"
#include "core/error.h"
#include "data/image_resize.h"
#include "data/seeded_permutation.h"

namespace vaelab {

namespace fs = std::filesystem;

namespace {

bool is_hidden(const fs::path& p) { return !p.filename().empty() && p.filename().string()[0] == '.'; }

// Image files under `dir` (recursively or not), sorted so the order does not depend on the file system.
std::vector<fs::path> image_files(const fs::path& dir, bool recursive) {
  std::vector<fs::path> files;
  auto take = [&](const fs::directory_entry& e) {
    if (e.is_regular_file() && is_image_file_name(e.path())) files.push_back(e.path());
  };
  if (recursive) {
    for (const auto& e : fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied))
      take(e);
  } else {
    for (const auto& e : fs::directory_iterator(dir)) take(e);
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

bool is_image_file_name(const std::filesystem::path& path) {
  if (is_hidden(path)) return false;
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp";
}

ImageFolderResult read_image_folder(const nlohmann::json& spec) {
  json_fields::require_object(spec, "dataset");
  json_fields::only_keys(spec, "dataset",
                         {"name", "root", "size", "color", "test_fraction", "split_seed", "skipped"});
  if (!spec.contains("root"))
    throw Error("preset key \"dataset.root\": required for image-folder (the folder holding the images)");
  const std::string root = json_fields::text(spec, "dataset", "root", "");
  const int64_t size = json_fields::integer(spec, "dataset", "size", 64);
  const std::string color = json_fields::choice(spec, "dataset", "color", "gray", {"gray", "rgb"});
  const double test_fraction = json_fields::number(spec, "dataset", "test_fraction", 0.2);
  const int64_t split_seed = json_fields::integer(spec, "dataset", "split_seed", 0);
  if (size < 1 || size > 4096)
    throw Error(fmt::format("preset key \"dataset.size\": expected an image side in 1..4096, got {}", size));
  if (!(test_fraction >= 0.0 && test_fraction < 1.0))
    throw Error(fmt::format("preset key \"dataset.test_fraction\": expected a number in [0, 1), got {}",
                            test_fraction));
  std::error_code ec;
  if (!fs::is_directory(root, ec)) throw Error(fmt::format("image-folder: folder {} not found", root));

  // Class folders, if any.
  std::vector<std::string> class_names;
  for (const auto& e : fs::directory_iterator(root))
    if (e.is_directory() && !is_hidden(e.path())) class_names.push_back(e.path().filename().string());
  std::sort(class_names.begin(), class_names.end());

  ImageFolderReport report;
  std::vector<std::pair<fs::path, int64_t>> files;  // path, class id (-1: unlabelled)
  if (class_names.empty()) {
    for (auto& p : image_files(root, false)) files.emplace_back(p, -1);
  } else {
    for (auto& p : image_files(root, false)) {
      ++report.skipped;
      report.skipped_files.push_back(p.string() + ": lies next to class sub-folders, so it has no class");
    }
    for (size_t c = 0; c < class_names.size(); ++c)
      for (auto& p : image_files(fs::path(root) / class_names[c], true))
        files.emplace_back(p, static_cast<int64_t>(c));
  }

  const int channels = color == "rgb" ? 3 : 1;
  const int side = static_cast<int>(size);
  std::vector<uint8_t> pixels;
  std::vector<int64_t> labels;
  for (const auto& [path, label] : files) {
    int w = 0, h = 0, n = 0;
    std::unique_ptr<stbi_uc, void (*)(void*)> img(stbi_load(path.string().c_str(), &w, &h, &n, channels),
                                                  stbi_image_free);
    if (!img || w <= 0 || h <= 0) {
      ++report.skipped;
      const char* why = stbi_failure_reason();
      report.skipped_files.push_back(path.string() + ": " + (why ? why : "unreadable"));
      continue;
    }
    const auto resized = resize_to_square(img.get(), w, h, channels, side);
    pixels.insert(pixels.end(), resized.begin(), resized.end());
    labels.push_back(label);
  }
  report.loaded = static_cast<int64_t>(labels.size());
  if (report.loaded == 0)
    throw Error(fmt::format("image-folder: no readable .png/.jpg/.jpeg/.bmp image in {} ({} skipped{}{})", root,
                            report.skipped, report.skipped ? ", first: " : "",
                            report.skipped ? report.skipped_files.front() : ""));

  const int64_t n = report.loaded;
  Dataset all;
  all.name = "image-folder";
  all.shape = DataShape{channels, size, size, 0};
  all.storage = torch::from_blob(pixels.data(), {n, channels, size, size}, torch::kUInt8).clone();
  if (!class_names.empty()) {
    all.labels = torch::from_blob(labels.data(), {n}, torch::kInt64).clone();
    all.class_names = class_names;
  }
  const auto parts = split_train_test(n, test_fraction, static_cast<uint64_t>(split_seed));
  ImageFolderResult result;
  result.report = std::move(report);
  result.split.train = all.subset(parts.train);
  result.split.train.name = "image-folder/train";
  result.split.test = all.subset(parts.test);
  result.split.test.name = "image-folder/test";
  result.split.descriptor = {{"name", "image-folder"}, {"root", root},           {"size", size},
                             {"color", color},         {"test_fraction", test_fraction},
                             {"split_seed", split_seed}, {"skipped", result.report.skipped}};
  return result;
}

DatasetSplit load_image_folder(const nlohmann::json& spec) {
  auto result = read_image_folder(spec);
  if (result.report.skipped > 0)
    std::fprintf(stderr, "image-folder: skipped %lld unreadable file(s), first: %s\n",
                 static_cast<long long>(result.report.skipped), result.report.skipped_files.front().c_str());
  return std::move(result.split);
}

}  // namespace vaelab
