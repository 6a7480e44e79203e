#pragma once
// The table `vaelab-cli compare` prints and writes as DIR/compare.csv, DIR/compare.md and
// DIR/compare.json.
//
// A row is a JSON object (key -> number | string | null) filled by *column providers*, each a function
// of one evaluated run (ComparisonContext). Columns name the keys that are shown, in order, with a
// header and a number format. The standard providers and columns are in compare/standard_columns.h.
// A provider that does not apply to a run leaves its keys out (shown "-").
//
// Thread-safety: a ComparisonTable is used by one thread. Evaluation uses the context's model on the
// calling thread only.
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "analysis/indicators.h"
#include "data/dataset.h"
#include "models/model.h"
#include "models/model_spec.h"
#include "train/preset.h"

namespace vaelab {

struct ComparisonOptions {
  int64_t limit = 10000;     // evaluate_run_into: a seeded random subset of `limit` test inputs (the same
                             // for every run on the same data); providers: the first `limit`; 0 = all
  int64_t batch_size = 256;  // inputs per forward pass
  int64_t seed = 0;          // reseeds torch before each run's evaluation (same noise for every run)
  std::string split = "test";  // the view scored: "test" (train when the data has none) or "train"
                               // (the clustering papers' protocol: accuracy on the data clustered)
  int64_t iwae_k = 0;        // > 0: the likelihood columns add the IWAE-k estimate of -log p(x)
  IndicatorOptions indicators;
};

// Everything a column provider may look at for one run.
struct ComparisonContext {
  std::string name;     // row name: the preset name (+ per-entry overrides) or the run folder's name
  std::string run_dir;  // the run folder evaluated
  const Preset& preset;
  const ModelSpec& spec;
  Model& model;         // eval mode, on its device; an evaluator's own copy
  const DatasetSplit& data;
  const Dataset& view;  // the evaluated view (test, or train when the dataset has no test view)
  const ComparisonOptions& options;
  int64_t epochs_done = 0;
  // The run's saved "dequantize" setting (train/preset.h: dequantize_setting_of_saved_preset): the
  // likelihood columns dequantise where it applies (analysis/likelihood_kind.h), as the run trained.
  bool dequantize = false;
};

using ColumnProvider = std::function<void(const ComparisonContext& run, nlohmann::json& row)>;

struct ComparisonColumn {
  std::string key;     // row key
  std::string header;  // printed header (UTF-8; CSV uses `key`)
  int precision = 4;   // significant digits for numbers
};

class ComparisonTable {
 public:
  void add_provider(std::string name, ColumnProvider provider);
  void add_column(ComparisonColumn column);
  // Inserts a column right after the one keyed `after` (at the end when absent).
  void insert_column_after(const std::string& after, ComparisonColumn column);

  // Runs every provider in registration order on one run; appends and returns the row.
  const nlohmann::json& evaluate(const ComparisonContext& run);
  void add_row(nlohmann::json row);

  const std::vector<ComparisonColumn>& columns() const { return columns_; }
  const std::vector<nlohmann::json>& rows() const { return rows_; }
  // For passes over the whole table once every row is in (compare/likelihood_mix.h).
  std::vector<nlohmann::json>& rows_for_update() { return rows_; }
  // A line shown under the text and markdown tables ("warning: ..."); compare.json and compare.csv
  // carry the same information in row keys.
  void add_note(std::string note);
  const std::vector<std::string>& notes() const { return notes_; }

  std::string to_text() const;      // aligned plain-text table for a terminal
  std::string to_markdown() const;  // GitHub table
  std::string to_csv() const;       // header = column keys; numbers at full precision
  // Writes DIR/compare.csv, DIR/compare.md and DIR/compare.json (the rows with every key).
  void write(const std::string& dir) const;

  // A value as shown in the text/markdown table ("-" for null or missing).
  static std::string format_cell(const nlohmann::json& value, int precision);

 private:
  std::vector<std::pair<std::string, ColumnProvider>> providers_;
  std::vector<ComparisonColumn> columns_;
  std::vector<nlohmann::json> rows_;
  std::vector<std::string> notes_;
};

}  // namespace vaelab
