#pragma once
// Closures bound for the UI thread (ImHex's doLater()): any thread may post; the app drains the queue
// right after ImGui::NewFrame(), so a closure may draw nothing but may freely change view state.
#include <functional>
#include <mutex>
#include <vector>

namespace vaelab {
namespace gui {

class MainThreadQueue {
 public:
  // Thread-safe. The closure runs on the UI thread at the start of the next frame.
  void post(std::function<void()> fn);
  // UI thread only: runs everything posted so far (closures posted while draining run next frame).
  void drain();
  bool empty() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::function<void()>> pending_;
};

}  // namespace gui
}  // namespace vaelab
