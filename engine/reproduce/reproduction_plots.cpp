#include "reproduce/reproduction_plots.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <memory>

#include "analysis/code_covariance.h"
#include "analysis/residual_maps.h"
#include "core/device.h"
#include "core/error.h"
#include "data/seeded_permutation.h"
#include "models/registry.h"
#include "plot/density_plot.h"
#include "plot/figure_layout.h"
#include "plot/image_grid.h"
#include "plot/line_chart.h"
#include "plot/matrix_heatmap.h"
#include "plot/png_image.h"
#include "reproduce/paper_reproduction.h"
#include "session/session.h"
#include "session/trained_run.h"
#include "train/checkpoint.h"
#include "train/run_folder.h"

namespace vaelab {

namespace fs = std::filesystem;

namespace {

using Folders = std::map<std::string, std::vector<std::string>>;

// A histogram of `values` over [lo, hi] in `bins` bins as a density (integrates to the share inside).
LineSeries density_series(const std::string& name, const std::vector<double>& values, double lo, double hi, int bins) {
  LineSeries s{name, {}, {}, false};
  std::vector<double> counts(static_cast<size_t>(bins), 0.0);
  const double width = (hi - lo) / bins;
  for (double v : values) {
    const auto b = static_cast<int64_t>(std::floor((v - lo) / width));
    if (b >= 0 && b < bins) counts[static_cast<size_t>(b)] += 1;
  }
  for (int b = 0; b < bins; ++b) {
    s.x.push_back(lo + (b + 0.5) * width);
    s.y.push_back(values.empty() ? 0.0 : counts[static_cast<size_t>(b)] / (static_cast<double>(values.size()) * width));
  }
  return s;
}

std::vector<double> values_of(const torch::Tensor& t) {
  auto c = t.detach().to(torch::kCPU, torch::kDouble).flatten().contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

// The first seed's finished folder of a run, or throws naming the run (the figure is then skipped).
struct SeedRun {
  std::string folder;
  int64_t seed = 0;
};

SeedRun first_finished(const Folders& folders, const std::vector<int64_t>& seeds, const std::string& key) {
  const auto it = folders.find(key);
  if (it != folders.end())
    for (size_t i = 0; i < it->second.size() && i < seeds.size(); ++i)
      if (!it->second[i].empty()) return {it->second[i], seeds[i]};
  throw Error(fmt::format("run {} did not finish for any seed", key));
}

// An exponential moving average over about `n / 40` steps: per-step losses are too noisy to read raw.
std::vector<double> smoothed(const std::vector<double>& y) {
  const double window = std::max(1.0, static_cast<double>(y.size()) / 40.0);
  const double a = 2.0 / (window + 1.0);
  std::vector<double> out;
  double ema = NAN;
  for (double v : y) {
    if (std::isfinite(v)) ema = std::isfinite(ema) ? a * v + (1 - a) * ema : v;
    out.push_back(ema);
  }
  return out;
}

// A term's per-step series from the run's checkpoint history; throws when the run did not log it.
LineSeries step_series(const std::string& folder, const std::string& term, const std::string& name, bool smooth) {
  const CheckpointMeta meta = read_checkpoint_meta(RunFolder{folder}.checkpoint());
  const int64_t k = meta.metrics.index_of(term);
  if (k < 0) throw Error(fmt::format("{} has no \"{}\" in its metric history", fs::path(folder).filename().string(), term));
  LineSeries s{name, {}, {}, false};
  for (size_t i = 0; i < meta.metrics.steps.size(); ++i) {
    s.x.push_back(static_cast<double>(meta.metrics.steps[i]));
    s.y.push_back(meta.metrics.per_step[static_cast<size_t>(k)][i]);
  }
  if (smooth) s.y = smoothed(s.y);
  return s;
}

std::vector<std::string> logged_terms(const std::string& folder) {
  return read_checkpoint_meta(RunFolder{folder}.checkpoint()).metrics.names;
}

// A trained run loaded as `compare` loads it (session/trained_run.h).
using LoadedRun = TrainedRun;

LoadedRun load_run(const std::string& folder, const std::string& device) {
  return open_trained_run(RunFolder{folder}.checkpoint(), device);
}

// The first `n` inputs of the test split (the training split when there is none) in a seeded order: the
// same inputs for every run of one data set.
Batch test_inputs(const LoadedRun& run, int64_t n) {
  const DatasetSplit& data = *run.session->data();
  const Dataset& view = data.test.size() > 0 ? data.test : data.train;
  n = std::min(n, view.size());
  auto rows = std::get<0>(seeded_permutation_tensor(view.size(), 0x5eed).slice(0, 0, n).sort());
  return view.batch(rows, run.model->device());
}

// [N, C, H, W] (or [N, H, W]) images to grey [N, H, W] values in [0, 1] (the channels' mean).
std::vector<float> grey_images(const torch::Tensor& images, int& height, int& width) {
  auto t = images.detach().to(torch::kCPU, torch::kFloat);
  if (t.dim() == 4) t = t.mean(1);
  if (t.dim() != 3) throw Error(fmt::format("expected images, got a tensor of {} dimensions", t.dim()));
  t = t.clamp(0, 1).contiguous();
  height = static_cast<int>(t.size(1));
  width = static_cast<int>(t.size(2));
  return std::vector<float>(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
}

PointSet points_of(const std::string& title, const torch::Tensor& xy) {
  auto t = xy.detach().to(torch::kCPU, torch::kDouble).reshape({-1, 2}).contiguous();
  PointSet p{title, {}, {}};
  const double* d = t.data_ptr<double>();
  for (int64_t i = 0; i < t.size(0); ++i) p.x.push_back(d[2 * i]), p.y.push_back(d[2 * i + 1]);
  return p;
}

// Draws one figure; a failure becomes a skipped line instead.
class PlotWriter {
 public:
  PlotWriter(std::string dir, std::string paper, std::vector<std::string>& skipped)
      : dir_(std::move(dir)), paper_(std::move(paper)), skipped_(skipped) {}

  void add(const std::string& name, const std::string& caption, const std::function<std::string(RasterCanvas&)>& draw) {
    const std::string file = paper_ + "-" + name + ".png";
    try {
      RasterCanvas canvas;
      const std::string description = draw(canvas);
      write_png_file((fs::path(dir_) / file).string(), canvas);
      plots_.push_back({file, caption, description});
    } catch (const std::exception& e) {
      skipped_.push_back(fmt::format("{} ({}): {}", file, caption, e.what()));
    }
  }
  std::vector<ReportPlot> plots() const { return plots_; }

 private:
  std::string dir_, paper_;
  std::vector<std::string>& skipped_;
  std::vector<ReportPlot> plots_;
};

LineChartOptions chart(const std::string& title, const std::string& x_label, const std::string& y_label) {
  LineChartOptions o;
  o.title = title;
  o.x_label = x_label;
  o.y_label = y_label;
  o.width = 640;
  o.height = 420;
  return o;
}

// ---- ph-vae ----

void ph_vae_plots(PlotWriter& w, const Folders& f, const std::vector<int64_t>& seeds, const std::string& device) {
  w.add("loss-curves", "PH-VAE training loss per S", [&](RasterCanvas& canvas) {
    std::vector<LineSeries> toy, mnist;
    for (const char* s : {"1", "3", "5"})
      toy.push_back(step_series(first_finished(f, seeds, std::string("gmm5-S") + s).folder, "loss", std::string("S=") + s, true));
    for (const char* s : {"1", "5"})
      mnist.push_back(step_series(first_finished(f, seeds, std::string("mnist-S") + s).folder, "loss", std::string("S=") + s, true));
    canvas = side_by_side({line_chart(toy, chart("5-Gaussian toy", "step", "training loss")),
                           line_chart(mnist, chart("MNIST", "step", "training loss"))});
    return "The training loss (reconstruction + β × the mean of the orders' KL) per optimiser step, smoothed by a "
           "moving average, for each S on the 5-Gaussian toy (left) and MNIST (right); seed " +
           std::to_string(first_finished(f, seeds, "gmm5-S1").seed) + ".";
  });
  w.add("kl-per-order", "PH-VAE KL of each order, S = 5", [&](RasterCanvas& canvas) {
    std::vector<RasterCanvas> panels;
    for (const auto& [key, title] : std::vector<std::pair<std::string, std::string>>{{"gmm5-S5", "5-Gaussian toy, S=5"},
                                                                                    {"mnist-S5", "MNIST, S=5"}}) {
      const std::string folder = first_finished(f, seeds, key).folder;
      std::vector<LineSeries> kls;
      for (int s = 1;; ++s) {
        const auto terms = logged_terms(folder);
        const std::string term = fmt::format("kl_{}", s);
        if (std::find(terms.begin(), terms.end(), term) == terms.end()) break;
        kls.push_back(step_series(folder, term, fmt::format("KL_{}", s), true));
      }
      if (kls.empty()) throw Error(key + " logged no per-order KL terms (kl_1, kl_2, ...)");
      panels.push_back(line_chart(kls, chart(title, "step", "KL (nats)")));
    }
    canvas = side_by_side(panels);
    return std::string("Each order's KL_s(q(z_s|x) ‖ N(0, I)) per step (ph-vae logs kl_1 … kl_S), smoothed, for the S = 5 "
                       "runs on the 5-Gaussian toy (left) and MNIST (right).");
  });
  for (const auto& [toy, orders] : std::vector<std::pair<std::string, std::vector<int>>>{{"gmm5", {1, 3, 5}},
                                                                                         {"gmm3", {1, 3}}}) {
    w.add(toy + "-densities", "PH-VAE generated against true density, " + toy, [&, toy = toy, orders = orders](RasterCanvas& canvas) {
      std::vector<PointSet> sets;
      int64_t points = 0;
      for (int s : orders) {
        const SeedRun run = first_finished(f, seeds, fmt::format("{}-S{}", toy, s));
        LoadedRun loaded = load_run(run.folder, device);
        torch::NoGradGuard no_grad;
        const Batch data = test_inputs(loaded, 2000);
        if (data.x.dim() != 2 || data.x.size(1) != 2) throw Error(toy + " is not 2-D point data");
        if (sets.empty()) sets.push_back(points_of("data (test)", data.x)), points = data.x.size(0);
        torch::manual_seed(static_cast<uint64_t>(run.seed));
        sets.push_back(points_of(fmt::format("S={}", s), loaded.model->decode(loaded.model->sample_prior(points))));
      }
      DensityPlotOptions o;
      o.bins = points >= 1500 ? 50 : 25;
      o.x_label = "x1";
      o.y_label = "x2";
      const auto& d = sets.front();
      const auto [xlo, xhi] = std::minmax_element(d.x.begin(), d.x.end());
      const auto [ylo, yhi] = std::minmax_element(d.y.begin(), d.y.end());
      const double mx = (*xhi - *xlo) * 0.15, my = (*yhi - *ylo) * 0.15;
      o.x_min = *xlo - mx, o.x_max = *xhi + mx, o.y_min = *ylo - my, o.y_max = *yhi + my;
      canvas = density_plot(sets, o);
      return fmt::format("2-D histograms of {} test points of {} (left) and as many points decoded from prior samples "
                         "z ~ N(0, I) of each trained model (the decoder's mean, as model health scores them), over the "
                         "data's range plus 15%.", points, toy == "gmm5" ? "the 5-Gaussian toy" : "the 3-Gaussian toy");
    });
  }
  w.add("1d-densities", "PH-VAE generated against true density, 1-D sets", [&](RasterCanvas& canvas) {
    std::vector<RasterCanvas> panels;
    int64_t points = 0;
    for (const auto& [d, title] : std::vector<std::pair<std::string, std::string>>{
             {"uniform", "uniform"}, {"normal", "normal"}, {"lognormal", "log-normal"}}) {
      std::vector<std::vector<double>> sets;
      std::vector<std::string> names;
      for (int s : {1, 3}) {
        const SeedRun run = first_finished(f, seeds, fmt::format("{}-S{}", d, s));
        LoadedRun loaded = load_run(run.folder, device);
        torch::NoGradGuard no_grad;
        const Batch data = test_inputs(loaded, 2000);
        if (data.x.dim() != 2 || data.x.size(1) != 1) throw Error(d + " is not 1-D point data");
        if (sets.empty()) sets.push_back(values_of(data.x)), names.push_back("data (test)"), points = data.x.size(0);
        torch::manual_seed(static_cast<uint64_t>(run.seed));
        // As many generated points as the paper's figure uses (5,000), for a smooth curve.
        sets.push_back(values_of(loaded.model->decode(loaded.model->sample_prior(5000))));
        names.push_back(fmt::format("S={}", s));
      }
      const auto [lo, hi] = std::minmax_element(sets.front().begin(), sets.front().end());
      const double margin = (*hi - *lo) * 0.15;
      std::vector<LineSeries> series;
      for (size_t k = 0; k < sets.size(); ++k)
        series.push_back(density_series(names[k], sets[k], *lo - margin, *hi + margin, k == 0 ? 20 : 40));
      panels.push_back(line_chart(series, chart(title, "x (scaled to [0, 1])", "density")));
    }
    canvas = side_by_side(panels);
    return fmt::format("Histogram densities of the {} held-out points of each 1-D set (20 bins) and of 5,000 points "
                       "decoded from prior samples z ~ N(0, I) by the S = 1 (the VAE) and S = 3 models (40 bins; the "
                       "decoder's mean, as model health scores them), over the data's range plus 15% (ph-vae.txt Fig. 2).",
                       points);
  });
}

// ---- hebae ----

void hebae_plots(PlotWriter& w, const Folders& f, const RowsByRun& rows, const std::vector<int64_t>& seeds,
                 const std::string& device, int64_t eval_limit) {
  int h = 0;
  for (const auto& [key, dirs] : f)
    if (key.rfind("hebae-H", 0) == 0) h = std::max(h, std::stoi(key.substr(7)));
  const std::vector<std::pair<std::string, std::string>> models = {
      {"vae", "VAE"}, {"wae", "WAE-MMD"}, {"hebae", "HEBAE"}};
  w.add(fmt::format("covariance-H{}", h), fmt::format("Covariance and correlation of the codes at H = {}", h), [&](RasterCanvas& canvas) {
    std::vector<Matrix> cov, corr;
    int64_t used = 0;
    for (const auto& [prefix, name] : models) {
      LoadedRun run = load_run(first_finished(f, seeds, fmt::format("{}-H{}", prefix, h)).folder, device);
      torch::NoGradGuard no_grad;
      const Batch batch = test_inputs(run, eval_limit);
      const CodeCovariance c = code_covariance(run.model->encode(batch).mu);
      used = c.samples;
      Matrix a{name, static_cast<int>(c.dims), static_cast<int>(c.dims), {}}, r = a;
      for (double v : c.covariance) a.values.push_back(std::fabs(v));
      r.values = c.correlation;
      a.title = fmt::format("{} (|Cov-I|_F {:.2f})", name, c.identity_frobenius);
      cov.push_back(a);
      corr.push_back(r);
    }
    HeatmapOptions ao;
    ao.title = "|Cov(μ)|";
    ao.colorbar_label = "|Cov|";
    HeatmapOptions ro;
    ro.title = "corr(μ)";
    ro.colorbar_label = "correlation";
    ro.diverging = true;
    ro.vmin = -1, ro.vmax = 1;
    canvas = stacked({matrix_heatmap(cov, ao), matrix_heatmap(corr, ro)}, 24);
    return fmt::format("The absolute covariance (top, one scale for the three) and the correlation (bottom, −1 blue to +1 "
                       "red) of the encoder means of {} test digits, for the VAE, WAE-MMD and HEBAE at H = {} (hebae.txt "
                       "Fig. 2); HEBAE aims at the identity: a bright diagonal of ones and white off it.", used, h);
  });
  w.add("test-terms", fmt::format("Test terms per epoch at H = {}", h), [&](RasterCanvas& canvas) {
    std::vector<LineSeries> loss, recon;
    bool any = false;
    for (const auto& [prefix, name] : models) {
      const EpochCurves c = read_epoch_curves(first_finished(f, seeds, fmt::format("{}-H{}", prefix, h)).folder, 1.0);
      std::vector<double> epochs;
      for (size_t e = 0; e < c.steps.size(); ++e) epochs.push_back(static_cast<double>(e + 1));
      for (auto [term, out] : {std::pair<const char*, std::vector<LineSeries>*>{"loss", &loss}, {"recon", &recon}}) {
        const auto it = std::find(c.names.begin(), c.names.end(), term);
        if (it == c.names.end()) continue;
        const auto& values = c.test[static_cast<size_t>(it - c.names.begin())];
        any = any || std::any_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
        out->push_back({name, epochs, values, false});
      }
    }
    if (!any) throw Error("the run folders hold no test evaluation per epoch");
    canvas = side_by_side({line_chart(loss, chart("test loss (each model's own objective)", "epoch", "loss")),
                           line_chart(recon, chart("test reconstruction term", "epoch", "recon (nats)"))});
    return "Per epoch on the test view (metrics.csv): each model's own training objective (left; VAE: −ELBO, WAE: "
           "reconstruction + MMD, HEBAE: its bound, so not one scale) and the Bernoulli reconstruction term the three "
           "share (right).";
  });
  w.add("lambda-sensitivity", "Test −ELBO against the KL weight λ", [&](RasterCanvas& canvas) {
    std::vector<int> lambdas;
    for (const auto& [key, dirs] : f)
      if (key.rfind("hebae-lambda", 0) == 0) lambdas.push_back(std::stoi(key.substr(12)));
    if (lambdas.empty()) throw Error("no λ runs");
    std::sort(lambdas.begin(), lambdas.end());
    // The latent size of the λ runs (from a run's saved preset): the H run that is their λ = 1.
    const std::string folder = first_finished(f, seeds, fmt::format("hebae-lambda{}", lambdas.front())).folder;
    const int h_lambda = read_checkpoint_meta(RunFolder{folder}.checkpoint()).preset.value("latent", 0);
    std::vector<LineSeries> series;
    for (const auto& [prefix, name] : std::vector<std::pair<std::string, std::string>>{{"vae", "VAE (β = λ)"}, {"hebae", "HEBAE"}}) {
      LineSeries s{name, {1.0}, {seed_mean(rows, fmt::format("{}-H{}", prefix, h_lambda), "test_nelbo")}, true};
      for (int l : lambdas) {
        s.x.push_back(l);
        s.y.push_back(seed_mean(rows, fmt::format("{}-lambda{}", prefix, l), "test_nelbo"));
      }
      series.push_back(s);
    }
    canvas = line_chart(series, chart(fmt::format("H = {}", h_lambda), "KL weight λ", "test −ELBO (nats per digit)"));
    return fmt::format("Each model's test −ELBO (the bound at weight 1) after training with KL weight λ, mean over "
                       "the seeds, at H = {} (hebae.txt Fig. 1a, bottom: the VAE over-regularises as λ grows, HEBAE "
                       "much less).", h_lambda);
  });
}

// ---- noise-vae ----

void noise_vae_plots(PlotWriter& w, const Folders& f, const std::vector<int64_t>& seeds, const std::string& device) {
  w.add("mog2-noise", "MoG-2 noise variances and weights over training", [&](RasterCanvas& canvas) {
    const std::string folder = first_finished(f, seeds, "fashion-mog2").folder;
    std::vector<LineSeries> s2, pi;
    for (int k = 0; k < 8; ++k) {
      const auto terms = logged_terms(folder);
      if (std::find(terms.begin(), terms.end(), fmt::format("sigma2_{}", k)) == terms.end()) break;
      s2.push_back(step_series(folder, fmt::format("sigma2_{}", k), fmt::format("σ²_{}", k), false));
      pi.push_back(step_series(folder, fmt::format("pi_{}", k), fmt::format("π_{}", k), false));
    }
    if (s2.empty()) throw Error("the MoG-2 run logged no sigma2_k terms");
    auto so = chart("noise variances σ²_k", "step", "σ²");
    so.log_y = true;
    canvas = side_by_side({line_chart(s2, so), line_chart(pi, chart("mixture weights π_k", "step", "π"))});
    return "The noise model's per-component variance σ²_k (left, log scale) and weight π_k (right) at every step of "
           "the Fashion-MNIST MoG-2 run (one Gaussian during the noise warm-up, then EM).";
  });
  w.add("mog2-residuals", "MoG-2 inputs, reconstructions and membership", [&](RasterCanvas& canvas) {
    LoadedRun run = load_run(first_finished(f, seeds, "fashion-mog2").folder, device);
    const Batch batch = test_inputs(run, 8);
    const ResidualMaps maps = residual_maps(*run.model, batch);
    if (!maps.membership.defined()) throw Error("the model has no mixture noise, so no membership map");
    const int64_t broad = maps.noise_variances.argmax().item<int64_t>();
    int h = 0, wd = 0;
    auto in = grey_images(maps.inputs, h, wd);
    const auto rec = grey_images(maps.reconstructions, h, wd);
    // Light grey rather than white, so a map of one component still shows its tiles on the white page.
    const auto mem = grey_images((maps.membership == broad).to(torch::kFloat) * 0.8, h, wd);
    const int n = static_cast<int>(batch.x.size(0));
    in.insert(in.end(), rec.begin(), rec.end());
    in.insert(in.end(), mem.begin(), mem.end());
    ImageGridOptions o;
    o.columns = n;
    o.scale = 3;
    o.row_labels = {"input", "recon", "member"};
    canvas = image_grid(in, 3 * n, h, wd, o);
    return fmt::format("{} test images (top), their reconstructions G(μ(x)) (middle) and the per-pixel noise component "
                       "argmax_k γ_dk (bottom: light grey where the larger-variance component, σ² = {:.3g}, explains the "
                       "pixel; black for the small one, σ² = {:.3g}).",
                       n, maps.noise_variances.max().item<double>(), maps.noise_variances.min().item<double>());
  });
}

// ---- mog-vae ----

void mog_vae_plots(PlotWriter& w, const Folders& f, const std::vector<int64_t>& seeds, const std::string& device) {
  w.add("reconstructions", "MoG-VAE reconstructions with and without PatchGAN and KL_I", [&](RasterCanvas& canvas) {
    std::vector<float> all;
    std::vector<std::string> labels;
    int h = 0, wd = 0, n = 0;
    for (const auto& [key, label] : std::vector<std::pair<std::string, std::string>>{
             {"full", "full"}, {"no-patchgan", "no PatchGAN"}, {"no-kl-i", "no KL_I"}}) {
      LoadedRun run = load_run(first_finished(f, seeds, key).folder, device);
      torch::NoGradGuard no_grad;
      const Batch batch = test_inputs(run, 8);
      n = static_cast<int>(batch.x.size(0));
      if (all.empty()) {
        all = grey_images(batch.x, h, wd);
        labels.push_back("input");
      }
      const auto rec = grey_images(run.model->reconstruct(batch).reshape(batch.x.sizes()), h, wd);
      all.insert(all.end(), rec.begin(), rec.end());
      labels.push_back(label);
    }
    ImageGridOptions o;
    o.columns = n;
    o.scale = 3;
    o.row_labels = labels;
    canvas = image_grid(all, static_cast<int>(labels.size()) * n, h, wd, o);
    return fmt::format("{} test images (top row) and their reconstructions by the full model, without the PatchGAN term "
                       "(β4 = 0) and without KL_I (β2 = 0), at equal steps; colour images are shown as their grey mean.", n);
  });
}

// ---- lecture ----

void lecture_plots(PlotWriter& w, const Folders& f, const std::vector<int64_t>& seeds) {
  w.add("training-curves", "VAE- and IWAE-trained models' training curves", [&](RasterCanvas& canvas) {
    const SeedRun vae = first_finished(f, seeds, "vae");
    std::vector<LineSeries> s = {step_series(vae.folder, "loss", "VAE (-ELBO)", true),
                                 step_series(first_finished(f, seeds, "iwae").folder, "loss", "IWAE-5 (-L_5)", true)};
    canvas = line_chart(s, chart("training loss", "step", "nats per image"));
    return "The training objective per step, smoothed: the negative ELBO of the VAE-trained model and the negative "
           "IWAE-5 bound of the IWAE-trained one (same network, data and budget; seed " +
           std::to_string(vae.seed) + ").";
  });
}

}  // namespace

std::vector<ReportPlot> write_reproduction_plots(const std::string& paper, const Folders& folders,
                                                 const RowsByRun& rows, const std::vector<int64_t>& seeds,
                                                 const std::string& dir,
                                                 const std::string& device, int64_t eval_limit,
                                                 std::vector<std::string>& skipped) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  PlotWriter w(dir, paper, skipped);
  if (paper == "ph-vae") ph_vae_plots(w, folders, seeds, device);
  else if (paper == "hebae") hebae_plots(w, folders, rows, seeds, device, eval_limit);
  else if (paper == "noise-vae") noise_vae_plots(w, folders, seeds, device);
  else if (paper == "mog-vae") mog_vae_plots(w, folders, seeds, device);
  else if (paper == "lecture") lecture_plots(w, folders, seeds);
  return w.plots();
}

}  // namespace vaelab
