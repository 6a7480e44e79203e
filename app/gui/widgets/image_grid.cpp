#include "widgets/image_grid.h"

#include <algorithm>
#include <cmath>

#include "png_file.h"

namespace vaelab {
namespace gui {

ImageBytes compose_mosaic(const ImageBytes& batch, int cols, int pad, uint8_t pad_value) {
  ImageBytes out;
  if (batch.count <= 0 || batch.height <= 0 || batch.width <= 0) return out;
  cols = std::max(1, std::min<int>(cols, static_cast<int>(batch.count)));
  const int rows = static_cast<int>((batch.count + cols - 1) / cols);
  const int h = static_cast<int>(batch.height), w = static_cast<int>(batch.width);
  const int c = static_cast<int>(batch.channels);
  out = rgb_image(cols * w + (cols - 1) * pad, rows * h + (rows - 1) * pad, pad_value);
  const size_t per = static_cast<size_t>(h) * w * c;
  if (batch.pixels.size() < per * batch.count) return out;
  for (int64_t i = 0; i < batch.count; ++i) {
    const int r = static_cast<int>(i / cols), k = static_cast<int>(i % cols);
    const uint8_t* src = batch.pixels.data() + per * i;
    for (int y = 0; y < h; ++y) {
      uint8_t* dst = &out.pixels[((static_cast<size_t>(r) * (h + pad) + y) * out.width + k * (w + pad)) * 3];
      for (int x = 0; x < w; ++x) {
        const uint8_t* p = src + (static_cast<size_t>(y) * w + x) * c;
        dst[x * 3] = p[0];
        dst[x * 3 + 1] = c == 3 ? p[1] : p[0];
        dst[x * 3 + 2] = c == 3 ? p[2] : p[0];
      }
    }
  }
  return out;
}

void ImageGrid::set(const ImageBytes& batch, int cols, int pad) {
  cols = std::max(1, std::min<int>(cols, static_cast<int>(std::max<int64_t>(1, batch.count))));
  set(compose_mosaic(batch, cols, pad), cols, static_cast<int>((batch.count + cols - 1) / cols),
      static_cast<int>(batch.width), static_cast<int>(batch.height), pad);
}

void ImageGrid::set(ImageBytes mosaic, int cols, int rows, int cell_w, int cell_h, int pad) {
  mosaic_ = std::move(mosaic);
  cols_ = cols, rows_ = rows, cell_w_ = cell_w, cell_h_ = cell_h, pad_ = pad;
  dirty_ = true;
}

int ImageGrid::draw(ImVec2 max_size, bool enlarge_hover) {
  if (empty()) {
    ImGui::TextDisabled("(no images yet)");
    return -1;
  }
  if (dirty_) {
    texture_.upload(static_cast<int>(mosaic_.width), static_cast<int>(mosaic_.height), 3, mosaic_.pixels.data(), true);
    dirty_ = false;
  }
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  if (max_size.x <= 0) max_size.x = std::max(16.0f, avail.x + max_size.x);
  if (max_size.y <= 0) max_size.y = std::max(16.0f, avail.y + max_size.y);
  float zoom = std::min(max_size.x / mosaic_.width, max_size.y / mosaic_.height);
  // Integer zoom keeps pixels square and sharp; between 1x and 2x a fractional zoom wastes less space.
  if (zoom >= 2.0f) zoom = std::floor(zoom);
  const ImVec2 size(mosaic_.width * zoom, mosaic_.height * zoom);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  rect_ = {p.x, p.y, size.x, size.y};
  ImGui::Image(texture_.imgui_id(), size);
  int hovered = -1;
  if (ImGui::IsItemHovered() && cell_w_ > 0) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const int px = static_cast<int>((m.x - p.x) / zoom), py = static_cast<int>((m.y - p.y) / zoom);
    const int c = px / (cell_w_ + pad_), r = py / (cell_h_ + pad_);
    if (c >= 0 && c < cols_ && r >= 0 && r < rows_) {
      hovered = r * cols_ + c;
      if (enlarge_hover) {
        const float u0 = float(c * (cell_w_ + pad_)) / mosaic_.width, v0 = float(r * (cell_h_ + pad_)) / mosaic_.height;
        const float u1 = u0 + float(cell_w_) / mosaic_.width, v1 = v0 + float(cell_h_) / mosaic_.height;
        const float big = ImGui::GetFontSize() * 12;
        ImGui::BeginTooltip();
        ImGui::Image(texture_.imgui_id(), ImVec2(big, big * cell_h_ / cell_w_), ImVec2(u0, v0), ImVec2(u1, v1));
        ImGui::EndTooltip();
      }
    }
  }
  return hovered;
}

bool ImageGrid::export_png(const std::string& path, float scale, std::string& error) const {
  if (empty()) {
    error = "nothing to export yet (no images)";
    return false;
  }
  const int factor = std::max(1, static_cast<int>(std::lround(scale)));
  return write_png(path, upscale_nearest(mosaic_, factor), error);
}

}  // namespace gui
}  // namespace vaelab
