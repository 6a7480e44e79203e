#include "command_line.h"

#include <CLI/CLI.hpp>

#include <cstdio>

namespace vaelab {
namespace gui {

bool parse_command_line(int argc, char** argv, CommandLine& out, int& exit_code) {
  CLI::App app{"vaelab: train and study variational autoencoders (desktop app; vaelab-cli is the headless tool)"};
  std::string positional, preset, run, size;
  app.add_option("source", positional, "run folder, checkpoint, preset file, preset name or PyTorch model (.pt)");
  app.add_option("--preset", preset, "preset name or preset JSON file");
  app.add_option("--run", run, "run folder or checkpoint to open");
  app.add_option("--set", out.overrides, "override a preset field, e.g. --set options.beta=4");
  app.add_option("--dataset", out.dataset,
                 "the data set a PyTorch (TorchScript) model is shown on (default: by its input_shape)");
  app.add_option("--train-steps", out.train_steps, "train this many steps before showing, after --drop and --keys (headless use)");
  app.add_option("--view", out.view,
                 "view to show: run, curves, sliders, manifold, traversals, clusters, residuals, samples, interpolation, "
                 "covariance, latent-pairs, plot-demo");
  app.add_option("--screenshot", out.screenshot, "render the view, write this PNG and exit");
  app.add_option("--compare", out.compare, "another run (folder, metrics.csv or checkpoint): overlaid on the curves, a row of the runs table, the covariance view's second run");
  app.add_option("--action", out.actions, "with --screenshot: a view's scripted action, e.g. runs:compare-ticked");
  app.add_option("--export", out.exports, "with --screenshot: also export the view to FILE (.png, .svg or .csv)");
  app.add_option("--size", size, "window size WxH (default 1600x1000)");
  app.add_option("--ui-scale", out.ui_scale, "UI scale for HiDPI screens (e.g. 1.5)");
  app.add_flag("--bench", out.bench, "measure UI frame time and slider latency while training, then exit");
  app.add_option("--bench-seconds", out.bench_seconds, "how long --bench measures");
  app.add_option("--bench-views", out.bench_views,
                 "after the slider drag, --bench shows each of these views (comma-separated names, or all) for "
                 "--bench-seconds each while training goes on, and prints its UI frame times")
      ->delimiter(',');
  app.add_option("--drop", out.drops, "with --screenshot: open PATH as if it were dropped on the window");
  app.add_option("--keys", out.keys, "with --screenshot: press these keys first (space, enter, escape, tab, backspace, a-z, "
                 "ctrl+<key>; type:TEXT types TEXT into the focused field)")
      ->delimiter(',');
  app.add_option("--threads", out.torch_threads, "torch CPU threads for training (0: default)");
  app.add_option("--clusters-points", out.clusters_points,
                 "the clusters view encodes this many inputs (1000 to 70000; headless use)");
  app.add_option("--zoom", out.zoom, "with --view clusters: zoom by F about (FX, FY), fractions of the plot area "
                 "from its top-left corner (default 0.5,0.5)")
      ->delimiter(',');
  app.add_option("--select", out.select, "with --view clusters: select the points in the box FX0,FY0,FX1,FY1 "
                 "(fractions of the plot area from its top-left corner, after --zoom)")
      ->delimiter(',');
  app.add_option("--send-selection", out.send_selection,
                 "with --select: send the selection to this view (interpolation: the first two; delta-sigma: the first)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    exit_code = app.exit(e);
    if (exit_code != 0) exit_code = 2;
    return false;
  }
  int given = !positional.empty() + !preset.empty() + !run.empty();
  if (given > 1) {
    std::fprintf(stderr, "vaelab: give only one of SOURCE, --preset and --run\n");
    exit_code = 2;
    return false;
  }
  if (!positional.empty()) out.source = positional;
  if (!preset.empty()) out.source = preset;
  if (!run.empty()) out.source = run;
  if (!size.empty()) {
    int w = 0, h = 0;
    if (std::sscanf(size.c_str(), "%dx%d", &w, &h) != 2 || w < 200 || h < 150 || w > 8192 || h > 8192) {
      std::fprintf(stderr, "vaelab: --size expects WxH between 200x150 and 8192x8192, got '%s'\n", size.c_str());
      exit_code = 2;
      return false;
    }
    out.width = w, out.height = h;
  }
  if (!out.screenshot.empty() && out.view.empty()) {
    std::fprintf(stderr, "vaelab: --screenshot needs --view NAME\n");
    exit_code = 2;
    return false;
  }
  auto fractions_ok = [](const std::vector<double>& v, size_t from) {
    for (size_t i = from; i < v.size(); ++i)
      if (!(v[i] >= 0.0 && v[i] <= 1.0)) return false;
    return true;
  };
  if (!out.zoom.empty() && ((out.zoom.size() != 1 && out.zoom.size() != 3) || !(out.zoom[0] > 0) || !fractions_ok(out.zoom, 1))) {
    std::fprintf(stderr, "vaelab: --zoom expects F or F,FX,FY with F > 0 and FX, FY in [0, 1]\n");
    exit_code = 2;
    return false;
  }
  if (out.zoom.size() == 1) out.zoom.insert(out.zoom.end(), {0.5, 0.5});
  if (!out.select.empty() && (out.select.size() != 4 || !fractions_ok(out.select, 0))) {
    std::fprintf(stderr, "vaelab: --select expects FX0,FY0,FX1,FY1 in [0, 1]\n");
    exit_code = 2;
    return false;
  }
  if (!out.send_selection.empty() && out.select.empty()) {
    std::fprintf(stderr, "vaelab: --send-selection needs --select\n");
    exit_code = 2;
    return false;
  }
  if (out.clusters_points < 0 || out.clusters_points > 70000) {
    std::fprintf(stderr, "vaelab: --clusters-points expects 1 to 70000\n");
    exit_code = 2;
    return false;
  }
  if (out.train_steps < 0) {
    std::fprintf(stderr, "vaelab: --train-steps must be >= 0\n");
    exit_code = 2;
    return false;
  }
  return true;
}

}  // namespace gui
}  // namespace vaelab
