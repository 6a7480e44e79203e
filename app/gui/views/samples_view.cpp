// The samples view (issue 17): a grid of decoder means of codes drawn from the run's own prior.
// Codes come from standardised prior coordinates u ~ N(0, tau^2 I) mapped back with
// Model::from_prior_units (prior_units.h), so the temperature tau scales the spread of every variant's
// prior around its centre: N(0, I) for the flat variants; the Ladder top-down (ancestral sampling with
// each layer's p(z_l | z_{l+1}) at tau times its sd); VaDE a cluster c drawn from the mixture weights pi,
// then cluster c's Gaussian (or, with "per cluster", one row per cluster k); HEBAE its empirical prior.
// The CVAE's prior ignores the label: one row per class label, same u down each column.
// tau = 1 samples the prior itself. A line above the grid names the units.
//
// Draws come from the view's own generator (seed), never torch's global stream, so a seed always shows
// the same u; the grid is redrawn from the newer model as training publishes snapshots (throttled).
// Threading: sampling and decoding run in a LatestTask on the snapshot's model (view.h).
#include <imgui.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include <fmt/format.h>

#include "analysis/latent_grid.h"
#include "core/latest_task.h"
#include "core/main_thread_tasks.h"
#include "models/vade.h"
#include "session/session.h"
#include "train/snapshot.h"
#include "views/snapshot_follower.h"
#include "views/view.h"
#include "widgets/image_grid.h"
#include "widgets/tooltip.h"

namespace vaelab {
namespace gui {
namespace {


constexpr int kMaxLabelRows = 20;  // CVAE: at most this many class rows

struct SampleResult {
  ImageBytes images;                 // rows * cols decoded samples, row-major
  int rows = 0, cols = 0;
  std::vector<std::string> row_labels;  // empty: rows are plain samples
  std::string units;
  int64_t step = -1;
};

class SamplesView : public View {
 public:
  const char* name() const override { return "samples"; }
  const char* title() const override { return "Samples"; }
  bool busy() const override { return refresh_.in_flight() || wants_refresh_; }
  void reset() override {
    refresh_.invalidate();
    grid_ = ImageGrid();
    result_.reset();
    follower_.reset();
    error_.clear();
  }
  bool export_png(const std::string& path, float scale, std::string& error) override {
    if (grid_.empty()) {
      error = "samples: nothing to export yet";
      return false;
    }
    return grid_.export_png(path, scale, error);
  }

  void draw(ViewContext& ctx) override {
    wants_refresh_ = false;
    if (!has_model_to_show(ctx)) return;
    const auto& ms = *ctx.snapshot->model;
    if (!ms.spec.shape.is_image()) {
      ImGui::TextDisabled("Samples are decoded images; this run's data are vectors (%s). The manifold view "
                          "plots generated samples of 2-D data.", ms.spec.shape.str().c_str());
      return;
    }
    const float fs = ImGui::GetFontSize();
    bool changed = false;
    ImGui::SetNextItemWidth(fs * 6);
    changed |= ImGui::SliderInt("N", &n_, 2, 16);
    tip("Grid size: N x N samples (per-cluster and per-class rows: N samples each).");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 6);
    if (ImGui::InputInt("seed", &seed_)) changed = true;
    tip("Seed of the view's own generator of u ~ N(0, tau^2 I): one seed always shows the same prior coordinates.");
    ImGui::SameLine();
    if (ImGui::Button("new seed")) {
      seed_ += 1;
      changed = true;
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 8);
    changed |= ImGui::SliderFloat("temperature", &tau_, 0.0f, 2.0f, "tau %.2f");
    tip("Scales the prior's spread: u ~ N(0, tau^2 I) in prior units, z = from_prior_units(u). tau = 1 samples the "
        "prior; tau < 1 stays nearer its centre (typical, cleaner images), tau > 1 reaches its tails.");
    const int64_t K = ms.model->prior_components();
    if (K > 0) {
      ImGui::SameLine();
      changed |= ImGui::Checkbox("per cluster", &per_cluster_);
      tip("One row per mixture cluster k, sampled from cluster k's Gaussian N(mu_k, sigma_k^2) (same u down each "
          "column). Off: each sample's cluster is drawn from the mixture weights pi.");
    }
    if (changed) refresh_.mark_dirty();

    // Follow training: a newer model redraws the same u, at most every 2 s while training runs.
    const bool training = ctx.snapshot->progress.state == RunState::Running;
    if (follower_.stale(ms.step, training))
      refresh_.mark_dirty();
    if (refresh_.due() && ctx.tasks) request(ctx);
    wants_refresh_ = refresh_.dirty();

    if (!error_.empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", error_.c_str());
    if (!result_) {
      ImGui::TextDisabled("Sampling the prior and decoding ...");
      return;
    }
    ImGui::TextDisabled("decoder means of z = from_prior_units(u), u ~ N(0, %.2f^2 I), seed %d   (model at step %lld)%s",
                        tau_, seed_, static_cast<long long>(result_->step), refresh_.in_flight() ? "  (updating ...)" : "");
    ImGui::TextDisabled("units: sd of %s", result_->units.c_str());
    const bool labelled = !result_->row_labels.empty();
    const float label_w = labelled ? fs * 7 : 0.0f;
    const int hovered = grid_.draw(ImVec2(-label_w, -1), true);
    if (labelled) {
      const ScreenRect r = grid_.rect();
      auto* dl = ImGui::GetWindowDrawList();
      const float row_h = r.h / static_cast<float>(std::max(1, result_->rows));
      for (int i = 0; i < result_->rows && i < static_cast<int>(result_->row_labels.size()); ++i)
        dl->AddText(ImVec2(r.x + r.w + fs * 0.5f, r.y + (i + 0.5f) * row_h - fs * 0.5f),
                    ImGui::GetColorU32(ImGuiCol_Text), result_->row_labels[static_cast<size_t>(i)].c_str());
    }
    if (hovered >= 0 && labelled && result_->cols > 0) {
      const int row = hovered / result_->cols;
      if (row < static_cast<int>(result_->row_labels.size()))
        ImGui::SetTooltip("%s", result_->row_labels[static_cast<size_t>(row)].c_str());
    }
  }

 private:
  void request(ViewContext& ctx) {
    auto ms = ctx.snapshot->model;
    auto data = ctx.session ? ctx.session->data() : nullptr;
    const int n = n_;
    const uint64_t seed = static_cast<uint64_t>(static_cast<int64_t>(seed_));
    const double tau = tau_;
    const bool per_cluster = per_cluster_;
    std::vector<std::string> class_names;
    if (data) class_names = data->train.class_names;
    follower_.requested(ms->step);
    refresh_.start(*ctx.tasks, [this, ms, n, seed, tau, per_cluster, class_names](TaskContext&) -> std::function<void()> {
      auto out = std::make_shared<SampleResult>();
      std::string error;
      try {
        out->images = sample_images(*ms, n, seed, tau, per_cluster, class_names, *out);
        out->step = ms->step;
      } catch (const std::exception& e) {
        error = e.what();
      }
      return [this, out, error] {
        error_ = error;
        if (!error.empty()) return;
        result_ = out;
        grid_.set(out->images, out->cols, 1);
      };
    });
  }

  // Fills rows/cols/labels/units of `out` and returns the decoded images.
  static ImageBytes sample_images(const ModelSnapshot& ms, int n, uint64_t seed, double tau, bool per_cluster,
                                  const std::vector<std::string>& class_names, SampleResult& out) {
    torch::NoGradGuard no_grad;
    Model& model = *ms.model;
    const int64_t H = model.latent_dim();
    const int64_t K = model.prior_components();
    const auto device = model.device();
    int rows = n;
    const int cols = n;
    torch::Tensor y;
    if (model.is_conditional()) {
      const int64_t classes = class_names.empty() ? ms.spec.num_classes : static_cast<int64_t>(class_names.size());
      rows = static_cast<int>(std::clamp<int64_t>(classes, 1, kMaxLabelRows));
      for (int r = 0; r < rows; ++r)
        out.row_labels.push_back(r < static_cast<int>(class_names.size()) && class_names[static_cast<size_t>(r)] != std::to_string(r)
                                     ? fmt::format("y = {} ({})", r, class_names[static_cast<size_t>(r)])
                                     : fmt::format("y = {}", r));
      y = torch::arange(rows, torch::kLong).repeat_interleave(cols);
    } else if (K > 0 && per_cluster) {
      rows = static_cast<int>(K);
      for (int r = 0; r < rows; ++r) out.row_labels.push_back(fmt::format("cluster {}", r));
    }
    const int64_t count = static_cast<int64_t>(rows) * cols;
    // u ~ N(0, tau^2 I) from the view's own generator. Per-row layouts (clusters, classes) reuse one row of
    // u down each column, so a column compares the rows' priors at the same standardised position.
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    const int64_t distinct = out.row_labels.empty() ? count : cols;
    std::vector<float> draws(static_cast<size_t>(distinct * H));
    for (auto& v : draws) v = normal(rng) * static_cast<float>(tau);
    auto u = torch::from_blob(draws.data(), {distinct, H}, torch::kFloat32).clone();
    if (!out.row_labels.empty()) u = u.repeat({rows, 1});
    u = u.to(device);

    torch::Tensor z;
    const auto groups = model.latent_groups();
    if (K > 0 && per_cluster && !model.is_conditional()) {
      std::vector<torch::Tensor> parts;
      for (int64_t k = 0; k < K; ++k) parts.push_back(model.from_prior_units(u.slice(0, k * cols, (k + 1) * cols), k));
      z = torch::cat(parts, 0);
      out.units = "row k: cluster k's Gaussian N(mu_k, sigma_k^2)";
    } else if (K > 0 && !model.is_conditional()) {
      // The mixture itself: cluster c ~ pi per sample (own generator), then cluster c's Gaussian.
      std::vector<double> weights(static_cast<size_t>(K), 1.0);
      if (auto* vade = dynamic_cast<Vade*>(&model)) {
        const auto w = vade->mixture_weights().detach().to(torch::kCPU, torch::kDouble).contiguous();
        weights.assign(w.data_ptr<double>(), w.data_ptr<double>() + w.numel());
      }
      std::discrete_distribution<int64_t> pick(weights.begin(), weights.end());
      std::vector<int64_t> cluster(static_cast<size_t>(count));
      for (auto& c : cluster) c = pick(rng);
      z = torch::empty({count, H}, u.options());
      for (int64_t k = 0; k < K; ++k) {
        std::vector<int64_t> idx;
        for (int64_t i = 0; i < count; ++i)
          if (cluster[static_cast<size_t>(i)] == k) idx.push_back(i);
        if (idx.empty()) continue;
        const auto rows_k = torch::tensor(idx, torch::kLong).to(device);
        z.index_copy_(0, rows_k, model.from_prior_units(u.index_select(0, rows_k), k));
      }
      out.units = fmt::format("each sample's cluster c's Gaussian N(mu_c, sigma_c^2), c ~ pi over {} clusters", K);
    } else {
      z = model.from_prior_units(u);
      out.units = model.prior_scale(z.slice(0, 0, 1)).describe(groups);
      const std::string at = "at the current code", with = "at each sample's upper layers (top-down)";
      for (auto pos = out.units.find(at); pos != std::string::npos; pos = out.units.find(at, pos + with.size()))
        out.units.replace(pos, at.size(), with);
    }
    if (auto* vade = dynamic_cast<Vade*>(&model); vade && !vade->prior_initialized())
      out.units += " (not fitted yet: VaDE is still pre-training)";
    out.rows = rows;
    out.cols = cols;
    return decode_to_images(model, z, y.defined() ? y.to(device) : y);
  }

  ImageGrid grid_;
  std::shared_ptr<SampleResult> result_;
  LatestTask refresh_{"decode prior samples"};
  bool wants_refresh_ = false;
  SnapshotFollower follower_;
  std::string error_;

  int n_ = 8;
  int seed_ = 1;
  float tau_ = 1.0f;
  bool per_cluster_ = false;
};

}  // namespace

std::unique_ptr<View> make_samples_view() { return std::make_unique<SamplesView>(); }

}  // namespace gui
}  // namespace vaelab
