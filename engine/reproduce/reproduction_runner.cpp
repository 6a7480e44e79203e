#include "reproduce/reproduction_runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>

#include "compare/comparison_runs.h"
#include "compare/comparison_table.h"
#include "compare/run_table.h"
#include "compare/standard_columns.h"
#include "core/error.h"
#include "core/task.h"
#include "models/registry.h"
#include "reproduce/reproduction_plots.h"
#include "train/checkpoint.h"
#include "train/preset.h"
#include "train/run_folder.h"

namespace vaelab {

namespace fs = std::filesystem;

namespace {

bool finished_run(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "summary.json", ec) && fs::is_regular_file(dir / "checkpoint.pt", ec);
}

// The preset keys in which a finished run's saved preset differs from what `entry` would train now (both
// read through Preset, so defaults and spellings compare equal), and "revision" when this build computes
// another revision of the variant than the one saved (checkpoint.h; such a run no longer loads); empty
// when it is the same run. A run whose metadata cannot be read counts as differing in "checkpoint".
std::vector<std::string> changed_settings(const fs::path& dir, const ComparisonEntry& entry) {
  try {
    const Preset wanted = preset_with_overrides(read_preset_json(entry.source), entry.overrides);
    const CheckpointMeta meta = read_checkpoint_meta(RunFolder{dir.string()}.checkpoint());
    auto changed = differing_preset_keys({wanted.to_json(), Preset::from_json(meta.preset).to_json()});
    if (meta.revision() != make_model(meta.spec)->revision()) changed.push_back("revision");
    return changed;
  } catch (const Error&) {
    return {"checkpoint"};
  }
}

}  // namespace

ReproductionOutcome run_reproduction(const PaperReproduction& paper, const ReproductionOptions& options,
                                     const std::function<void(const std::string&)>& log,
                                     const std::function<bool()>& should_stop) {
  if (options.out.empty()) throw Error("reproduce: an output folder is required");
  if (options.seeds.empty()) throw Error("reproduce: at least one seed is required");
  const auto say = [&](const std::string& line) {
    if (log) log(line);
  };
  const auto stop = [&] { return should_stop && should_stop(); };
  const auto t0 = std::chrono::steady_clock::now();
  ReproductionOutcome outcome;
  ReproductionReport& report = outcome.report;
  report.paper = paper.paper;
  report.title = paper.title;
  report.size = paper.size;
  report.seeds = options.seeds;
  report.notes = paper.notes;

  const fs::path runs_dir = fs::path(options.out) / "runs";
  ComparisonTraining training;
  training.device = options.device;
  training.threads = options.threads;
  // folders[run key][seed index]: the finished run folder, or "" when it did not finish.
  std::map<std::string, std::vector<std::string>> folders;
  int trained = 0, reused = 0, retrained = 0;
  for (const auto& run : paper.runs) {
    for (size_t si = 0; si < options.seeds.size(); ++si) {
      auto& slot = folders[run.key];
      slot.resize(options.seeds.size());
      if (outcome.interrupted) continue;
      const int64_t seed = options.seeds[si];
      ComparisonEntry entry = ComparisonEntry::parse(run.entry);
      entry.overrides.push_back(fmt::format("seed={}", seed));
      entry.name = fmt::format("{}-s{}", run.key, seed);
      const fs::path dir = runs_dir / entry.name;
      if (finished_run(dir)) {
        const auto changed = changed_settings(dir, entry);
        if (changed.empty()) {
          say(fmt::format("{}: reusing the finished run in {}", entry.name, dir.string()));
          slot[si] = dir.string();
          ++reused;
          continue;
        }
        // Trained with other settings (the reproduction's definition changed since): train it again.
        say(fmt::format("{}: the finished run in {} differs in {}; training it again", entry.name, dir.string(),
                        fmt::join(changed, ", ")));
        ++retrained;
      }
      if (stop()) {
        outcome.interrupted = true;
        continue;
      }
      say(fmt::format("{}: training {} (seed {})", entry.name, run.entry, seed));
      int64_t last_epoch = -1;
      auto progress = [&](const std::string& name, const Progress& p) {
        if (stop()) throw TaskCancelled();
        if (p.epoch != last_epoch) {
          last_epoch = p.epoch;
          say(fmt::format("{}: epoch {}/{} step {}", name, p.epoch, p.epochs, p.step));
        }
      };
      try {
        slot[si] = train_for_comparison(entry, training, runs_dir.string(), progress);
        ++trained;
      } catch (const TaskCancelled&) {
        outcome.interrupted = true;
        say(fmt::format("{}: interrupted; the runs that finished are kept", entry.name));
      } catch (const Error& e) {
        ++outcome.failed_runs;
        report.notes.push_back(fmt::format("Run {} failed: {}", entry.name, e.what()));
        say(fmt::format("{}: failed: {}", entry.name, e.what()));
      }
    }
  }

  ComparisonTable table = standard_comparison_table();
  ComparisonOptions eval;
  eval.limit = paper.eval_limit;
  eval.iwae_k = paper.iwae_k;
  RowsByRun rows;
  for (const auto& run : paper.runs) {
    auto& seed_rows = rows[run.key];
    for (const auto& dir : folders[run.key]) {
      if (dir.empty()) {
        seed_rows.push_back(nullptr);
        if (run.pixel_kmeans) rows[run.key + "-pixels"].push_back(nullptr);  // seeds stay aligned
        continue;
      }
      report.runs.push_back(dir);
      try {  // the run's own training time (its summary), whether trained now or reused
        report.training_seconds += std::max(0.0, read_run_record(dir).wall_seconds);
      } catch (const Error&) {
      }
      say(fmt::format("evaluating {}", dir));
      ComparisonOptions run_eval = eval;
      run_eval.split = run.split;
      if (run.eval_limit >= 0) run_eval.limit = run.eval_limit;
      if (run.iwae_k >= 0) run_eval.iwae_k = run.iwae_k;
      try {
        seed_rows.push_back(evaluate_run_into(table, dir, run_eval, fs::path(dir).filename().string(), options.device));
      } catch (const Error& e) {
        report.notes.push_back(fmt::format("Evaluating {} failed: {}", dir, e.what()));
        seed_rows.push_back(nullptr);
      }
      if (run.pixel_kmeans) {
        auto& pixel_rows = rows[run.key + "-pixels"];
        try {
          pixel_rows.push_back(evaluate_pixel_kmeans_into(table, dir, run_eval));
        } catch (const Error& e) {
          report.notes.push_back(fmt::format("k-means on the pixels of {} failed: {}", dir, e.what()));
          pixel_rows.push_back(nullptr);
        }
      }
    }
  }
  report.claims = paper.claims(rows);
  say("drawing the report's plots");
  report.plots = write_reproduction_plots(paper.paper, folders, rows, options.seeds, options.out, options.device,
                                          paper.eval_limit, report.plots_skipped);
  if (reused > 0)
    report.notes.push_back(fmt::format("{} runs trained by this call, {} reused from an earlier one (the wall time "
                                       "counts this call only).", trained, reused));
  if (retrained > 0)
    report.notes.push_back(fmt::format("{} earlier runs were trained again: their saved settings differ from this "
                                       "reproduction's.", retrained));
  if (outcome.interrupted)
    report.notes.push_back("Interrupted: claims without all their runs are inconclusive; run the same command "
                           "again to finish (finished runs are reused).");
  report.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  report.write(options.out);
  table.write(options.out);
  return outcome;
}

}  // namespace vaelab
