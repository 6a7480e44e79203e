#pragma once
// PNG writing for exports and screenshots through the engine's one PNG writer (plot/png_image.h:
// stb_image_write from libstb, then the durable writer). Never throws: failures come back as a one-line
// error naming the path.
#include <cstdint>
#include <string>

#include "views/view.h"

namespace vaelab {
namespace gui {

// True when `path` can be created/overwritten (its folder exists and is writable); sets `error` if not.
// Creates nothing.
bool check_writable(const std::string& path, std::string& error);
// The first image of `image` (channels 1 or 3).
bool write_png(const std::string& path, const ImageBytes& image, std::string& error);
// 8-bit image with `channels` 1, 3 or 4, rows top first.
bool write_png(const std::string& path, int width, int height, int channels, const uint8_t* pixels,
               std::string& error);
// The first image of `image`, each pixel repeated factor x factor times.
ImageBytes upscale_nearest(const ImageBytes& image, int factor);

}  // namespace gui
}  // namespace vaelab
