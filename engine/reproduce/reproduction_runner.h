#pragma once
// Runs one paper's reproduction (reproduce/paper_reproduction.h) end to end: trains every run for every
// seed (compare/comparison_runs.h: train_for_comparison, the one training loop), evaluates the runs into
// one comparison table (compare/standard_columns.h, with the paper's IWAE-k and limit), judges the claims,
// draws the paper's figures (reproduce/reproduction_plots.h: OUT/<paper>-*.png, listed in the report)
// and writes OUT/report.md, OUT/report.json and OUT/compare.{csv,md,json}.
//
// Contracts
// - Runs live in OUT/runs/<key>-s<seed>. A folder that already holds a finished run (summary.json and
//   checkpoint.pt) trained with the same preset settings is reused, not retrained: an interrupted
//   reproduction picks up where it stopped. One whose saved preset differs in any key (the
//   reproduction's definition changed since) is trained again, with a line naming the keys.
// - should_stop (polled about once a second while a run trains, and between runs): when it returns
//   true, the run in training is abandoned (its folder is not written), and the report is written from
//   the runs that finished -- claims missing a run are inconclusive ("no finite value") -- with a note
//   that the reproduction was interrupted; ReproductionOutcome::interrupted is set.
// - A run that fails or diverges leaves a null row and a note; the other runs and claims go on.
// - log(line): one line per event (training start and end, epochs, evaluation), for a terminal.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "reproduce/paper_reproduction.h"
#include "reproduce/reproduction_report.h"

namespace vaelab {

struct ReproductionOptions {
  std::vector<int64_t> seeds = {1, 2, 3};
  std::string out;     // required
  std::string device;  // "" = each preset's
  int threads = 0;     // 0 = leave torch's setting
};

struct ReproductionOutcome {
  ReproductionReport report;
  bool interrupted = false;
  int failed_runs = 0;
};

ReproductionOutcome run_reproduction(const PaperReproduction& paper, const ReproductionOptions& options,
                                     const std::function<void(const std::string&)>& log = {},
                                     const std::function<bool()>& should_stop = {});

}  // namespace vaelab
