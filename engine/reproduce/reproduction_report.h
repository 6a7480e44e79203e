#pragma once
// The report of `vaelab-cli reproduce`: one row per claim of a paper -- the paper's number or statement,
// ours, the verdict with its reason, the settings, seeds and wall time -- as markdown (DIR/report.md), as
// an aligned text table for a terminal, and as JSON (DIR/report.json).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reproduce/claim_verdict.h"

namespace vaelab {

struct ClaimResult {
  std::string paper;     // "ph-vae"
  std::string id;        // short key, e.g. "gmm5-s3-vs-s1"
  std::string claim;     // what the paper says, one sentence
  std::string papers;    // the paper's number or statement, with where it is ("Fig. 2", "0.9446")
  std::string ours;      // our numbers, e.g. "S=3 0.0130 ± 0.0009 (3 seeds) vs S=1 0.0125 ± ..."
  ClaimJudgement judgement;
  std::string settings;  // presets, overrides, what was scored
};

// A figure written beside report.md (reproduce/reproduction_plots.h).
struct ReportPlot {
  std::string file;         // "ph-vae-loss-curves.png", relative to the report's folder
  std::string caption;      // the image's alt text
  std::string description;  // one line: what it shows
};

struct ReproductionReport {
  std::string paper;
  std::string title;     // the paper's title
  std::string size;      // "tiny" | "cpu" | "paper"
  std::vector<int64_t> seeds;
  double wall_seconds = 0.0;      // this call, training what was not reused, evaluating and drawing
  double training_seconds = 0.0;  // the training time of every run used, from their summaries
  std::vector<std::string> notes;  // what was changed to give the method a fair chance, and what is left
  std::vector<ClaimResult> claims;
  std::vector<std::string> runs;   // run folders used (trained now or reused)
  std::vector<ReportPlot> plots;   // figures written beside the report
  std::vector<std::string> plots_skipped;  // one line per figure that could not be drawn

  std::string to_markdown() const;
  std::string to_text() const;
  nlohmann::json to_json() const;
  // Writes DIR/report.md and DIR/report.json with the durable writer (a crash leaves the old file).
  void write(const std::string& dir) const;
};

}  // namespace vaelab
