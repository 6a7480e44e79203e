#include "screen_capture.h"

// GL loader first: epoxy must come before GLFW's GL headers.
#include <epoxy/gl.h>
// clang-format off
#include <GLFW/glfw3.h>
// clang-format on

#include <algorithm>
#include <cmath>

#include "png_file.h"

namespace vaelab {
namespace gui {

ImageBytes read_framebuffer(int x, int y, int w, int h, int fb_w, int fb_h) {
  x = std::clamp(x, 0, fb_w), y = std::clamp(y, 0, fb_h);
  w = std::clamp(w, 0, fb_w - x), h = std::clamp(h, 0, fb_h - y);
  ImageBytes image = rgb_image(w, h);
  if (w == 0 || h == 0) return image;
  std::vector<uint8_t> raw(static_cast<size_t>(w) * h * 3);
  GLint pack = 4;
  glGetIntegerv(GL_PACK_ALIGNMENT, &pack);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(x, fb_h - y - h, w, h, GL_RGB, GL_UNSIGNED_BYTE, raw.data());
  glPixelStorei(GL_PACK_ALIGNMENT, pack);
  const size_t row = static_cast<size_t>(w) * 3;
  for (int r = 0; r < h; ++r)  // GL rows are bottom first
    std::copy_n(&raw[static_cast<size_t>(h - 1 - r) * row], row, &image.pixels[static_cast<size_t>(r) * row]);
  return image;
}

void ScreenCaptures::serve(GLFWwindow* window, ImageBytes* whole) {
  if (requests_.empty() && !whole) return;
  int fb_w = 0, fb_h = 0, win_w = 0, win_h = 0;
  glfwGetFramebufferSize(window, &fb_w, &fb_h);
  glfwGetWindowSize(window, &win_w, &win_h);
  const float sx = win_w > 0 ? float(fb_w) / win_w : 1.0f, sy = win_h > 0 ? float(fb_h) / win_h : 1.0f;
  glReadBuffer(GL_BACK);
  if (whole) *whole = read_framebuffer(0, 0, fb_w, fb_h, fb_w, fb_h);
  auto requests = std::move(requests_);
  requests_.clear();
  for (auto& r : requests) {
    const ImageBytes image = read_framebuffer(int(std::floor(r.rect.x * sx)), int(std::floor(r.rect.y * sy)),
                                              int(std::ceil(r.rect.w * sx)), int(std::ceil(r.rect.h * sy)), fb_w, fb_h);
    if (r.done) r.done(image);
  }
}

bool export_screen_png(const CaptureRequester& capture, const Toaster& toast, ScreenRect rect,
                       const std::string& path, float scale, std::string& error) {
  if (!check_writable(path, error)) return false;
  if (!capture) {
    error = "screen capture is not available";
    return false;
  }
  const int factor = std::max(1, static_cast<int>(std::lround(scale)));
  capture(rect, [path, factor, toast](const ImageBytes& image) {
    std::string err;
    if (write_png(path, upscale_nearest(image, factor), err)) {
      if (toast) toast(ToastKind::Info, "wrote " + path);
    } else if (toast) {
      toast(ToastKind::Error, err);
    }
  });
  return true;
}

}  // namespace gui
}  // namespace vaelab
