#pragma once
// Side-by-side comparison of trained runs: the table `vaelab-cli compare` prints and writes as
// DIR/compare.csv and DIR/compare.md.
//
// A row is a JSON object (key -> number | string | null) filled by *column providers*, each a function
// of one evaluated run (ComparisonContext). Columns name the keys that are shown, in order, with a
// header and a number format. Other modules add their own by calling add_provider()/add_column() in
// standard_comparison_table() (an explicit list, like the variant registry), e.g. cluster accuracy,
// NMI, MIG, FactorVAE score. A provider that does not apply to a run leaves its keys out (shown "-").
//
// Built-in keys (the noise paper's Table 1 columns plus likelihood and latent-space summaries):
//   name, variant, dataset, evaluated_on (the view's name, e.g. "mnist/test"), epochs, beta (options.beta
//   or the variant's default; null when the variant has none), noise (likelihood: "bernoulli", "gaussian s2=0.01", "sse", "learned gaussian", "mog-2"),
//   sigma2_k, pi_k (learned noise state joined by "/"; null for fixed noise), test_nelbo (mean
//   Model::nelbo over the test view: -EVLB for noise-vae, the proposal's negative ELBO for wae-mmd),
//   evlb (= -test_nelbo), recon_error (mean over test inputs of sum_d (x_d - reconstruct(x)_d)^2, the
//   posterior-mean reconstruction), kl_qz_pz (Def. 4, D~ - I~), mutual_information (I~), average_kl
//   (D~), inactive_count (#sigma^2 > 0.8), influential_count (#I~ > 0.5), cov_mu_identity_frobenius.
//
// Thread-safety: a ComparisonTable is used by one thread. Evaluation uses the context's model on the
// calling thread only.
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analysis/indicators.h"
#include "config/preset.h"
#include "data/dataset.h"
#include "models/model.h"
#include "models/registry.h"
#include "train/snapshot.h"

namespace vaelab {

struct ComparisonOptions {
  int64_t limit = 10000;     // evaluate_run_into: a seeded random subset of `limit` test inputs (the same
                             // for every run on the same data); providers: the first `limit`; 0 = all
  int64_t batch_size = 256;  // inputs per forward pass
  int64_t seed = 0;          // reseeds torch before each run's evaluation (same noise for every run)
  std::string split = "test";  // the view scored: "test" (train when the data has none) or "train"
                               // (the clustering papers' protocol: accuracy on the data clustered)
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
};

// The built-in providers and columns listed above. Further column sets are added here, one line each.
ComparisonTable standard_comparison_table();

// --- what `compare` runs -------------------------------------------------------------------------

// One entry of --presets: "NAME_OR_FILE" or "NAME_OR_FILE@key=value@key=value" (per-entry overrides,
// applied after the shared --set ones). Throws vaelab::Error on an empty name or a malformed override.
struct ComparisonEntry {
  std::string source;
  std::vector<std::string> overrides;
  // Folder and row name: the preset's name, then "_key-value" per override ('/' and '=' replaced).
  std::string row_name(const std::string& preset_name) const;
  static ComparisonEntry parse(const std::string& text);
};

struct ComparisonTraining {
  int64_t epochs = 0;                   // > 0 overrides the preset's epochs
  std::vector<std::string> overrides;   // --set, applied to every entry
  std::string device;                   // "" -> the preset's
  int threads = 0;
};

// Called on the calling thread about once a second while a run trains.
using ComparisonProgress = std::function<void(const std::string& name, const Progress& progress)>;

// Trains one entry to the end and saves it as out_dir/<row name>; returns that folder. Throws
// vaelab::Error when training fails or diverges (the run folder is still written when possible).
std::string train_for_comparison(const ComparisonEntry& entry, const ComparisonTraining& training,
                                 const std::string& out_dir, const ComparisonProgress& progress = {});

// Loads a run folder (checkpoint.pt) and evaluates it into `table` under `name` ("" = folder name).
const nlohmann::json& evaluate_run_into(ComparisonTable& table, const std::string& run_dir,
                                        const ComparisonOptions& options, const std::string& name = "",
                                        const std::string& device = "");

// The "k-means on pixels" baseline row for the data a run was trained on, scored on the same inputs as
// evaluate_run_into with the same options (metrics/pixel_kmeans.h): keys name "k-means on pixels",
// variant "k-means", dataset, run_dir, cluster_acc, nmi. Throws vaelab::Error when the data has no labels.
const nlohmann::json& evaluate_pixel_kmeans_into(ComparisonTable& table, const std::string& run_dir,
                                                 const ComparisonOptions& options);

}  // namespace vaelab
