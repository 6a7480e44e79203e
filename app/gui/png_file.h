#pragma once
// PNG writing for exports and screenshots (stb_image_write; the implementation lives in libstb).
// Never throws: failures come back as a one-line error naming the path.
#include <cstdint>
#include <string>

#include "views/view.h"

namespace vaelab {
namespace gui {

// True when `path` can be created/overwritten (its folder exists and is writable); sets `error` if not.
bool check_writable(const std::string& path, std::string& error);
bool write_png(const std::string& path, const RgbImage& image, std::string& error);
// 8-bit image with `channels` 1, 3 or 4, rows top first.
bool write_png(const std::string& path, int width, int height, int channels, const uint8_t* pixels,
               std::string& error);
// Each pixel repeated factor x factor times.
RgbImage upscale_nearest(const RgbImage& image, int factor);

}  // namespace gui
}  // namespace vaelab
