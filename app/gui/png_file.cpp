#include "png_file.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/error.h"
#include "plot/png_image.h"

namespace vaelab {
namespace gui {

bool check_writable(const std::string& path, std::string& error) {
  if (path.empty()) {
    error = "no file name given";
    return false;
  }
  // The folder must exist and take new files (the write itself goes to a temporary file there); the
  // target is not touched, so a refused export leaves nothing behind.
  const auto parent = std::filesystem::path(path).parent_path();
  const std::string folder = parent.empty() ? "." : parent.string();
  if (::access(folder.c_str(), W_OK | X_OK) != 0) {
    error = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

bool write_png(const std::string& path, int width, int height, int channels, const uint8_t* pixels,
                std::string& error) {
  // The engine's one PNG writer (encoded in memory, written by the durable writer: a full disk or a
  // vanished folder is an error naming the file, and an earlier file of that name stays whole).
  try {
    write_png_file(path, width, height, channels, pixels);
  } catch (const Error& e) {
    error = e.what();
    return false;
  }
  return true;
}

bool write_png(const std::string& path, const ImageBytes& image, std::string& error) {
  return write_png(path, static_cast<int>(image.width), static_cast<int>(image.height),
                   static_cast<int>(image.channels), image.pixels.data(), error);
}

ImageBytes upscale_nearest(const ImageBytes& image, int factor) {
  if (factor <= 1) return image;
  const int64_t c = image.channels;
  ImageBytes out;
  out.count = std::min<int64_t>(image.count, 1);
  out.channels = c;
  out.width = image.width * factor;
  out.height = image.height * factor;
  out.pixels.resize(static_cast<size_t>(out.width * out.height * c));
  for (int64_t y = 0; y < out.height; ++y)
    for (int64_t x = 0; x < out.width; ++x)
      std::memcpy(&out.pixels[static_cast<size_t>((y * out.width + x) * c)],
                  &image.pixels[static_cast<size_t>(((y / factor) * image.width + x / factor) * c)], static_cast<size_t>(c));
  return out;
}

}  // namespace gui
}  // namespace vaelab
