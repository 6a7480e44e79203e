#pragma once
// A grid of equally sized 8-bit images (probe strips, decoded samples, manifold grids) composed into one
// mosaic and drawn as one GL texture with nearest filtering: 28x28 digits are scaled up pixel-exact, and
// a 30x30 grid costs 4 vertices instead of one ImGui rect per pixel.
// UI thread only (owns a texture). Exports are written at native pixel resolution times an integer scale.
#include <imgui.h>

#include <cstdint>
#include <string>
#include <vector>

#include "gl/texture.h"
#include "views/view.h"

namespace vaelab {
namespace gui {

// Builds the RGB mosaic (one RGB image) of `batch` with `cols` columns and `pad` pixels of `pad_value` between cells
// (pure, no GL: tested directly).
ImageBytes compose_mosaic(const ImageBytes& batch, int cols, int pad, uint8_t pad_value = 40);

class ImageGrid {
 public:
  // Replaces the content; the texture is rebuilt on the next draw.
  void set(const ImageBytes& batch, int cols, int pad = 1);
  // `mosaic`: one RGB image laid out as cols x rows cells of cell_w x cell_h with `pad` between them.
  void set(ImageBytes mosaic, int cols, int rows, int cell_w, int cell_h, int pad);
  bool empty() const { return mosaic_.width == 0; }
  // Draws at the largest integer zoom that fits `max_size` (at least 1, unless it must shrink).
  // Returns the hovered cell index or -1. When enlarge_hover, the hovered cell is shown big in a tooltip.
  int draw(ImVec2 max_size, bool enlarge_hover = false);
  bool export_png(const std::string& path, float scale, std::string& error) const;
  const ImageBytes& mosaic() const { return mosaic_; }
  ScreenRect rect() const { return rect_; }

 private:
  ImageBytes mosaic_;
  int cols_ = 1, rows_ = 1, cell_w_ = 0, cell_h_ = 0, pad_ = 0;
  bool dirty_ = false;
  Texture texture_;
  ScreenRect rect_;
};

}  // namespace gui
}  // namespace vaelab
