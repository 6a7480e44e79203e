#pragma once
// The one PNG writer of vaelab: 8-bit pixels encoded in memory by stb_image_write (from libstb; its
// implementation is compiled there, never here) and written whole or not at all by the durable writer
// (core/atomic_write.h). The app's exports and screenshots (app/gui/png_file.h) and the engine's figures
// go through it.
//
// Errors are vaelab::Error naming the file: `cannot write "DIR/a.png": Permission denied` (a missing
// or read-only folder, a full disk; an earlier file of that name stays whole), or `nothing to write to
// DIR/a.png (empty image)`.
#include <cstdint>
#include <string>

#include "plot/raster_canvas.h"

namespace vaelab {

// channels 1 (grey), 3 (RGB) or 4 (RGBA), rows top first, no padding between rows.
std::string encode_png(int width, int height, int channels, const uint8_t* pixels, const std::string& path = "");
void write_png_file(const std::string& path, int width, int height, int channels, const uint8_t* pixels);
void write_png_file(const std::string& path, const RasterCanvas& canvas);

}  // namespace vaelab
