#pragma once
// Screen captures, the one way pixels come back from the screen: the app collects rectangle requests
// during a frame and serves them from the back buffer after rendering, before the swap (a swapped
// buffer's content is undefined); views and plots export such a rectangle as a PNG.
// UI thread only (GL calls).
#include <functional>
#include <string>
#include <vector>

#include "views/view.h"

struct GLFWwindow;

namespace vaelab {
namespace gui {

using CaptureDone = std::function<void(const ImageBytes&)>;
using CaptureRequester = std::function<void(ScreenRect, CaptureDone)>;
using Toaster = std::function<void(ToastKind, const std::string&)>;

// w x h pixels of the current read framebuffer whose top-left corner is (x, y) counted from the top,
// clamped to the framebuffer (fb_w x fb_h). One RGB image, rows top first.
ImageBytes read_framebuffer(int x, int y, int w, int h, int fb_w, int fb_h);

// The app's side: requests of this frame (ViewContext::capture), served once the frame is rendered.
class ScreenCaptures {
 public:
  void request(ScreenRect rect, CaptureDone done) { requests_.push_back({rect, std::move(done)}); }
  // Reads every requested rectangle (logical pixels, scaled to the framebuffer) from the back buffer and
  // hands it to its callback; `whole`, when not null, receives the entire framebuffer.
  void serve(GLFWwindow* window, ImageBytes* whole);

 private:
  struct Request {
    ScreenRect rect;
    CaptureDone done;
  };
  std::vector<Request> requests_;
};

// The views' side: checks `path` is writable, then asks `capture` for `rect` of the next frame and writes
// it there, scaled up by round(scale) (nearest); `toast` reports the file or the error. Returns false with
// a one-line error when nothing was requested.
bool export_screen_png(const CaptureRequester& capture, const Toaster& toast, ScreenRect rect,
                       const std::string& path, float scale, std::string& error);

}  // namespace gui
}  // namespace vaelab
