// The app's life: construction and teardown (tasks before views), run() choosing the mode, and the
// interactive frame loop.
#include "app.h"

// GL loader first: epoxy must come before GLFW's GL headers.
#include <epoxy/gl.h>
// clang-format off
#include <GLFW/glfw3.h>
// clang-format on
#include <imgui.h>

#include <cstdio>

#include "train/run_folder.h"

namespace vaelab {
namespace gui {

App::App(CommandLine command_line) : cl_(std::move(command_line)) {
  t0_ = std::chrono::steady_clock::now();
  tasks_ = std::make_unique<MainThreadTasks>([this](std::function<void()> fn) { queue_.post(std::move(fn)); },
                                             [this](const std::string& e) { toast(ToastKind::Error, e); });
  views_ = make_views();
  for (auto& v : views_)
    if (auto* shows = dynamic_cast<ShowsModelHealth*>(v.get())) shows->show_model_health(&health_);
  plot_demo_ = std::make_unique<PlotDemo>();
}

App::~App() {
  tasks_.reset();  // joins the app's tasks before views and session go away; their results drop
  queue_.drain();
  shutdown_window();
}

int App::run() {
  std::string error;
  if (!init_window(error)) {
    std::fprintf(stderr, "vaelab: %s\n", error.c_str());
    return 2;
  }
  if (!cl_.view.empty()) {
    if (cl_.view == "plot-demo") {
      current_ = -2;
    } else {
      const int i = view_index(cl_.view);
      if (i < 0) {
        std::fprintf(stderr,
                     "vaelab: unknown view '%s' (run, curves, sliders, manifold, traversals, clusters, residuals, "
                     "plot-demo)\n",
                     cl_.view.c_str());
        return 2;
      }
      current_ = i;
      select_request_ = i;
    }
  }
  if (!open_initial(error)) {
    if (cl_.headless()) {
      std::fprintf(stderr, "vaelab: cannot open %s: %s\n", cl_.source.c_str(), error.c_str());
      return 1;
    }
    toast(ToastKind::Error, "cannot open " + cl_.source + ": " + error);
  }
  for (const auto& other : cl_.compare) {
    // A folder of run folders (a compare or reproduce output) is a set of rows for the runs table and of
    // curves to overlay (the runs view would overlay them too, but only once it is drawn); the views that
    // take one run (covariance) are not given a set.
    const std::vector<std::string> members = runs_named_by(other);
    if (members.size() == 1 && members.front() == other) {
      for (auto& v : views_) v->add_comparison(other);
      continue;
    }
    const int runs = view_index("runs"), curves = view_index("curves");
    if (runs >= 0) views_[runs]->add_comparison(other);
    for (const auto& run : members)
      if (curves >= 0) views_[curves]->add_comparison(run);
  }
  for (const auto& action : cl_.actions) {
    const auto colon = action.find(':');
    const int i = colon == std::string::npos ? -1 : view_index(action.substr(0, colon));
    if (i < 0 || !views_[i]->run_action(action.substr(colon + 1))) {
      std::fprintf(stderr, "vaelab: --action %s: no such view action\n", action.c_str());
      return 2;
    }
  }
  if (!cl_.screenshot.empty()) return run_screenshot();
  if (cl_.bench) return run_bench();
  return run_interactive();
}

int App::run_interactive() {
  while (!glfwWindowShouldClose(window_)) frame(nullptr);
  if (ImGui::GetIO().IniFilename) ImGui::SaveIniSettingsToDisk(ImGui::GetIO().IniFilename);
  return 0;
}

}  // namespace gui
}  // namespace vaelab
