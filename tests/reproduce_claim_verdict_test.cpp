// The verdict logic of `vaelab-cli reproduce` on hand-made measurements: a claim that holds, one that does
// not, one within seed noise, one-seed claims decided by the stated resolution, and missing values.
#include <catch2/catch.hpp>

#include <cmath>

#include "reproduce/claim_verdict.h"

using namespace vaelab;

TEST_CASE("a method better than its baseline on every seed by far more than the seed noise holds", "[fast][reproduce]") {
  // Lower is better (a distance): ours 0.010, 0.011, 0.012 against 0.020, 0.022, 0.021.
  ClaimTest lower;
  lower.higher_is_better = false;
  const auto j = judge_claim({0.010, 0.011, 0.012}, {0.020, 0.022, 0.021}, lower);
  CHECK(j.verdict == Verdict::Holds);
  // d_i = 0.010, 0.011, 0.009: mean 0.010, sd 0.001, se 0.000577, margin 0.00115.
  CHECK(j.difference == Approx(0.010).epsilon(1e-9));
  CHECK(j.margin == Approx(2 * 0.001 / std::sqrt(3.0)).epsilon(1e-9));
  CHECK(j.seeds == 3);
  CHECK(verdict_text(j.verdict) == "holds");
}

TEST_CASE("a method worse than its baseline beyond the noise does not hold", "[fast][reproduce]") {
  ClaimTest higher;  // e.g. R^2 or accuracy
  const auto j = judge_claim({0.70, 0.71, 0.69}, {0.80, 0.81, 0.80}, higher);
  CHECK(j.verdict == Verdict::DoesNotHold);
  CHECK(j.difference == Approx(-0.1033333).epsilon(1e-5));
  CHECK(verdict_text(j.verdict) == "does not hold");
}

TEST_CASE("a difference smaller than two standard errors over seeds is inconclusive", "[fast][reproduce]") {
  // Paired differences +0.02, -0.01, +0.02: mean 0.01, sd 0.01732, se 0.01, margin 0.02 > 0.01.
  const auto j = judge_claim({0.52, 0.49, 0.52}, {0.50, 0.50, 0.50}, ClaimTest{});
  CHECK(j.verdict == Verdict::Inconclusive);
  CHECK(j.difference == Approx(0.01).epsilon(1e-9));
  CHECK(j.margin == Approx(0.02).epsilon(1e-6));
  CHECK(j.reason.find("within seed noise") != std::string::npos);
  CHECK(verdict_text(j.verdict) == "inconclusive");
}

TEST_CASE("an at-least-as-good claim holds within the noise and fails only below it", "[fast][reproduce]") {
  ClaimTest no_worse;
  no_worse.at_least_as_good = true;
  CHECK(judge_claim({0.52, 0.49, 0.52}, {0.50, 0.50, 0.50}, no_worse).verdict == Verdict::Holds);
  CHECK(judge_claim({0.49, 0.48, 0.49}, {0.50, 0.50, 0.50}, no_worse).verdict == Verdict::DoesNotHold);
  // "R^2 no more than 0.05 below": an allowance of 0.05 turns 0.04 below into a hold.
  no_worse.allowance = 0.05;
  CHECK(judge_claim({0.46, 0.46, 0.46}, {0.50, 0.50, 0.50}, no_worse).verdict == Verdict::Holds);
  CHECK(judge_claim({0.40, 0.40, 0.40}, {0.50, 0.50, 0.50}, no_worse).verdict == Verdict::DoesNotHold);
}

TEST_CASE("one seed decides only beyond the stated resolution of the measurement", "[fast][reproduce]") {
  ClaimTest lower;
  lower.higher_is_better = false;
  lower.min_effect = 0.0005;  // e.g. the energy distance's floor
  CHECK(judge_claim({0.0120}, {0.0123}, lower).verdict == Verdict::Inconclusive);
  CHECK(judge_claim({0.0100}, {0.0123}, lower).verdict == Verdict::Holds);
  CHECK(judge_claim({0.0150}, {0.0123}, lower).verdict == Verdict::DoesNotHold);
  CHECK(judge_claim({0.0100}, {0.0123}, lower).reason.find("one seed") != std::string::npos);
}

TEST_CASE("a fixed reference number is compared with every seed", "[fast][reproduce]") {
  // VaDE's accuracy against the threshold 0.90.
  CHECK(judge_claim({0.95, 0.94, 0.96}, {0.90}, ClaimTest{}).verdict == Verdict::Holds);
  CHECK(judge_claim({0.80, 0.84, 0.82}, {0.90}, ClaimTest{}).verdict == Verdict::DoesNotHold);
}

TEST_CASE("missing, unpaired or non-finite values are inconclusive with the reason", "[fast][reproduce]") {
  CHECK(judge_claim({}, {0.5}, ClaimTest{}).verdict == Verdict::Inconclusive);
  CHECK(judge_claim({0.5, 0.6}, {0.5, 0.6, 0.7}, ClaimTest{}).reason.find("not paired") != std::string::npos);
  const auto j = judge_claim({0.5, std::nan("")}, {0.4, 0.4}, ClaimTest{});
  CHECK(j.verdict == Verdict::Inconclusive);
  CHECK(j.reason.find("seed 2") != std::string::npos);
}

TEST_CASE("seed summaries print mean, standard error and the seed count", "[fast][reproduce]") {
  CHECK(format_seeds({0.5}) == "0.5 (1 seed)");
  CHECK(format_seeds({1.0, 2.0, 3.0}) == "2 ± 0.58 (3 seeds)");
  CHECK(format_seeds({}) == "–");
  const auto s = summarize_seeds({1.0, 2.0, 3.0});
  CHECK(s.mean == Approx(2.0));
  CHECK(s.standard_error == Approx(1.0 / std::sqrt(3.0)));
}
