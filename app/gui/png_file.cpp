#include "png_file.h"

#include <stb_image_write.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace vaelab {
namespace gui {

bool check_writable(const std::string& path, std::string& error) {
  if (path.empty()) {
    error = "no file name given";
    return false;
  }
  std::FILE* f = std::fopen(path.c_str(), "ab");
  if (!f) {
    error = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  std::fclose(f);
  return true;
}

bool write_png(const std::string& path, int width, int height, int channels, const uint8_t* pixels,
               std::string& error) {
  if (width <= 0 || height <= 0 || !pixels) {
    error = "nothing to write to " + path + " (empty image)";
    return false;
  }
  if (!stbi_write_png(path.c_str(), width, height, channels, pixels, width * channels)) {
    error = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

bool write_png(const std::string& path, const RgbImage& image, std::string& error) {
  return write_png(path, image.width, image.height, 3, image.pixels.data(), error);
}

RgbImage upscale_nearest(const RgbImage& image, int factor) {
  if (factor <= 1) return image;
  RgbImage out;
  out.width = image.width * factor;
  out.height = image.height * factor;
  out.pixels.resize(static_cast<size_t>(out.width) * out.height * 3);
  for (int y = 0; y < out.height; ++y)
    for (int x = 0; x < out.width; ++x)
      std::memcpy(&out.pixels[(static_cast<size_t>(y) * out.width + x) * 3],
                  &image.pixels[(static_cast<size_t>(y / factor) * image.width + x / factor) * 3], 3);
  return out;
}

}  // namespace gui
}  // namespace vaelab
