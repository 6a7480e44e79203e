#include "gl/heatmap_renderer.h"

namespace vaelab {
namespace gui {

HeatmapRenderer::~HeatmapRenderer() {
  if (values_tex_) glDeleteTextures(1, &values_tex_);
  if (colormap_tex_) glDeleteTextures(1, &colormap_tex_);
  if (target_) glDeleteTextures(1, &target_);
  if (fbo_) glDeleteFramebuffers(1, &fbo_);
  if (vao_) glDeleteVertexArrays(1, &vao_);
}

bool HeatmapRenderer::render(int cols, int rows, const float* values, bool upload_values, double vmin, double vmax,
                             Colormap map, std::string& error) {
  if (program_failed_) {
    error = program_error_;
    return false;
  }
  if (!program_.valid() && !program_.load("heatmap.vert", "heatmap.frag", program_error_)) {
    program_failed_ = true;
    error = program_error_;
    return false;
  }
  if (cols <= 0 || rows <= 0) {
    error = "empty heatmap";
    return false;
  }
  // Save the state we touch.
  GLint prev_fbo = 0, prev_program = 0, prev_vao = 0, prev_active = 0, prev_tex2d = 0, prev_tex1d = 0;
  GLint prev_viewport[4];
  glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &prev_fbo);
  glGetIntegerv(GL_CURRENT_PROGRAM, &prev_program);
  glGetIntegerv(GL_VERTEX_ARRAY_BINDING, &prev_vao);
  glGetIntegerv(GL_ACTIVE_TEXTURE, &prev_active);
  glGetIntegerv(GL_VIEWPORT, prev_viewport);
  const GLboolean blend = glIsEnabled(GL_BLEND), scissor = glIsEnabled(GL_SCISSOR_TEST);

  glActiveTexture(GL_TEXTURE0);
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &prev_tex2d);
  const bool resized = cols != cols_ || rows != rows_;
  if (!values_tex_) glGenTextures(1, &values_tex_);
  glBindTexture(GL_TEXTURE_2D, values_tex_);
  if (upload_values || resized) {
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, cols, rows, 0, GL_RED, GL_FLOAT, values);
  }
  if (!target_) glGenTextures(1, &target_);
  if (resized) {
    glBindTexture(GL_TEXTURE_2D, target_);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, cols, rows, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    glBindTexture(GL_TEXTURE_2D, values_tex_);
    cols_ = cols, rows_ = rows;
  }
  glActiveTexture(GL_TEXTURE1);
  glGetIntegerv(GL_TEXTURE_BINDING_1D, &prev_tex1d);
  if (!colormap_tex_) glGenTextures(1, &colormap_tex_);
  glBindTexture(GL_TEXTURE_1D, colormap_tex_);
  if (colormap_loaded_ != static_cast<int>(map)) {
    const auto table = colormap_table(map, 256);
    glTexParameteri(GL_TEXTURE_1D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_1D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_1D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage1D(GL_TEXTURE_1D, 0, GL_RGB8, 256, 0, GL_RGB, GL_UNSIGNED_BYTE, table.data());
    colormap_loaded_ = static_cast<int>(map);
  }

  if (!fbo_) glGenFramebuffers(1, &fbo_);
  glBindFramebuffer(GL_DRAW_FRAMEBUFFER, fbo_);
  glFramebufferTexture2D(GL_DRAW_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, target_, 0);
  bool ok = glCheckFramebufferStatus(GL_DRAW_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE;
  if (ok) {
    if (!vao_) glGenVertexArrays(1, &vao_);
    glViewport(0, 0, cols, rows);
    glDisable(GL_BLEND);
    glDisable(GL_SCISSOR_TEST);
    glUseProgram(program_.id());
    glUniform1i(program_.uniform("values"), 0);
    glUniform1i(program_.uniform("colormap"), 1);
    glUniform1f(program_.uniform("vmin"), static_cast<float>(vmin));
    glUniform1f(program_.uniform("vmax"), static_cast<float>(vmax));
    glBindVertexArray(vao_);
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
  } else {
    error = "heatmap framebuffer is incomplete";
  }

  // Restore.
  glBindTexture(GL_TEXTURE_1D, static_cast<GLuint>(prev_tex1d));
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(prev_tex2d));
  glActiveTexture(static_cast<GLenum>(prev_active));
  glBindFramebuffer(GL_DRAW_FRAMEBUFFER, static_cast<GLuint>(prev_fbo));
  glUseProgram(static_cast<GLuint>(prev_program));
  glBindVertexArray(static_cast<GLuint>(prev_vao));
  glViewport(prev_viewport[0], prev_viewport[1], prev_viewport[2], prev_viewport[3]);
  if (blend) glEnable(GL_BLEND);
  if (scissor) glEnable(GL_SCISSOR_TEST);
  return ok;
}

}  // namespace gui
}  // namespace vaelab
