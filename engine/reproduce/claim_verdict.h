#pragma once
// The verdict on one claim of a paper, from per-seed measurements: holds, does not hold, or
// inconclusive (the difference is within seed noise, or a value is missing).
//
// A claim compares ours (the method, per seed) with a reference: the baseline trained with the same seeds
// (paired by seed), or one fixed number (the paper's, a threshold) given as a single value.
//   d_i    = s * (ours_i - reference_i) + allowance   (s = +1 when higher is better, -1 when lower is)
//   d      = mean_i d_i;   se = sd(d_i) / sqrt(n) for n >= 2 seeds (0 for one seed: no noise estimate)
//   margin = max(2 se, min_effect)
// "better" claims (at_least_as_good = false):  d > margin holds; d < -margin does not hold; otherwise
//   inconclusive ("within seed noise").
// "at least as good" claims (at_least_as_good = true): d >= -margin holds; d < -margin does not hold.
// allowance lets ours fall short by that much and still hold (e.g. "R^2 no more than 0.05 below");
// min_effect is the smallest difference the measurement resolves (e.g. the energy distance's own floor),
// so one seed does not decide a claim on a difference smaller than it.
// A NaN or infinite value, or no values, gives inconclusive with the reason.
#include <string>
#include <vector>

namespace vaelab {

enum class Verdict { Holds, DoesNotHold, Inconclusive };

// "holds" | "does not hold" | "inconclusive"
std::string verdict_text(Verdict v);

struct ClaimTest {
  bool higher_is_better = true;
  bool at_least_as_good = false;
  double allowance = 0.0;
  double min_effect = 0.0;
};

struct ClaimJudgement {
  Verdict verdict = Verdict::Inconclusive;
  double difference = 0.0;  // d above (NaN when undefined)
  double margin = 0.0;      // max(2 se, min_effect)
  int seeds = 0;
  std::string reason;       // one sentence naming d, the margin and the seeds
};

// ours: one value per seed. reference: as many values (paired by seed) or exactly one (a fixed number).
ClaimJudgement judge_claim(const std::vector<double>& ours, const std::vector<double>& reference,
                           const ClaimTest& test);

// Mean and standard error (sd / sqrt(n); 0 for n < 2) of per-seed values, for the report.
struct SeedSummary {
  double mean = 0.0;
  double standard_error = 0.0;
  int seeds = 0;
};
SeedSummary summarize_seeds(const std::vector<double>& values);
// "0.0123 ± 0.0011 (3 seeds)" or "0.0123 (1 seed)"; "–" when empty or not finite.
std::string format_seeds(const std::vector<double>& values, int significant_digits = 3);

}  // namespace vaelab
