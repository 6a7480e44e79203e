#pragma once
// Grey images [N, H, W] with values in [0, 1] (0 black, 1 white; clamped, NaN mid grey) tiled in rows of
// `columns`, each pixel drawn as scale x scale, with a gap between tiles, optional row labels at the left
// and a title.
//
// Layout: tile i sits in row i / columns, column i % columns; its top-left pixel is
//   x = gap + label_width + (i % columns) (scale W + gap),   y = gap + title_height + (i / columns) (scale H + gap)
// where label_width is 0 without row labels and title_height 0 without a title.
#include <string>
#include <vector>

#include "plot/raster_canvas.h"

namespace vaelab {

struct ImageGridOptions {
  int columns = 8;  // <= 0: all images in one row
  int gap = 2;
  int scale = 2;    // pixels per image pixel
  std::vector<std::string> row_labels;  // one per row, drawn left of it
  std::string title;
  int font_scale = 2;
  Rgb background{0xff, 0xff, 0xff};
};

RasterCanvas image_grid(const std::vector<float>& images, int count, int height, int width,
                        const ImageGridOptions& options);

}  // namespace vaelab
