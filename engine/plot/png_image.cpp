#include "plot/png_image.h"

#include <fmt/format.h>
#include <stb_image_write.h>

#include "core/atomic_write.h"
#include "core/error.h"

namespace vaelab {

std::string encode_png(int width, int height, int channels, const uint8_t* pixels, const std::string& path) {
  const std::string name = path.empty() ? std::string("the image") : path;
  if (width <= 0 || height <= 0 || !pixels) throw Error(fmt::format("nothing to write to {} (empty image)", name));
  if (channels != 1 && channels != 3 && channels != 4)
    throw Error(fmt::format("cannot write {} as PNG: {} channels (1, 3 or 4 expected)", name, channels));
  std::string bytes;
  auto append = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<size_t>(size));
  };
  if (!stbi_write_png_to_func(append, &bytes, width, height, channels, pixels, width * channels))
    throw Error(fmt::format("cannot encode {} as PNG", name));
  return bytes;
}

void write_png_file(const std::string& path, int width, int height, int channels, const uint8_t* pixels) {
  write_file_atomically(path, encode_png(width, height, channels, pixels, path));
}

void write_png_file(const std::string& path, const RasterCanvas& canvas) {
  write_png_file(path, canvas.width(), canvas.height(), 3, canvas.pixels().data());
}

}  // namespace vaelab
