// vaelab-cli compare --presets A,B,... [--epochs N] [--set k=v]... --out DIR
// vaelab-cli compare --runs DIR1,DIR2,... [--out DIR] [--pixel-kmeans] [--split test|train]
// Trains each preset (DIR/<name>) or takes finished run folders, evaluates every run on its test view
// (its train view with --split train) and prints one table (engine/compare/standard_columns.h lists the
// columns, bits/dim among them); writes DIR/compare.csv, DIR/compare.md and DIR/compare.json. A set of
// runs whose likelihoods are not on one scale (compare/likelihood_mix.h) ends the table with a
// "warning: ..." line. A preset entry may carry its
// own overrides:
// "ph-vae-toy@options.orders=5" (folder and row "ph-vae-toy_orders-5").
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "compare/comparison_runs.h"
#include "compare/likelihood_mix.h"
#include "compare/standard_columns.h"
#include "commands.h"
#include "core/device.h"
#include "core/error.h"
#include "output_folder.h"

namespace {

struct CompareArgs {
  std::vector<std::string> presets;
  std::vector<std::string> runs;
  std::vector<std::string> overrides;
  int64_t epochs = 0;
  std::string out;
  int64_t limit = 10000;
  int64_t batch_size = 256;
  int64_t seed = 0;
  bool pixel_kmeans = false;
  std::string split = "test";
  std::string device;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
};

void run_compare(const CompareArgs& args) {
  if (args.presets.empty() == args.runs.empty()) throw vaelab::Error("compare: give exactly one of --presets or --runs");
  if (!args.presets.empty() && args.out.empty()) throw vaelab::Error("compare: --presets needs --out DIR");
  if (!args.out.empty()) vaelab::cli::require_writable_folder(args.out);
  vaelab::set_threads(args.threads);

  std::vector<std::pair<std::string, std::string>> runs;  // (row name, folder)
  for (const auto& r : args.runs) runs.emplace_back("", r);
  vaelab::ComparisonTraining training;
  training.epochs = args.epochs;
  training.overrides = args.overrides;
  training.device = args.device;
  training.threads = args.threads;
  for (const auto& text : args.presets) {
    const auto entry = vaelab::ComparisonEntry::parse(text);
    int64_t last_epoch = -1;
    auto progress = [&last_epoch](const std::string& name, const vaelab::Progress& p) {
      if (p.epoch == last_epoch) return;
      last_epoch = p.epoch;
      std::cerr << fmt::format("{}: epoch {}/{} step {} ({})", name, p.epoch, p.epochs, p.step,
                               vaelab::to_string(p.state))
                << std::endl;
    };
    try {
      runs.emplace_back("", vaelab::train_for_comparison(entry, training, args.out, progress));
    } catch (const vaelab::Error& e) {
      std::cerr << "vaelab-cli: compare: " << e.what() << std::endl;  // other entries still run
    }
  }
  vaelab::ComparisonTable table = vaelab::standard_comparison_table();
  vaelab::ComparisonOptions options;
  options.limit = args.limit;
  options.batch_size = args.batch_size;
  options.seed = args.seed;
  options.split = args.split;
  for (const auto& [name, dir] : runs) {
    std::cerr << "evaluating " << dir << std::endl;
    try {
      vaelab::evaluate_run_into(table, dir, options, name, args.device);
    } catch (const vaelab::Error& e) {
      std::cerr << "vaelab-cli: compare: " << dir << ": " << e.what() << std::endl;
    }
  }
  size_t baseline_rows = 0;
  if (args.pixel_kmeans) {
    // One baseline row per dataset among the evaluated runs, on the same inputs.
    std::vector<std::string> done;
    const auto model_rows = table.rows();
    for (const auto& row : model_rows) {
      const std::string dataset = row.value("dataset", "");
      if (std::find(done.begin(), done.end(), dataset) != done.end()) continue;
      done.push_back(dataset);
      try {
        vaelab::evaluate_pixel_kmeans_into(table, row.value("run_dir", ""), options);
        ++baseline_rows;
      } catch (const vaelab::Error& e) {
        std::cerr << "vaelab-cli: compare: k-means on pixels (" << dataset << "): " << e.what() << std::endl;
      }
    }
  }
  // Likelihoods of different kinds on one scale (e.g. an undequantised density next to a Bernoulli): the
  // rows say so ("likelihood_comparable", "likelihood_warning") and the table ends with a warning line.
  vaelab::flag_likelihood_mix(table);
  std::cout << table.to_text() << std::flush;
  if (!args.out.empty()) {
    table.write(args.out);
    std::cerr << fmt::format("wrote {0}/compare.csv, {0}/compare.md, {0}/compare.json", args.out) << std::endl;
  }
  if (table.rows().size() - baseline_rows != runs.size() || runs.size() != args.presets.size() + args.runs.size()) {
    throw vaelab::cli::CommandExit{1};
  }
}

}  // namespace

void register_compare_command(CLI::App& app) {
  auto args = std::make_shared<CompareArgs>();
  CLI::App* cmd = app.add_subcommand("compare", "train presets (or take runs) and print one comparison table");
  cmd->add_option("--presets", args->presets, "presets to train, comma-separated; NAME@key=value adds overrides")
      ->delimiter(',');
  cmd->add_option("--runs", args->runs, "finished run folders, comma-separated")->delimiter(',');
  cmd->add_option("--epochs", args->epochs, "epochs per preset (default: the preset's)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--set", args->overrides, "preset override key=value, for every preset (repeatable)");
  cmd->add_option("--out", args->out, "folder for the runs and compare.csv/.md/.json");
  cmd->add_option("--limit", args->limit, "evaluate a seeded random subset of N test inputs, the same for every run (0: all)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--batch-size", args->batch_size, "inputs per forward pass")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--seed", args->seed, "seed for the evaluation noise")->capture_default_str();
  cmd->add_option("--split", args->split, "which view to score: test, or train (the clustering papers' protocol)")
      ->capture_default_str()
      ->check(CLI::IsMember({"test", "train"}));
  cmd->add_flag("--pixel-kmeans", args->pixel_kmeans,
               "add a 'k-means on pixels' row per dataset (cluster accuracy and NMI on the same inputs)");
  cmd->add_option("--device", args->device, "auto | cpu | cuda (default: each preset's)")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  cmd->add_option("--threads", args->threads, "CPU threads for torch")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->callback([args] { run_compare(*args); });
}
