// Headless automation, for tests and docs: --screenshot renders one view (after scripted drops and keys
// that take the same paths as a person's input, then optional training steps on the run open by then)
// and writes the PNG and the view's own exports; --bench drags a slider while training and prints frame
// and decode latencies. After the PNG, --screenshot prints the run shown and what the model-health
// banner shows (tests read these lines):
//   run: NAME (VARIANT) at step N        (or "run: none")
//   health: VERDICT at step N            (or "health: none" when no check has finished)
//   health banner: TEXT                  (or "health banner: none")
//   health banner rect: X Y W H          (screenshot pixels, top-left origin; only with a banner)
// With --zoom / --select on the clusters view (views/clusters_scripting.h), before the PNG:
//   clusters: N encoded, S shown, V in view, I images drawn, K selected
//   clusters plot rect: X Y W H          (screenshot pixels)
//   clusters selection: inputs A B ...   (the first ten, evaluation-set rows)
//   sent inputs A B to VIEW: taken       (or "refused"; --send-selection)
//   view shown: NAME                     (the view the screenshot shows)
#include "app.h"

// GL loader first: epoxy must come before GLFW's GL headers.
#include <epoxy/gl.h>
// clang-format off
#include <GLFW/glfw3.h>
// clang-format on
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <thread>

#include "png_file.h"
#include "session/session.h"
#include "views/clusters_scripting.h"
#include "views/sliders_view.h"

namespace vaelab {
namespace gui {

namespace {

void print_clusters_figures(const ClustersScripting& clusters) {
  const ClustersFigures f = clusters.figures();
  std::printf("clusters: %lld encoded, %lld shown, %lld in view, %lld images drawn, %lld selected\n",
              (long long)f.encoded, (long long)f.shown, (long long)f.in_view, (long long)f.images_drawn,
              (long long)f.selected);
  const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
  std::printf("clusters plot rect: %d %d %d %d\n", (int)std::lround(f.plot.x * scale.x), (int)std::lround(f.plot.y * scale.y),
              (int)std::lround(f.plot.w * scale.x), (int)std::lround(f.plot.h * scale.y));
}

std::string joined(const std::vector<int64_t>& values, size_t at_most) {
  std::string out;
  for (size_t i = 0; i < values.size() && i < at_most; ++i) out += (i ? " " : "") + std::to_string(values[i]);
  return out;
}

}  // namespace

int App::run_screenshot() {
  if (cl_.clusters_points > 0) {
    const int i = view_index("clusters");
    if (auto* clusters = i < 0 ? nullptr : dynamic_cast<ClustersScripting*>(views_[i].get()))
      clusters->script_point_count(cl_.clusters_points);
  }
  // Scripted input (tests): drops go through the drop handler, keys through the GLFW key callback, so both
  // take the same path as a person's input.
  for (const auto& path : cl_.drops) {
    dropped_.push_back(path);
    frame(nullptr);
  }
  for (const auto& key : cl_.keys) {
    std::string error;
    if (!inject_key(key, error)) {
      std::fprintf(stderr, "vaelab: --keys: %s\n", error.c_str());
      return 2;
    }
  }
  // A run the scripted input opens (New run, Open, a drop) arrives through a task: let it land first, so
  // that the training below is that run's.
  for (double until = now_seconds() + 120.0; (opening_ || !queue_.empty()) && now_seconds() < until;) {
    frame(nullptr);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (cl_.train_steps > 0 && session_) {
    session_->step(cl_.train_steps);
    // Headless only: nobody is interacting, so waiting here is fine (with a limit).
    if (!session_->wait_until_not_running(300000)) {
      std::fprintf(stderr, "vaelab: training %lld steps did not finish within 300 s\n", (long long)cl_.train_steps);
      return 1;
    }
    // Let the trainer publish the final snapshot.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // Render until the layout has settled and asynchronous results have arrived (at most 120 s).
  auto settle = [this] {
    const double deadline = now_seconds() + 120.0;
    int quiet = 0;
    for (int i = 0; i < 2000 && now_seconds() < deadline; ++i) {
      frame(nullptr);
      View* v = current_view();
      const bool busy = (v && v->busy()) || health_.busy() || tasks_->pending() > 0 || !queue_.empty() || opening_;
      quiet = busy ? 0 : quiet + 1;
      if (i >= 4 && quiet >= 3) break;
      if (busy) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  };
  settle();
  // The clusters view's scripted zoom, box selection and send, on the settled plot.
  if (!cl_.zoom.empty() || !cl_.select.empty()) {
    auto* clusters = dynamic_cast<ClustersScripting*>(current_view());
    if (!clusters) {
      std::fprintf(stderr, "vaelab: --zoom and --select need --view clusters\n");
      return 2;
    }
    if (!cl_.zoom.empty()) clusters->script_zoom(cl_.zoom[0], cl_.zoom[1], cl_.zoom[2]);
    if (!cl_.select.empty()) clusters->script_select_box(cl_.select[0], cl_.select[1], cl_.select[2], cl_.select[3]);
    settle();
    print_clusters_figures(*clusters);
    if (!cl_.select.empty()) std::printf("clusters selection: inputs %s\n", joined(clusters->selected_inputs(), 10).c_str());
    if (!cl_.send_selection.empty()) {
      ViewContext ctx = make_context();
      std::vector<int64_t> sent;
      const bool taken = clusters->send_selection(ctx, cl_.send_selection, sent);
      std::printf("sent inputs %s to %s: %s\n", joined(sent, sent.size()).c_str(), cl_.send_selection.c_str(),
                  taken ? "taken" : "refused");
      settle();
    }
    View* shown = current_view();
    std::printf("view shown: %s\n", shown ? shown->name() : "none");
  }
  ImageBytes image;
  frame(&image);
  std::string error;
  if (!write_png(cl_.screenshot, image, error)) {
    std::fprintf(stderr, "vaelab: %s\n", error.c_str());
    return 1;
  }
  std::printf("wrote %s (%lldx%lld)\n", cl_.screenshot.c_str(), static_cast<long long>(image.width),
              static_cast<long long>(image.height));
  print_run();
  print_health_banner();
  // The view's own exports, exactly as the Ctrl+E dialog runs them.
  int rc = 0;
  for (const auto& path : cl_.exports) {
    View* v = current_view();
    if (!v) break;
    const auto dot = path.rfind('.');
    const std::string ext = dot == std::string::npos ? "" : path.substr(dot);
    std::string err;
    bool ok = false;
    if (ext == ".svg") ok = v->export_svg(path, err);
    else if (ext == ".csv") ok = v->export_csv(path, err);
    else ok = v->export_png(path, export_scale_, err);
    if (!ok) {
      std::fprintf(stderr, "vaelab: export failed: %s\n", err.c_str());
      rc = 1;
    } else {
      std::printf("exported %s\n", path.c_str());
    }
  }
  if (!cl_.exports.empty()) {
    // Plot PNGs are read back from the next frame; errors there arrive as toasts.
    const size_t errors_before = std::count_if(toasts_.begin(), toasts_.end(), [](const Toast& t) { return t.kind == ToastKind::Error; });
    for (int i = 0; i < 3; ++i) frame(nullptr);
    const size_t errors_after = std::count_if(toasts_.begin(), toasts_.end(), [](const Toast& t) { return t.kind == ToastKind::Error; });
    if (errors_after > errors_before) rc = 1;
  }
  return rc;
}

void App::print_run() const {
  if (!session_) {
    std::printf("run: none\n");
    return;
  }
  const auto snap = session_->snapshot();
  std::printf("run: %s (%s) at step %lld\n", session_->preset().name.c_str(), session_->preset().model.variant.c_str(),
              (long long)(snap ? snap->progress.step : 0));
}

void App::print_health_banner() const {
  if (const HealthReport* r = health_.report())
    std::printf("health: %s at step %lld\n", health_kind_id(r->health.verdict.kind).c_str(), (long long)r->step);
  else
    std::printf("health: none%s\n", health_.error().empty() ? "" : (" (" + health_.error() + ")").c_str());
  if (health_banner_.empty()) {
    std::printf("health banner: none\n");
    return;
  }
  std::printf("health banner: %s\n", health_banner_.c_str());
  const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
  const ScreenRect& r = health_banner_rect_;
  std::printf("health banner rect: %d %d %d %d\n", (int)std::lround(r.x * scale.x), (int)std::lround(r.y * scale.y),
              (int)std::lround(r.w * scale.x), (int)std::lround(r.h * scale.y));
}

bool App::inject_key(const std::string& spec, std::string& error) {
  if (spec.rfind("type:", 0) == 0) {
    // Text goes through the char callback, as a keyboard's characters do, into the focused field.
    // One frame first: a field focused by the previous key (SetKeyboardFocusHere) becomes active a frame
    // later, as it does between a person's keystrokes.
    const std::string text = spec.substr(5);
    frame(nullptr);
    for (unsigned char c : text) ImGui_ImplGlfw_CharCallback(window_, c);
    frame(nullptr);
    frame(nullptr);
    std::printf("typed %s\n", text.c_str());
    return true;
  }
  std::string name = spec;
  const bool ctrl = name.rfind("ctrl+", 0) == 0;
  if (ctrl) name = name.substr(5);
  int key = -1;
  if (name == "space") key = GLFW_KEY_SPACE;
  else if (name == "enter") key = GLFW_KEY_ENTER;
  else if (name == "escape") key = GLFW_KEY_ESCAPE;
  else if (name == "tab") key = GLFW_KEY_TAB;
  else if (name == "backspace") key = GLFW_KEY_BACKSPACE;
  else if (name.size() == 1 && name[0] >= 'a' && name[0] <= 'z') key = GLFW_KEY_A + (name[0] - 'a');
  if (key < 0) {
    error = "unknown key '" + spec + "' (space, enter, escape, tab, backspace, a-z, ctrl+<key>, type:TEXT)";
    return false;
  }
  const int mods = ctrl ? GLFW_MOD_CONTROL : 0;
  if (ctrl) ImGui_ImplGlfw_KeyCallback(window_, GLFW_KEY_LEFT_CONTROL, 0, GLFW_PRESS, mods);
  ImGui_ImplGlfw_KeyCallback(window_, key, 0, GLFW_PRESS, mods);
  frame(nullptr);
  ImGui_ImplGlfw_KeyCallback(window_, key, 0, GLFW_RELEASE, mods);
  if (ctrl) ImGui_ImplGlfw_KeyCallback(window_, GLFW_KEY_LEFT_CONTROL, 0, GLFW_RELEASE, 0);
  frame(nullptr);
  // Let the app report what the key did (tests read this line).
  const RunState state = session_ ? session_->state() : RunState::Idle;
  std::string dialog;
  if (new_run_dialog_.is_open()) dialog = ", new run dialog open";
  else if (open_dialog_.is_open()) dialog = ", open dialog open";
  else if (ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel)) dialog = ", export dialog open";
  std::printf("key %s -> state %s%s\n", spec.c_str(), to_string(state), dialog.c_str());
  return true;
}

int App::run_bench() {
  if (!session_) {
    std::fprintf(stderr, "vaelab: --bench needs a run\n");
    return 1;
  }
  const int sliders = view_index("sliders");
  current_ = select_request_ = sliders;
  if (cl_.clusters_points > 0) {
    const int i = view_index("clusters");
    if (auto* clusters = i < 0 ? nullptr : dynamic_cast<ClustersScripting*>(views_[i].get()))
      clusters->script_point_count(cl_.clusters_points);
  }
  auto* view = dynamic_cast<SlidersView*>(views_[sliders].get());
  session_->start();
  // Warm up: a few frames and the first snapshot with a model.
  for (int i = 0; i < 30; ++i) frame(nullptr);
  std::vector<double> frame_ms, wall_ms;
  const double end = now_seconds() + cl_.bench_seconds;
  int64_t k = 0;
  while (now_seconds() < end) {
    // Drag latent 0 back and forth, as a user would (a new value every frame).
    if (view) view->bench_drag(0, static_cast<float>(2.5 * std::sin(0.15 * static_cast<double>(k++))));
    frame(nullptr);
    frame_ms.push_back(frame_cpu_ms_);
    wall_ms.push_back(frame_wall_ms_);
    frame_starts_.push_back(now_seconds() * 1000.0);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // ~vsync-like pacing without a monitor
  }
  session_->pause();
  auto pct = [](std::vector<double> v, double q) {
    if (v.empty()) return std::nan("");
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(q * (v.size() - 1) + 0.5))];
  };
  const auto snap = session_->snapshot();
  std::vector<double> lat = view ? view->bench_latencies_ms() : std::vector<double>{};
  std::printf("frames %zu, training steps %lld, %.0f samples/s\n", frame_ms.size(),
              (long long)(snap ? snap->progress.step : 0), snap ? snap->progress.samples_per_second : 0.0);
  std::printf("UI frame time (UI thread CPU time, excluding swap): p50 %.2f ms, p99 %.2f ms (goal <= 8 ms)\n",
              pct(frame_ms, 0.5), pct(frame_ms, 0.99));
  std::printf("  same frames in wall-clock time (includes waiting for a core while training): p50 %.2f ms, p99 %.2f ms\n",
              pct(wall_ms, 0.5), pct(wall_ms, 0.99));
  std::printf("slider drag -> decoded image in place: %zu decodes, p50 %.2f ms, p95 %.2f ms (goal <= 16 ms)\n",
              lat.size(), pct(lat, 0.5), pct(lat, 0.95));
  std::vector<double> dec = view ? view->bench_decode_ms() : std::vector<double>{};
  std::vector<double> period;
  for (size_t i = 1; i < frame_starts_.size(); ++i) period.push_back(frame_starts_[i] - frame_starts_[i - 1]);
  std::printf("  of which decoding (inline when cheap, else on a worker): p50 %.2f ms, p95 %.2f ms; frame period (incl. swap) p50 %.2f ms\n",
              pct(dec, 0.5), pct(dec, 0.95), pct(period, 0.5));
  // Each view asked for, shown in turn while training goes on: the UI thread's frame times with that view
  // open (its own work runs on workers; a frame only draws and takes results in).
  std::vector<std::string> names = cl_.bench_views;
  if (names.size() == 1 && names[0] == "all") {
    names.clear();
    for (const auto& v : views_) names.push_back(v->name());
  }
  int failures = 0;
  if (!names.empty()) session_->start();
  for (const auto& name : names) {
    const int index = view_index(name);
    if (index < 0) {
      std::fprintf(stderr, "vaelab: --bench-views: no view named '%s'\n", name.c_str());
      ++failures;
      continue;
    }
    current_ = select_request_ = index;
    for (int i = 0; i < 10; ++i) frame(nullptr);
    // The clusters view, scripted: measured once its codes are in and the --zoom applied (images drawn).
    if (auto* clusters = dynamic_cast<ClustersScripting*>(views_[index].get()); clusters && cl_.scripts_clusters()) {
      std::vector<double> loading;  // frames while the zoomed-in images are read and uploaded
      auto wait_until_idle = [&] {
        for (const double until = now_seconds() + 600.0; views_[index]->busy() && now_seconds() < until;) {
          frame(nullptr);
          loading.push_back(frame_cpu_ms_);
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        for (int i = 0; i < 5; ++i) frame(nullptr);
      };
      wait_until_idle();
      loading.clear();
      if (!cl_.zoom.empty()) clusters->script_zoom(cl_.zoom[0], cl_.zoom[1], cl_.zoom[2]);
      if (!cl_.select.empty()) clusters->script_select_box(cl_.select[0], cl_.select[1], cl_.select[2], cl_.select[3]);
      wait_until_idle();
      print_clusters_figures(*clusters);
      std::printf("  after the zoom, %zu frames loading images: UI frame time p50 %.2f ms, max %.2f ms\n", loading.size(),
                  pct(loading, 0.5), loading.empty() ? std::nan("") : *std::max_element(loading.begin(), loading.end()));
    }
    std::vector<double> ms;
    const double stop = now_seconds() + cl_.bench_seconds;
    while (now_seconds() < stop) {
      frame(nullptr);
      ms.push_back(frame_cpu_ms_);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    std::printf("view %-14s frames %5zu, UI frame time p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms (goal p99 <= 8 ms)\n",
                name.c_str(), ms.size(), pct(ms, 0.5), pct(ms, 0.95), pct(ms, 0.99),
                ms.empty() ? std::nan("") : *std::max_element(ms.begin(), ms.end()));
    std::fflush(stdout);
  }
  session_->stop();
  return failures == 0 ? 0 : 2;
}

}  // namespace gui
}  // namespace vaelab
