#pragma once
// An OpenGL 2-D texture holding an 8-bit image, for drawing images with ImGui::Image (ImTextureID is
// the GL name). UI thread only (GL context). Gray and RGB inputs are expanded to RGBA on upload.
#include <epoxy/gl.h>

#include <cstdint>

namespace vaelab {
namespace gui {

class Texture {
 public:
  Texture() = default;
  ~Texture();
  Texture(const Texture&) = delete;
  Texture& operator=(const Texture&) = delete;
  Texture(Texture&& other) noexcept;
  Texture& operator=(Texture&& other) noexcept;

  // pixels: height rows of width*channels bytes, top row first; channels 1 (gray), 3 (RGB) or 4 (RGBA).
  // nearest: magnify with nearest filtering (pixel-exact 28x28 digits), else linear.
  void upload(int width, int height, int channels, const uint8_t* pixels, bool nearest = true);
  bool valid() const { return id_ != 0; }
  GLuint id() const { return id_; }
  void* imgui_id() const { return reinterpret_cast<void*>(static_cast<intptr_t>(id_)); }
  int width() const { return width_; }
  int height() const { return height_; }

 private:
  GLuint id_ = 0;
  int width_ = 0;
  int height_ = 0;
};

}  // namespace gui
}  // namespace vaelab
