#pragma once
// Scatter plots of many points (the clusters view: up to 70k latent codes) drawn with our own GL program
// into an offscreen framebuffer texture, then shown with ImGui::Image. One draw call of GL_POINTS
// (gl_PointSize discs, shaders/points.{vert,frag}), so the point count never touches ImGui's vertex
// buffer or its 16-bit index limit.
//
// UI thread only (GL context). render() saves and restores the GL state it touches (framebuffer,
// viewport, program, vertex array, array buffer, blending, program point size), so it can be called
// anywhere inside an ImGui frame.
#include <epoxy/gl.h>

#include <cstdint>
#include <string>
#include <vector>

#include "gl/shader.h"

namespace vaelab {
namespace gui {

class PointRenderer {
 public:
  PointRenderer() = default;
  ~PointRenderer();
  PointRenderer(const PointRenderer&) = delete;
  PointRenderer& operator=(const PointRenderer&) = delete;

  // xy: 2 floats per point (data units); rgba: 4 bytes per point. Uploaded on the next render().
  void set_points(std::vector<float> xy, std::vector<uint8_t> rgba);
  int64_t size() const { return static_cast<int64_t>(xy_.size() / 2); }

  // Draws into the offscreen texture of width x height pixels, data box [x0,x1] x [y0,y1] filling it
  // (y up), on `background` (RGBA 0..1). point_size is the disc diameter in pixels. Returns false with a
  // one-line error (shader files missing, framebuffer incomplete); the caller shows it instead.
  bool render(int width, int height, double x0, double y0, double x1, double y1, float point_size,
              const float background[4], std::string& error);
  void* imgui_id() const { return reinterpret_cast<void*>(static_cast<intptr_t>(color_)); }
  // Image space: the texture's row 0 is the bottom row (GL); draw with uv0 = (0,1), uv1 = (1,0).
  int width() const { return width_; }
  int height() const { return height_; }

 private:
  bool ensure_program(std::string& error);
  bool ensure_target(int width, int height, std::string& error);

  std::vector<float> xy_;
  std::vector<uint8_t> rgba_;
  bool dirty_ = false;
  ShaderProgram program_;
  GLuint vao_ = 0, vbo_xy_ = 0, vbo_rgba_ = 0;
  GLuint fbo_ = 0, color_ = 0;
  GLint loc_box_ = -1, loc_size_ = -1;
  int width_ = 0, height_ = 0;
  std::string program_error_;  // sticky: a failed compile is not retried every frame
};

}  // namespace gui
}  // namespace vaelab
