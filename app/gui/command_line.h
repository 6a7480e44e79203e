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
//   vaelab ... --bench [--bench-seconds S] [--bench-views a,b|all]
//                                                   UI latency benchmark (prints frame-time p99 and
//                                                   slider-drag -> decoded image latency p95)
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
  std::vector<std::string> compare;    // --compare PATH: other runs overlaid on the curves view
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
  bool headless() const { return !screenshot.empty() || bench; }
};

// Parses argv. On --help or an error returns false with `exit_code` (0 for help, 2 for errors) after
// printing the message.
bool parse_command_line(int argc, char** argv, CommandLine& out, int& exit_code);

}  // namespace gui
}  // namespace vaelab
