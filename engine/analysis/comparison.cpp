#include "analysis/comparison.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "analysis/evaluation.h"
#include "core/device.h"
#include "core/error.h"
#include "data/seeded_permutation.h"
#include "metrics/metric_columns.h"
#include "metrics/pixel_kmeans.h"
#include "models/noise_vae.h"
#include "session/session.h"
#include "train/checkpoint.h"

namespace vaelab {

namespace fs = std::filesystem;

namespace {

// Display width of a UTF-8 string in code points (headers hold sigma, mu, ||).
size_t display_width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string pad(const std::string& s, size_t width, bool right) {
  const size_t w = display_width(s);
  if (w >= width) return s;
  return right ? std::string(width - w, ' ') + s : s + std::string(width - w, ' ');
}

std::string csv_escape(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string join_values(const torch::Tensor& t) {
  auto c = t.to(torch::kCPU, torch::kFloat64).contiguous();
  std::vector<std::string> parts;
  for (int64_t i = 0; i < c.numel(); ++i) parts.push_back(fmt::format("{:.3g}", c[i].item<double>()));
  return fmt::format("{}", fmt::join(parts, "/"));
}

std::vector<double> to_vector(const torch::Tensor& t) {
  auto c = t.to(torch::kCPU, torch::kFloat64).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

nlohmann::json finite_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

// --- built-in providers ---

void identity_columns(const ComparisonContext& run, nlohmann::json& row) {
  row["name"] = run.name;
  row["variant"] = run.spec.variant;
  row["dataset"] = run.preset.dataset.is_object() ? run.preset.dataset.value("name", "") : "";
  row["latent"] = run.spec.latent;
  row["epochs"] = run.epochs_done;
  row["run_dir"] = run.run_dir;
  row["evaluated_on"] = run.view.name;  // e.g. "mnist/test"
}

void noise_columns(const ComparisonContext& run, nlohmann::json& row) {
  const auto& options = run.spec.options;
  const std::string& v = run.spec.variant;
  // beta: the option when set, else the variant's documented default; none for hebae/wae-mmd etc.
  if (options.is_object() && options.contains("beta") && options.at("beta").is_number()) {
    row["beta"] = options.at("beta").get<double>();
  } else if (v == "vae" || v == "ph-vae" || v == "noise-vae" || v == "iwae") {
    row["beta"] = 1.0;
  } else if (v == "beta-vae") {
    row["beta"] = 4.0;
  } else {
    row["beta"] = nullptr;
  }
  if (auto* noise = dynamic_cast<NoiseVae*>(&run.model)) {
    const auto& o = noise->options();
    row["noise"] = o.noise == "mog" ? fmt::format("mog-{}", o.components)
                                    : (o.sigma2_update == "gradient" ? "learned gaussian (grad)" : "learned gaussian");
    row["sigma2_k"] = join_values(noise->noise_variances());
    row["pi_k"] = join_values(noise->noise_weights());
    row["sigma2_values"] = to_vector(noise->noise_variances());
    row["pi_values"] = to_vector(noise->noise_weights());
    return;
  }
  const bool sse = v == "ph-vae" && (!options.is_object() || options.value("recon", "sse") == "sse");
  const auto& l = run.spec.likelihood;
  if (sse) row["noise"] = "sse";
  else if (l.kind == Likelihood::Kind::Gaussian) row["noise"] = fmt::format("gaussian s2={:g}", l.sigma2);
  else if (l.kind == Likelihood::Kind::Laplace) row["noise"] = fmt::format("laplace b={:g}", l.scale);
  else row["noise"] = l.name();
  row["sigma2_k"] = nullptr;
  row["pi_k"] = nullptr;
}

void likelihood_columns(const ComparisonContext& run, nlohmann::json& row) {
  EvaluationOptions options;
  options.batch_size = run.options.batch_size;
  options.limit = run.options.limit;
  options.seed = run.options.seed;
  const Evaluation ev = evaluate_likelihood(run.model, run.view, options);
  row["samples"] = ev.samples;
  row["test_nelbo"] = finite_or_null(ev.nelbo);
  row["evlb"] = finite_or_null(-ev.nelbo);
  for (const auto& [name, value] : ev.terms) row["test_" + name] = finite_or_null(value);
}

void reconstruction_columns(const ComparisonContext& run, nlohmann::json& row) {
  torch::NoGradGuard no_grad;
  auto params = run.model.parameters();
  const torch::Device device = params.empty() ? torch::Device(torch::kCPU) : params.front().device();
  int64_t total = run.view.size();
  if (run.options.limit > 0) total = std::min(total, run.options.limit);
  double sum = 0;
  for (int64_t begin = 0; begin < total; begin += run.options.batch_size) {
    const int64_t end = std::min(total, begin + run.options.batch_size);
    Batch batch;
    batch.x = run.view.inputs(begin, end).to(device);
    if (run.view.has_labels()) batch.y = run.view.labels.slice(0, begin, end).to(device);
    auto xhat = run.model.reconstruct(batch);
    sum += (batch.x - xhat).pow(2).flatten(1).sum(1).sum().item<double>();
  }
  row["recon_error"] = total > 0 ? finite_or_null(sum / static_cast<double>(total)) : nlohmann::json();
}

void indicator_columns(const ComparisonContext& run, nlohmann::json& row) {
  IndicatorOptions options = run.options.indicators;
  options.batch_size = run.options.batch_size;
  options.limit = run.options.limit;
  const Indicators ind = evaluate_indicators(run.model, run.view, options);
  row["kl_qz_pz"] = finite_or_null(ind.aggregate_kl_def4);
  row["kl_qstar_pz"] = finite_or_null(ind.aggregate_kl_def5);
  row["mutual_information"] = finite_or_null(ind.mutual_information);
  row["average_kl"] = finite_or_null(ind.average_kl);
  row["inactive_count"] = ind.inactive_count >= 0 ? nlohmann::json(ind.inactive_count) : nlohmann::json();
  row["influential_count"] = ind.influential_count >= 0 ? nlohmann::json(ind.influential_count) : nlohmann::json();
  row["cov_mu_identity_frobenius"] = finite_or_null(ind.cov_mu_identity_frobenius);
}

std::string checkpoint_of(const std::string& run) {
  return fs::is_directory(run) ? (fs::path(run) / "checkpoint.pt").string() : run;
}

std::string folder_name(const std::string& run) {
  fs::path p(run);
  if (!fs::is_directory(p)) p = p.parent_path();
  if (p.filename().empty()) p = p.parent_path();
  return p.filename().string();
}

}  // namespace

// --- ComparisonTable ---

void ComparisonTable::add_provider(std::string name, ColumnProvider provider) {
  providers_.emplace_back(std::move(name), std::move(provider));
}

void ComparisonTable::add_column(ComparisonColumn column) { columns_.push_back(std::move(column)); }

void ComparisonTable::insert_column_after(const std::string& after, ComparisonColumn column) {
  auto it = std::find_if(columns_.begin(), columns_.end(), [&](const auto& c) { return c.key == after; });
  if (it == columns_.end()) columns_.push_back(std::move(column));
  else columns_.insert(it + 1, std::move(column));
}

const nlohmann::json& ComparisonTable::evaluate(const ComparisonContext& run) {
  nlohmann::json row = nlohmann::json::object();
  const bool was_training = run.model.is_training();
  run.model.eval();
  for (const auto& [name, provider] : providers_) {
    if (run.options.seed >= 0) torch::manual_seed(static_cast<uint64_t>(run.options.seed));
    try {
      provider(run, row);
    } catch (const std::exception& e) {
      // One failing column set must not lose the row: record why and go on.
      row["error_" + name] = e.what();
    }
  }
  run.model.train(was_training);
  rows_.push_back(std::move(row));
  return rows_.back();
}

void ComparisonTable::add_row(nlohmann::json row) { rows_.push_back(std::move(row)); }

std::string ComparisonTable::format_cell(const nlohmann::json& value, int precision) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_number_integer() || value.is_number_unsigned()) return value.dump();
  if (value.is_number_float()) {
    const double v = value.get<double>();
    if (!std::isfinite(v)) return "-";
    // Fixed notation for moderate magnitudes, precision significant digits.
    if (v != 0 && (std::abs(v) < 1e-3 || std::abs(v) >= 1e7)) return fmt::format("{:.{}g}", v, precision);
    const int digits = v == 0 ? 0 : static_cast<int>(std::floor(std::log10(std::abs(v)))) + 1;
    return fmt::format("{:.{}f}", v, std::max(0, precision - digits));
  }
  return value.dump();
}

std::string ComparisonTable::to_text() const {
  std::vector<size_t> widths;
  for (const auto& c : columns_) widths.push_back(display_width(c.header));
  std::vector<std::vector<std::string>> cells;
  for (const auto& row : rows_) {
    std::vector<std::string> line;
    for (size_t i = 0; i < columns_.size(); ++i) {
      const auto& c = columns_[i];
      line.push_back(format_cell(row.contains(c.key) ? row.at(c.key) : nlohmann::json(), c.precision));
      widths[i] = std::max(widths[i], display_width(line.back()));
    }
    cells.push_back(std::move(line));
  }
  std::ostringstream out;
  for (size_t i = 0; i < columns_.size(); ++i) out << (i ? "  " : "") << pad(columns_[i].header, widths[i], i > 0);
  out << "\n";
  for (size_t i = 0; i < columns_.size(); ++i) out << (i ? "  " : "") << std::string(widths[i], '-');
  out << "\n";
  for (const auto& line : cells) {
    for (size_t i = 0; i < line.size(); ++i) out << (i ? "  " : "") << pad(line[i], widths[i], i > 0);
    out << "\n";
  }
  return out.str();
}

std::string ComparisonTable::to_markdown() const {
  std::ostringstream out;
  out << "|";
  for (const auto& c : columns_) out << " " << c.header << " |";
  out << "\n|";
  for (size_t i = 0; i < columns_.size(); ++i) out << (i ? " ---: |" : " --- |");
  out << "\n";
  for (const auto& row : rows_) {
    out << "|";
    for (const auto& c : columns_) {
      std::string cell = format_cell(row.contains(c.key) ? row.at(c.key) : nlohmann::json(), c.precision);
      std::string escaped;
      for (char ch : cell) escaped += ch == '|' ? std::string("\\|") : std::string(1, ch);
      out << " " << escaped << " |";
    }
    out << "\n";
  }
  return out.str();
}

std::string ComparisonTable::to_csv() const {
  std::ostringstream out;
  for (size_t i = 0; i < columns_.size(); ++i) out << (i ? "," : "") << csv_escape(columns_[i].key);
  out << "\n";
  for (const auto& row : rows_) {
    for (size_t i = 0; i < columns_.size(); ++i) {
      const auto& key = columns_[i].key;
      std::string cell;
      if (row.contains(key) && !row.at(key).is_null()) {
        const auto& v = row.at(key);
        if (v.is_string()) cell = v.get<std::string>();
        else if (v.is_number_float()) cell = fmt::format("{:.17g}", v.get<double>());
        else cell = v.dump();
      }
      out << (i ? "," : "") << csv_escape(cell);
    }
    out << "\n";
  }
  return out.str();
}

void ComparisonTable::write(const std::string& dir) const {
  std::error_code ec;
  fs::create_directories(dir, ec);
  auto write_file = [&](const std::string& name, const std::string& text) {
    const auto path = (fs::path(dir) / name).string();
    std::ofstream f(path);
    if (!f) throw Error(fmt::format("compare: cannot write {}", path));
    f << text;
    if (!f) throw Error(fmt::format("compare: error while writing {}", path));
  };
  write_file("compare.csv", to_csv());
  write_file("compare.md", to_markdown());
  write_file("compare.json", nlohmann::json(rows_).dump(2) + "\n");
}

ComparisonTable standard_comparison_table() {
  ComparisonTable t;
  t.add_provider("identity", identity_columns);
  t.add_provider("noise", noise_columns);
  t.add_provider("likelihood", likelihood_columns);
  t.add_provider("reconstruction", reconstruction_columns);
  t.add_provider("indicators", indicator_columns);
  t.add_column({"name", "run", 4});
  t.add_column({"variant", "variant", 4});
  t.add_column({"beta", "β", 3});
  t.add_column({"noise", "noise", 4});
  t.add_column({"sigma2_k", "σ_k²", 4});
  t.add_column({"pi_k", "π_k", 4});
  t.add_column({"test_nelbo", "test −ELBO", 5});
  t.add_column({"recon_error", "recon SSE", 4});
  t.add_column({"evlb", "EVLB", 5});
  t.add_column({"kl_qz_pz", "KL(q(z)‖p(z))", 4});
  t.add_column({"inactive_count", "#σ²>0.8", 4});
  t.add_column({"influential_count", "#I>0.5", 4});
  t.add_column({"cov_mu_identity_frobenius", "‖Cov(μ)−I‖_F", 4});
  // Further column sets: one add_*_columns(t) line each, here.
  add_metric_columns(t);  // cluster accuracy, NMI, MIG, FactorVAE score (metrics/metric_columns.h)
  return t;
}

// --- entries and training ---

ComparisonEntry ComparisonEntry::parse(const std::string& text) {
  ComparisonEntry e;
  std::stringstream ss(text);
  std::string part;
  bool first = true;
  while (std::getline(ss, part, '@')) {
    if (first) {
      e.source = part;
      first = false;
      continue;
    }
    if (part.find('=') == std::string::npos || part.front() == '=') {
      throw Error(fmt::format("compare entry \"{}\": override \"{}\" is not key=value", text, part));
    }
    e.overrides.push_back(part);
  }
  if (e.source.empty()) throw Error(fmt::format("compare entry \"{}\": no preset name", text));
  return e;
}

std::string ComparisonEntry::row_name(const std::string& preset_name) const {
  std::string name = preset_name;
  for (const auto& o : overrides) {
    std::string tag = o;
    // "options.orders=3" -> "orders-3": the last path segment keeps names short.
    const auto eq = tag.find('=');
    std::string key = tag.substr(0, eq), value = tag.substr(eq + 1);
    const auto dot = key.rfind('.');
    if (dot != std::string::npos) key = key.substr(dot + 1);
    tag = key + "-" + value;
    for (char& c : tag)
      if (c == '/' || c == '\\' || c == ' ' || c == '"' || c == '[' || c == ']' || c == ',') c = '_';
    name += "_" + tag;
  }
  return name;
}

std::string train_for_comparison(const ComparisonEntry& entry, const ComparisonTraining& training,
                                 const std::string& out_dir, const ComparisonProgress& progress) {
  SessionOptions options;
  options.overrides = training.overrides;
  options.overrides.insert(options.overrides.end(), entry.overrides.begin(), entry.overrides.end());
  if (training.epochs > 0) options.overrides.push_back(fmt::format("epochs={}", training.epochs));
  options.trainer.device = training.device;
  options.trainer.threads = training.threads;
  auto session = Session::open(entry.source, options);
  const std::string name = entry.row_name(session->preset().name);
  const std::string dir = (fs::path(out_dir) / name).string();
  session->start();
  while (!session->wait_until_not_running(1000)) {
    if (progress) progress(name, session->snapshot()->progress);
  }
  const auto snapshot = session->snapshot();
  if (progress) progress(name, snapshot->progress);
  const RunState state = session->state();
  if (state == RunState::Failed) {
    throw Error(fmt::format("{}: training failed: {}", name, snapshot->progress.message));
  }
  session->save_run(dir);
  if (state == RunState::Diverged) {
    throw Error(fmt::format("{}: training diverged ({}); the last finite state is saved in {}", name,
                            snapshot->progress.message, dir));
  }
  return dir;
}

namespace {

std::string existing_checkpoint(const std::string& run_dir) {
  const std::string checkpoint = checkpoint_of(run_dir);
  if (!fs::exists(checkpoint)) throw Error(fmt::format("compare: no checkpoint at {}", checkpoint));
  return checkpoint;
}

// The inputs a run is scored on. Views are often ordered by class (MNIST digits), so a limit takes a
// seeded random subset, the same for every run of the same data, rather than the first N inputs.
Dataset evaluated_view(const DatasetSplit& data, const ComparisonOptions& options) {
  if (options.split != "test" && options.split != "train")
    throw Error(fmt::format("compare: split must be test or train, got \"{}\"", options.split));
  const Dataset& full = options.split == "test" && data.test.size() > 0 ? data.test : data.train;
  const int64_t limit = options.limit;
  if (limit <= 0 || limit >= full.size()) return full;
  auto index = seeded_permutation_tensor(full.size(), 0x5eed).slice(0, 0, limit);
  return full.subset(std::get<0>(index.sort()));
}

}  // namespace

const nlohmann::json& evaluate_run_into(ComparisonTable& table, const std::string& run_dir,
                                        const ComparisonOptions& options, const std::string& name,
                                        const std::string& device) {
  const std::string checkpoint = existing_checkpoint(run_dir);
  auto session = Session::open(checkpoint);
  const CheckpointMeta meta = read_checkpoint_meta(checkpoint);
  auto model = make_model(meta.spec);
  model->to(resolve_device(device.empty() ? session->preset().device : device));
  load_checkpoint(checkpoint, *model, meta.spec, nullptr);
  model->eval();
  const DatasetSplit& data = *session->data();
  const Dataset view = evaluated_view(data, options);
  ComparisonOptions run_options = options;
  run_options.limit = 0;  // the view is already the subset
  ComparisonContext ctx{name.empty() ? folder_name(run_dir) : name,
                        run_dir,
                        session->preset(),
                        meta.spec,
                        *model,
                        data,
                        view,
                        run_options,
                        meta.epoch};
  return table.evaluate(ctx);
}

const nlohmann::json& evaluate_pixel_kmeans_into(ComparisonTable& table, const std::string& run_dir,
                                                 const ComparisonOptions& options) {
  auto session = Session::open(existing_checkpoint(run_dir));
  const Dataset view = evaluated_view(*session->data(), options);
  const auto& dataset = session->preset().dataset;
  nlohmann::json row = nlohmann::json::object();
  row["name"] = "k-means on pixels";
  row["variant"] = "k-means";
  row["dataset"] = dataset.is_object() ? dataset.value("name", "") : "";
  row["run_dir"] = run_dir;
  row["evaluated_on"] = view.name;
  const auto seed = static_cast<uint64_t>(std::max<int64_t>(0, options.seed));
  for (const auto& [key, value] : pixel_kmeans_columns(view, seed)) row[key] = value;
  table.add_row(std::move(row));
  return table.rows().back();
}

}  // namespace vaelab
