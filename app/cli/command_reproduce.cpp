// vaelab-cli reproduce PAPER [--size tiny|cpu|paper] [--seeds 1,2,3] --out DIR [--device D] [--threads N]
// Trains what a paper's claims need, evaluates the runs, judges each claim (holds / does not hold /
// inconclusive, engine/reproduce/claim_verdict.h) and writes DIR/report.md, DIR/report.json and the
// comparison table DIR/compare.{csv,md,json}; the report's table goes to stdout, progress to stderr.
// Ctrl-C: the run in training is dropped, the report is written from the runs that finished (exit 130);
// the same command again reuses them. Exit 1 when a run failed.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "commands.h"
#include "core/device.h"
#include "interrupt_flag.h"
#include "output_folder.h"
#include "reproduce/paper_reproduction.h"
#include "reproduce/reproduction_runner.h"

namespace {

struct ReproduceArgs {
  std::string paper;
  std::string size = "cpu";
  std::vector<int64_t> seeds = {1, 2, 3};
  std::string out;
  std::string device;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
};

void run_reproduce(const ReproduceArgs& args) {
  const vaelab::PaperReproduction paper = vaelab::paper_reproduction(args.paper, args.size);
  vaelab::cli::require_writable_folder(args.out);
  vaelab::set_threads(args.threads);
  vaelab::ReproductionOptions options;
  options.seeds = args.seeds;
  options.out = args.out;
  options.device = args.device;
  options.threads = args.threads;
  vaelab::cli::InterruptFlag interrupt;
  const auto outcome = vaelab::run_reproduction(
      paper, options, [](const std::string& line) { std::cerr << line << std::endl; },
      [&interrupt] { return interrupt.raised(); });
  std::cout << outcome.report.to_text() << std::flush;
  std::cerr << fmt::format("wrote {0}/report.md, {0}/report.json, {0}/compare.csv", args.out) << std::endl;
  if (outcome.interrupted) throw vaelab::cli::CommandExit{130};
  if (outcome.failed_runs > 0) throw vaelab::cli::CommandExit{1};
}

}  // namespace

void register_reproduce_command(CLI::App& app) {
  auto args = std::make_shared<ReproduceArgs>();
  CLI::App* cmd = app.add_subcommand("reproduce", "train and judge a paper's headline claims against its baseline");
  cmd->add_option("paper", args->paper, "ph-vae | noise-vae | hebae | mog-vae | lecture")
      ->required()
      ->check(CLI::IsMember(vaelab::reproduction_papers()));
  cmd->add_option("--size", args->size, "tiny (seconds), cpu (about 30 min per paper on 2 cores; ph-vae and lecture longer), paper (a GPU)")
      ->capture_default_str()
      ->check(CLI::IsMember({"tiny", "cpu", "paper"}));
  cmd->add_option("--seeds", args->seeds, "seeds, comma-separated")->delimiter(',')->capture_default_str();
  cmd->add_option("--out", args->out, "folder for the runs, report.md/.json and compare.csv/.md/.json")->required();
  cmd->add_option("--device", args->device, "auto | cpu | cuda (default: each preset's)")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  cmd->add_option("--threads", args->threads, "CPU threads for torch")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->callback([args] { run_reproduce(*args); });
}
