#pragma once
// The interface every panel of the desktop app implements, and what a panel gets each frame.
//
// Threading contract (Tracy / ImHex model, see /work/shared/STYLE.md):
// - draw() runs on the UI thread only, once per frame while the view is shown. It must never wait on
//   training or on a long computation. It reads `ViewContext::snapshot`, taken once per frame.
// - Slow work (decoding a grid, t-SNE, evaluation) runs as a Task (engine/core/task.h) started through
//   `ViewContext::tasks` (fire and forget) or a view's own LatestTask (a refreshed result, latest wins):
//   the job runs on its own thread and returns a closure that is executed on the UI thread at the start
//   of a later frame (the main-thread queue), where it may touch the view's state. A view's LatestTasks
//   are members, so destroying the view cancels and joins them and drops their results; fire-and-forget
//   results are dropped once the app's MainThreadTasks is gone, which the app destroys before its views.
// - busy() is true while such work is pending, so headless screenshots wait for results.
// - Decoding uses the snapshot's model (ModelSnapshot::model, eval mode, read-only), never the
//   training model. Forward passes on it must run under torch::NoGradGuard.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "data/image_bytes.h"

namespace vaelab {

class Session;           // engine/session/session.h
struct TrainerSnapshot;  // engine/train/snapshot.h
class MainThreadTasks;   // engine/core/main_thread_tasks.h: tasks whose results land in the main-thread queue

namespace gui {

enum class ToastKind { Info, Error };

// A region of the current frame's framebuffer in ImGui screen coordinates (logical pixels).
struct ScreenRect {
  float x = 0, y = 0, w = 0, h = 0;
};

struct ViewContext {
  // The open run. Null only when no run could be opened (the views then show a hint).
  Session* session = nullptr;
  // The trainer's snapshot, taken once at the start of this frame. May be null before the first publish.
  std::shared_ptr<const TrainerSnapshot> snapshot;
  // Shows a transient message in the corner (e.g. the path an export wrote, or the error).
  std::function<void(ToastKind, const std::string&)> toast;
  // Fire-and-forget tasks whose result closures run on the UI thread (saving, loading, exports).
  MainThreadTasks* tasks = nullptr;
  // Asks the app to read `rect` of this frame's back buffer after rendering (before the swap) and hand
  // the pixels (one RGB image, rgb_image()) to `done` on the UI thread. Used for PNG exports of plots
  // and whole views (screen_capture.h).
  std::function<void(ScreenRect, std::function<void(const ImageBytes&)>)> capture;
  // Replace the open run (asynchronously; the views get reset() when the new run is in place):
  // a run folder, checkpoint, preset file or preset name, or preset JSON text (the run view's editor).
  std::function<void(const std::string& source)> open_run;
  std::function<void(const std::string& preset_json)> open_preset_json;
  // Hands inputs of the test split (their indices) to another view by name ("interpolation",
  // "delta-sigma") and switches to it, e.g. the clusters view's selection. False when that view takes none.
  std::function<bool(const std::string& view, const std::vector<int64_t>& indices)> send_inputs;
  // Shows (true) or hides (false) another run's epoch curves in the curves view: the runs view's ticks.
  std::function<void(const std::string& source, bool shown)> overlay_run;
  float ui_scale = 1.0f;  // HiDPI factor (fonts and sizes already scaled by it)
  int64_t frame = 0;      // frame counter, handy for throttling
  bool headless = false;  // true in --screenshot / --bench runs
};

// True when the frame has a run and a model snapshot to show; otherwise draws the reason ("No run is
// open." / "Waiting for the first model snapshot ...") and returns false, so a view's draw() can
// start with `if (!has_model_to_show(ctx)) return;`.
bool has_model_to_show(const ViewContext& ctx);

class View {
 public:
  virtual ~View() = default;
  // Stable identifier, also the --view NAME: "run", "curves", "sliders", "manifold", "traversals",
  // "clusters", "residuals".
  virtual const char* name() const = 0;
  // Title shown in the view switcher.
  virtual const char* title() const { return name(); }
  // Draws the view's content into the current ImGui window (the app opens the window; the view
  // must not call ImGui::Begin for its main area).
  virtual void draw(ViewContext& ctx) = 0;
  // Writes the view's main content (an image grid at native pixels x scale, or a plot) as PNG.
  // Returns false and sets `error` (one line) on failure; never throws.
  virtual bool export_png(const std::string& path, float scale, std::string& error) = 0;
  virtual bool supports_svg() const { return false; }
  virtual bool export_svg(const std::string& path, std::string& error) {
    error = std::string(name()) + " view has no SVG export";
    return false;
  }
  virtual bool supports_csv() const { return false; }
  virtual bool export_csv(const std::string& path, std::string& error) {
    error = std::string(name()) + " view has no CSV export";
    return false;
  }
  // True while asynchronous work this view started has not delivered its result yet.
  virtual bool busy() const { return false; }
  // Called when a different run is opened: drop cached results tied to the old model/data.
  virtual void reset() {}
  // Adds another run (folder, metrics.csv or checkpoint) to compare against, for views that overlay runs
  // (curves; `vaelab --compare PATH`). Loaded asynchronously on the next draw. Default: not supported.
  virtual bool add_comparison(const std::string& /*source*/) { return false; }
  // Takes back a run added by add_comparison (the same source string). Default: nothing to take back.
  virtual void remove_comparison(const std::string& /*source*/) {}
  // Takes test-split input indices sent from another view (ViewContext::send_inputs), e.g. the two ends
  // of an interpolation or the input of the δσ grid. Default: takes none.
  virtual bool take_inputs(const std::vector<int64_t>& /*indices*/) { return false; }
  // A scripted action for headless runs (vaelab --action VIEW:ACTION), e.g. "runs:compare-ticked" presses
  // the runs view's Compare ticked once its rows are in. False when the view has no such action.
  virtual bool run_action(const std::string& /*action*/) { return false; }
};

// The views, in switcher order (view_list.cpp; views added later are declared there).
std::vector<std::unique_ptr<View>> make_views();

std::unique_ptr<View> make_run_view();
std::unique_ptr<View> make_curves_view();
std::unique_ptr<View> make_sliders_view();
std::unique_ptr<View> make_manifold_view();
std::unique_ptr<View> make_traversals_view();
std::unique_ptr<View> make_clusters_view();
std::unique_ptr<View> make_residuals_view();
std::unique_ptr<View> make_samples_view();
std::unique_ptr<View> make_interpolation_view();
std::unique_ptr<View> make_covariance_view();

}  // namespace gui
}  // namespace vaelab
