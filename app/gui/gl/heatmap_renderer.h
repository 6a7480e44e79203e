#pragma once
// Heatmaps on the GPU: the values go up once as a float texture; shaders/heatmap.{vert,frag} map them
// through a 1-D colormap texture into an RGBA texture of one texel per cell, which ImGui draws with
// nearest filtering. Changing the colormap or the value range re-renders without re-uploading values.
// UI thread only (GL context). render() saves and restores the GL state it touches, so it may be called
// anywhere inside an ImGui frame. On failure (shader files missing, no float textures) the caller falls
// back to colouring on the CPU (plot/colormap.h).
#include <epoxy/gl.h>

#include <cstdint>
#include <string>
#include <vector>

#include "gl/shader.h"
#include "plot/colormap.h"

namespace vaelab {
namespace gui {

class HeatmapRenderer {
 public:
  HeatmapRenderer() = default;
  ~HeatmapRenderer();
  HeatmapRenderer(const HeatmapRenderer&) = delete;
  HeatmapRenderer& operator=(const HeatmapRenderer&) = delete;

  // values: rows x cols, row-major, row 0 first. upload_values=false reuses the last values (same size).
  bool render(int cols, int rows, const float* values, bool upload_values, double vmin, double vmax, Colormap map,
              std::string& error);
  // The result: texel row 0 is grid row 0 at the texture's v = 0 (GL convention).
  void* imgui_id() const { return reinterpret_cast<void*>(static_cast<intptr_t>(target_)); }
  bool valid() const { return target_ != 0; }

 private:
  ShaderProgram program_;
  bool program_failed_ = false;
  std::string program_error_;
  GLuint values_tex_ = 0, colormap_tex_ = 0, target_ = 0, fbo_ = 0, vao_ = 0;
  int cols_ = 0, rows_ = 0;
  int colormap_loaded_ = -1;
};

}  // namespace gui
}  // namespace vaelab
