#include "gl/sprite_atlas.h"

#include <algorithm>

namespace vaelab {
namespace gui {

SpriteAtlas::~SpriteAtlas() {
  if (id_) glDeleteTextures(1, &id_);
}

void SpriteAtlas::reset(int width, int height, int max_side) {
  if (id_) glDeleteTextures(1, &id_);
  id_ = 0;
  width_ = std::max(1, width);
  height_ = std::max(1, height);
  cols_ = std::max(1, max_side / width_);
  rows_ = std::max(1, max_side / height_);
  cell_of_.clear();
  key_of_.assign(static_cast<size_t>(capacity()), -1);
  used_at_.assign(static_cast<size_t>(capacity()), -1);
}

SpriteUv SpriteAtlas::cell_uv(int cell) const {
  const float tw = static_cast<float>(cols_ * width_), th = static_cast<float>(rows_ * height_);
  const int cx = cell % cols_, cy = cell / cols_;
  return {cx * width_ / tw, cy * height_ / th, (cx + 1) * width_ / tw, (cy + 1) * height_ / th};
}

bool SpriteAtlas::find(int64_t key, int64_t frame, SpriteUv& uv) {
  const auto it = cell_of_.find(key);
  if (it == cell_of_.end()) return false;
  used_at_[static_cast<size_t>(it->second)] = frame;
  uv = cell_uv(it->second);
  return true;
}

bool SpriteAtlas::ensure_texture() {
  if (id_) return true;
  if (capacity() == 0) return false;
  GLint previous = 0;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &previous);
  glGenTextures(1, &id_);
  glBindTexture(GL_TEXTURE_2D, id_);
  // Nearest: thumbnails are drawn at whole multiples of small images (28 x 28 digits stay crisp).
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, cols_ * width_, rows_ * height_, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
  glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(previous));
  return true;
}

bool SpriteAtlas::put(int64_t key, const uint8_t* pixels, int channels, int64_t frame, SpriteUv& uv) {
  if (find(key, frame, uv)) return true;
  if (!pixels || (channels != 1 && channels != 3 && channels != 4) || !ensure_texture()) return false;
  // A free cell, else the least recently used one not used this frame.
  int cell = -1;
  int64_t oldest = frame;
  for (int c = 0; c < capacity(); ++c) {
    if (key_of_[static_cast<size_t>(c)] < 0) {
      cell = c;
      break;
    }
    if (used_at_[static_cast<size_t>(c)] < oldest) {
      oldest = used_at_[static_cast<size_t>(c)];
      cell = c;
    }
  }
  if (cell < 0) return false;
  if (key_of_[static_cast<size_t>(cell)] >= 0) cell_of_.erase(key_of_[static_cast<size_t>(cell)]);
  key_of_[static_cast<size_t>(cell)] = key;
  used_at_[static_cast<size_t>(cell)] = frame;
  cell_of_[key] = cell;

  const size_t n = static_cast<size_t>(width_) * height_;
  rgba_.resize(n * 4);
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* p = pixels + i * static_cast<size_t>(channels);
    rgba_[4 * i] = p[0];
    rgba_[4 * i + 1] = channels >= 3 ? p[1] : p[0];
    rgba_[4 * i + 2] = channels >= 3 ? p[2] : p[0];
    rgba_[4 * i + 3] = channels == 4 ? p[3] : 255;
  }
  GLint previous = 0, alignment = 4;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &previous);
  glGetIntegerv(GL_UNPACK_ALIGNMENT, &alignment);
  glBindTexture(GL_TEXTURE_2D, id_);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexSubImage2D(GL_TEXTURE_2D, 0, (cell % cols_) * width_, (cell / cols_) * height_, width_, height_, GL_RGBA,
                  GL_UNSIGNED_BYTE, rgba_.data());
  glPixelStorei(GL_UNPACK_ALIGNMENT, alignment);
  glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(previous));
  uv = cell_uv(cell);
  return true;
}

}  // namespace gui
}  // namespace vaelab
