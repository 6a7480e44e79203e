#include "reproduce/claim_verdict.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace vaelab {

std::string verdict_text(Verdict v) {
  switch (v) {
    case Verdict::Holds: return "holds";
    case Verdict::DoesNotHold: return "does not hold";
    case Verdict::Inconclusive: break;
  }
  return "inconclusive";
}

SeedSummary summarize_seeds(const std::vector<double>& values) {
  SeedSummary s;
  s.seeds = static_cast<int>(values.size());
  if (values.empty()) return s;
  double sum = 0;
  for (double v : values) sum += v;
  s.mean = sum / static_cast<double>(values.size());
  if (values.size() >= 2) {
    double ss = 0;
    for (double v : values) ss += (v - s.mean) * (v - s.mean);
    const double sd = std::sqrt(ss / static_cast<double>(values.size() - 1));
    s.standard_error = sd / std::sqrt(static_cast<double>(values.size()));
  }
  return s;
}

std::string format_seeds(const std::vector<double>& values, int significant_digits) {
  if (values.empty()) return "–";
  for (double v : values)
    if (!std::isfinite(v)) return "–";
  const SeedSummary s = summarize_seeds(values);
  if (s.seeds == 1) return fmt::format("{:.{}g} (1 seed)", s.mean, significant_digits);
  return fmt::format("{:.{}g} ± {:.2g} ({} seeds)", s.mean, significant_digits, s.standard_error, s.seeds);
}

ClaimJudgement judge_claim(const std::vector<double>& ours, const std::vector<double>& reference,
                           const ClaimTest& test) {
  ClaimJudgement j;
  j.seeds = static_cast<int>(ours.size());
  j.difference = std::nan("");
  if (ours.empty() || reference.empty()) {
    j.reason = "no measurement";
    return j;
  }
  if (reference.size() != 1 && reference.size() != ours.size()) {
    j.reason = fmt::format("{} values against {} reference values: not paired by seed", ours.size(), reference.size());
    return j;
  }
  const double sign = test.higher_is_better ? 1.0 : -1.0;
  std::vector<double> d;
  for (size_t i = 0; i < ours.size(); ++i) {
    const double ref = reference.size() == 1 ? reference[0] : reference[i];
    if (!std::isfinite(ours[i]) || !std::isfinite(ref)) {
      j.reason = fmt::format("seed {} has no finite value", i + 1);
      return j;
    }
    d.push_back(sign * (ours[i] - ref) + test.allowance);
  }
  const SeedSummary s = summarize_seeds(d);
  j.difference = s.mean;
  j.margin = std::max(2.0 * s.standard_error, test.min_effect);
  const std::string noise =
      s.seeds >= 2 ? fmt::format("margin {:.3g} = max(2 standard errors over {} seeds, {:.3g})", j.margin, s.seeds,
                                 test.min_effect)
                   : fmt::format("margin {:.3g} (one seed: no noise estimate)", j.margin);
  const std::string diff = fmt::format("difference {:+.3g} in the claim's favour", j.difference);
  if (j.difference < -j.margin) {
    j.verdict = Verdict::DoesNotHold;
    j.reason = fmt::format("{}, below −{}", diff, noise);
  } else if (test.at_least_as_good || j.difference > j.margin) {
    j.verdict = Verdict::Holds;
    j.reason = test.at_least_as_good ? fmt::format("{}, not below −{}", diff, noise)
                                     : fmt::format("{}, above {}", diff, noise);
  } else {
    j.verdict = Verdict::Inconclusive;
    j.reason = fmt::format("{}, within seed noise ({})", diff, noise);
  }
  return j;
}

}  // namespace vaelab
