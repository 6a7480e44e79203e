#include "plot/image_grid.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "plot/bitmap_font.h"
#include "plot/plot_frame.h"

namespace vaelab {

RasterCanvas image_grid(const std::vector<float>& images, int count, int height, int width,
                        const ImageGridOptions& o) {
  if (count < 0 || height <= 0 || width <= 0 ||
      images.size() < static_cast<size_t>(count) * static_cast<size_t>(height) * static_cast<size_t>(width))
    throw Error("image grid: expected " + std::to_string(count) + " images of " + std::to_string(height) + "x" +
                std::to_string(width) + " values, got " + std::to_string(images.size()) + " values");
  const int columns = o.columns > 0 ? std::min(o.columns, std::max(1, count)) : std::max(1, count);
  const int rows = std::max(1, (count + columns - 1) / columns);
  const int scale = std::max(1, o.scale), gap = std::max(0, o.gap), fs = o.font_scale;
  int label_width = 0;
  for (const auto& l : o.row_labels) label_width = std::max(label_width, text_width(l, fs));
  if (label_width > 0) label_width += 8;
  const int title_height = o.title.empty() ? 0 : text_height(fs) + 12;
  const int tile_w = width * scale, tile_h = height * scale;
  const int canvas_w = std::max(gap + label_width + columns * (tile_w + gap), o.title.empty() ? 0 : text_width(o.title, fs) + 2 * gap);
  RasterCanvas canvas(canvas_w, gap + title_height + rows * (tile_h + gap), o.background);
  if (!o.title.empty()) draw_text(canvas, (canvas_w - text_width(o.title, fs)) / 2, gap + 4, o.title, kInk, fs);
  for (int r = 0; r < rows && r < static_cast<int>(o.row_labels.size()); ++r) {
    const int y = gap + title_height + r * (tile_h + gap) + (tile_h - text_height(fs)) / 2;
    draw_text(canvas, gap, y, o.row_labels[static_cast<size_t>(r)], kInk, fs);
  }
  for (int i = 0; i < count; ++i) {
    const int x0 = gap + label_width + (i % columns) * (tile_w + gap);
    const int y0 = gap + title_height + (i / columns) * (tile_h + gap);
    const float* image = images.data() + static_cast<size_t>(i) * height * width;
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x) {
        const float v = image[y * width + x];
        const uint8_t g = std::isnan(v) ? 128 : static_cast<uint8_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f));
        canvas.fill_rect(x0 + x * scale, y0 + y * scale, x0 + (x + 1) * scale, y0 + (y + 1) * scale, {g, g, g});
      }
  }
  return canvas;
}

}  // namespace vaelab
