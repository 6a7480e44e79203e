#include "gl/point_renderer.h"


namespace vaelab {
namespace gui {

namespace {

// Saves the GL state render() changes and restores it on scope exit.
struct GlStateGuard {
  GLint framebuffer = 0, program = 0, vao = 0, buffer = 0, viewport[4] = {0, 0, 0, 0};
  GLboolean blend = GL_FALSE, point_size = GL_FALSE;
  GLint blend_src_rgb = 0, blend_dst_rgb = 0, blend_src_a = 0, blend_dst_a = 0;
  GlStateGuard() {
    glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &framebuffer);
    glGetIntegerv(GL_CURRENT_PROGRAM, &program);
    glGetIntegerv(GL_VERTEX_ARRAY_BINDING, &vao);
    glGetIntegerv(GL_ARRAY_BUFFER_BINDING, &buffer);
    glGetIntegerv(GL_VIEWPORT, viewport);
    blend = glIsEnabled(GL_BLEND);
    point_size = glIsEnabled(GL_PROGRAM_POINT_SIZE);
    glGetIntegerv(GL_BLEND_SRC_RGB, &blend_src_rgb);
    glGetIntegerv(GL_BLEND_DST_RGB, &blend_dst_rgb);
    glGetIntegerv(GL_BLEND_SRC_ALPHA, &blend_src_a);
    glGetIntegerv(GL_BLEND_DST_ALPHA, &blend_dst_a);
  }
  ~GlStateGuard() {
    glBindFramebuffer(GL_FRAMEBUFFER, static_cast<GLuint>(framebuffer));
    glUseProgram(static_cast<GLuint>(program));
    glBindVertexArray(static_cast<GLuint>(vao));
    glBindBuffer(GL_ARRAY_BUFFER, static_cast<GLuint>(buffer));
    glViewport(viewport[0], viewport[1], viewport[2], viewport[3]);
    if (blend) glEnable(GL_BLEND); else glDisable(GL_BLEND);
    if (point_size) glEnable(GL_PROGRAM_POINT_SIZE); else glDisable(GL_PROGRAM_POINT_SIZE);
    glBlendFuncSeparate(static_cast<GLenum>(blend_src_rgb), static_cast<GLenum>(blend_dst_rgb),
                        static_cast<GLenum>(blend_src_a), static_cast<GLenum>(blend_dst_a));
  }
};

}  // namespace

PointRenderer::~PointRenderer() {
  if (vbo_xy_) glDeleteBuffers(1, &vbo_xy_);
  if (vbo_rgba_) glDeleteBuffers(1, &vbo_rgba_);
  if (vao_) glDeleteVertexArrays(1, &vao_);
  if (color_) glDeleteTextures(1, &color_);
  if (fbo_) glDeleteFramebuffers(1, &fbo_);
}

void PointRenderer::set_points(std::vector<float> xy, std::vector<uint8_t> rgba) {
  xy_ = std::move(xy);
  rgba_ = std::move(rgba);
  rgba_.resize(xy_.size() * 2, 255);
  dirty_ = true;
}

bool PointRenderer::ensure_program(std::string& error) {
  if (program_.valid()) return true;
  if (!program_error_.empty()) {
    error = program_error_;
    return false;
  }
  if (!program_.load("points.vert", "points.frag", program_error_)) {
    error = program_error_;
    return false;
  }
  loc_box_ = program_.uniform("u_box");
  loc_size_ = program_.uniform("u_point_size");
  glGenVertexArrays(1, &vao_);
  glGenBuffers(1, &vbo_xy_);
  glGenBuffers(1, &vbo_rgba_);
  glBindVertexArray(vao_);
  glBindBuffer(GL_ARRAY_BUFFER, vbo_xy_);
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 2 * sizeof(float), nullptr);
  glBindBuffer(GL_ARRAY_BUFFER, vbo_rgba_);
  glEnableVertexAttribArray(1);
  glVertexAttribPointer(1, 4, GL_UNSIGNED_BYTE, GL_TRUE, 4, nullptr);
  return true;
}

bool PointRenderer::ensure_target(int width, int height, std::string& error) {
  if (fbo_ && width == width_ && height == height_) return true;
  if (!color_) glGenTextures(1, &color_);
  GLint previous_texture = 0;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &previous_texture);
  glBindTexture(GL_TEXTURE_2D, color_);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(previous_texture));
  if (!fbo_) glGenFramebuffers(1, &fbo_);
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, color_, 0);
  const GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
  if (status != GL_FRAMEBUFFER_COMPLETE) {
    error = "point renderer: offscreen framebuffer incomplete (status " + std::to_string(status) + ")";
    return false;
  }
  width_ = width;
  height_ = height;
  return true;
}

bool PointRenderer::render(int width, int height, double x0, double y0, double x1, double y1, float point_size,
                           const float background[4], std::string& error) {
  if (width < 1 || height < 1) return true;
  GlStateGuard guard;
  if (!ensure_program(error)) return false;
  if (!ensure_target(width, height, error)) return false;
  if (dirty_) {
    glBindBuffer(GL_ARRAY_BUFFER, vbo_xy_);
    glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(xy_.size() * sizeof(float)), xy_.data(), GL_STATIC_DRAW);
    glBindBuffer(GL_ARRAY_BUFFER, vbo_rgba_);
    glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(rgba_.size()), rgba_.data(), GL_STATIC_DRAW);
    dirty_ = false;
  }
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
  glViewport(0, 0, width, height);
  glClearColor(background[0], background[1], background[2], background[3]);
  glClear(GL_COLOR_BUFFER_BIT);
  glEnable(GL_BLEND);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glEnable(GL_PROGRAM_POINT_SIZE);
  glUseProgram(program_.id());
  if (x1 == x0) x1 = x0 + 1;
  if (y1 == y0) y1 = y0 + 1;
  glUniform4f(loc_box_, static_cast<float>(x0), static_cast<float>(y0), static_cast<float>(x1), static_cast<float>(y1));
  glUniform1f(loc_size_, point_size);
  glBindVertexArray(vao_);
  glDrawArrays(GL_POINTS, 0, static_cast<GLsizei>(size()));
  return true;
}

}  // namespace gui
}  // namespace vaelab
