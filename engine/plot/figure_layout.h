#pragma once
// Composing figures: panels side by side or stacked, centred on a white background, and a title above.
#include <string>
#include <vector>

#include "plot/raster_canvas.h"

namespace vaelab {

RasterCanvas side_by_side(const std::vector<RasterCanvas>& panels, int gap = 16);
RasterCanvas stacked(const std::vector<RasterCanvas>& panels, int gap = 16);
// `figure` with `title` centred above it at font scale `scale` (unchanged when the title is empty).
RasterCanvas with_title(const RasterCanvas& figure, const std::string& title, int scale = 2);

}  // namespace vaelab
