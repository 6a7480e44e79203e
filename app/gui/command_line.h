#pragma once
// The desktop app's command line.
//
//   vaelab                                  opens the default preset (fashion-vae), ready to train
//   vaelab DIR|CHECKPOINT|PRESET            opens a run folder, checkpoint, preset file or preset name
//   vaelab MODEL.pt [--dataset NAME]        opens a VAE trained in PyTorch (TorchScript, README) on NAME
//   vaelab [--preset P | --run DIR] [--train-steps N] [--set k=v]... --view NAME
//          --screenshot FILE.png [--size WxH]      headless: render NAME, write the PNG, exit 0
//          [--drop PATH]... [--keys K,K,...]       ... after scripted input (drops, then keys and typed
//                                                  text); --train-steps trains the run open after it
//          [--export FILE.png|.svg|.csv]...        ... and also run the view's export (as Ctrl+E does)
//          [--clusters-points N] [--zoom F[,FX,FY]] [--select FX0,FY0,FX1,FY1] [--send-selection VIEW]
//                                                  ... with --view clusters: encode N inputs, zoom by F
//                                                  about (FX, FY), select a box, send the selection to
//                                                  VIEW as its button does (positions: fractions of the
//                                                  plot area from its top-left corner)
//   vaelab ... --bench [--bench-seconds S] [--bench-views a,b|all] [--clusters-points N] [--zoom ...]
//                                                   UI latency benchmark (prints frame-time p99 and
//                                                   slider-drag -> decoded image latency p95); the
//                                                   clusters view is measured after its encoding and
//                                                   the --zoom
#include <cstdint>
#include <string>
#include <vector>

namespace vaelab {
namespace gui {

struct CommandLine {
  std::string source = "fashion-vae";  // what to open
  std::vector<std::string> overrides;  // --set a.b=value
  std::string dataset;                 // --dataset NAME: the data a PyTorch model is shown on
  int64_t train_steps = 0;             // --train-steps: after the scripted input, on the run then open
  std::string view;                    // --view NAME (start view; required with --screenshot)
  std::string screenshot;              // --screenshot FILE.png
  std::vector<std::string> compare;    // --compare PATH: other runs (curves overlay, runs table, covariance)
  std::vector<std::string> actions;    // --action VIEW:ACTION: a view's scripted action (View::run_action)
  std::vector<std::string> exports;    // --export FILE.{png,svg,csv}: the view's own export, after the screenshot
  std::vector<std::string> drops;      // --drop PATH: as if PATH were dropped on the window (headless tests)
  std::vector<std::string> keys;       // --keys space,ctrl+o,type:TEXT,enter: keys pressed and text typed,
                                       // before --train-steps trains (headless tests)
  int width = 1600, height = 1000;     // --size WxH
  float ui_scale = 0;                  // --ui-scale (0: from imgui.ini or the monitor's content scale)
  bool bench = false;
  double bench_seconds = 10;
  std::vector<std::string> bench_views;  // --bench-views a,b | all: frame times per view after the drag
  int torch_threads = 0;               // --threads for the trainer (0: torch default)
  // The clusters view, scripted (views/clusters_scripting.h); positions are fractions of its plot area.
  int64_t clusters_points = 0;         // --clusters-points N: encode N inputs (0: the view's default)
  std::vector<double> zoom;            // --zoom F[,FX,FY]: zoom by F about (FX, FY) (default the centre)
  std::vector<double> select;          // --select FX0,FY0,FX1,FY1: select the points in this box
  std::string send_selection;          // --send-selection VIEW: then send it to VIEW ("interpolation",
                                       // "delta-sigma") as the selection strip's button does
  bool scripts_clusters() const { return clusters_points > 0 || !zoom.empty() || !select.empty(); }
  bool headless() const { return !screenshot.empty() || bench; }
};

// Parses argv. On --help or an error returns false with `exit_code` (0 for help, 2 for errors) after
// printing the message.
bool parse_command_line(int argc, char** argv, CommandLine& out, int& exit_code);

}  // namespace gui
}  // namespace vaelab
