// The manifold view.
// Images: decode a grid over two chosen latent dimensions at Phi^-1 of an even grid in (0,1)^2 (Kingma &
// Welling 2014, Fig. 4), the other dimensions fixed at a chosen code; hover enlarges a cell. The quantiles
// are taken in the units of each dimension's prior at the base code (Model::prior_scale, issue 14:
// centre + sd * Phi^-1(p); the Ladder's p(z_l | z_{l+1}) with the layers below following, VaDE's mixture
// moments, HEBAE's empirical prior; N(0,1) elsewhere, the paper's grid), and a line names the units.
// 2-D vector data (toy sets): generated samples over true samples as a scatter, plus both densities as
// 2-D histograms (PH-VAE Figs. 4-6). 1-D vector data: both densities as histograms on one axis (PH-VAE
// Fig. 2). Generated points are decoder means at draws of the model's own prior (Model::sample_prior:
// VaDE's mixture, the Ladder's ancestral chain), from a generator of the view's own.
// Decoding runs on the snapshot's model in a LatestTask; the grid refreshes as training publishes snapshots.
#include <ATen/CPUGeneratorImpl.h>
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "analysis/latent_grid.h"
#include "core/error.h"
#include "core/latest_task.h"
#include "core/main_thread_tasks.h"
#include "models/divergence.h"
#include "models/prior_units.h"
#include "session/session.h"
#include "views/view.h"
#include "widgets/histogram2d.h"
#include "widgets/image_grid.h"
#include "widgets/plot.h"
#include "widgets/tooltip.h"

namespace vaelab {
namespace gui {
namespace {

using Clock = std::chrono::steady_clock;


class ManifoldView : public View {
 public:
  ManifoldView()
      : scatter_("manifold-scatter"), true_density_("manifold-true"), gen_density_("manifold-gen"),
        line_density_("manifold-1d") {
    line_density_.title = "density of generated (decoder mean of z ~ p(z)) and true samples";
    line_density_.x_label = "x";
    line_density_.y_label = "density";
    scatter_.title = "generated (decoder mean of z ~ p(z)) over true samples";
    scatter_.equal_aspect = true;
    true_density_.title = "true density";
    gen_density_.title = "generated density";
    true_density_.show_legend = gen_density_.show_legend = false;
  }
  const char* name() const override { return "manifold"; }
  const char* title() const override { return "Manifold"; }
  bool busy() const override { return refresh_.in_flight(); }
  void reset() override {
    refresh_.invalidate();
    grid_ = ImageGrid();
    have_points_ = false;
    model_step_ = -1;
  }

  void draw(ViewContext& ctx) override {
    last_ctx_ = ctx;
    if (!ctx.snapshot || !ctx.snapshot->model || !ctx.snapshot->model->model) {
      ImGui::TextDisabled("Waiting for the first model snapshot ...");
      return;
    }
    const auto& shape = ctx.snapshot->model->spec.shape;
    image_mode_ = shape.is_image();
    // Follow training, but at most once a second (a grid is hundreds of decodes).
    const auto ms = ctx.snapshot->model;
    if (ms->step != model_step_ && Clock::now() - last_request_ > std::chrono::seconds(1)) refresh_.mark_dirty();
    if (image_mode_) draw_images(ctx);
    else if (shape.features == 1 || shape.features == 2) draw_vectors(ctx, shape.features);
    else ImGui::TextWrapped("The manifold view needs image data or 1-D or 2-D vector data (this data set is %s).",
                            shape.str().c_str());
  }

  bool export_png(const std::string& path, float scale, std::string& error) override {
    if (image_mode_) return grid_.export_png(path, scale, error);
    return vector_plot().export_png(last_ctx_, path, scale, error);
  }
  bool supports_svg() const override { return !image_mode_; }
  bool export_svg(const std::string& path, std::string& error) override {
    if (image_mode_) return View::export_svg(path, error);
    return vector_plot().export_svg(path, error);
  }
  bool supports_csv() const override { return !image_mode_; }
  bool export_csv(const std::string& path, std::string& error) override {
    if (image_mode_) return View::export_csv(path, error);
    return vector_plot().export_csv(path, error);
  }

 private:
  void draw_images(ViewContext& ctx) {
    auto ms = ctx.snapshot->model;
    const int H = static_cast<int>(ms->model->latent_dim());
    const float fs = ImGui::GetFontSize();
    dim_x_ = std::clamp(dim_x_, 0, H - 1);
    dim_y_ = H > 1 ? std::clamp(dim_y_, 0, H - 1) : -1;
    if (H > 1 && dim_y_ == dim_x_) dim_y_ = (dim_x_ + 1) % H;
    bool changed = false;
    bool picked = false;
    ImGui::SetNextItemWidth(fs * 5);
    picked |= ImGui::SliderInt("x dim", &dim_x_, 0, H - 1);
    tip("Latent dimension varied along the grid's columns.");
    if (H > 1) {
      ImGui::SameLine();
      ImGui::SetNextItemWidth(fs * 5);
      picked |= ImGui::SliderInt("y dim", &dim_y_, 0, H - 1);
      tip("Latent dimension varied along the grid's rows (top = large values).");
      ImGui::SameLine();
      changed |= ImGui::Checkbox("most active", &auto_dims_);
      tip("Pick the two dimensions with the largest mean KL(q(z_h|x) || p(z_h)) over 512 test images, each "
          "against its own prior (the ones the encoder uses most; near-prior dimensions decode to the same image "
          "everywhere). Choosing a dimension by hand turns this off.");
    }
    if (picked) auto_dims_ = false;
    changed |= picked;
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 6);
    changed |= ImGui::SliderInt("grid", &n_, 3, 30);
    tip("Cells per side.");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 7);
    changed |= ImGui::SliderFloat("p range", &p_lo_, 0.001f, 0.25f, "%.3f");
    tip("The grid covers probabilities p in [p, 1-p] evenly, mapped through Phi^-1 in the units of each "
        "dimension's prior at the base code (centre + sd * Phi^-1(p)): each cell is equally likely under that "
        "prior's Gaussian (Kingma & Welling).");
    ImGui::SameLine();
    changed |= ImGui::Checkbox("base: encoded image", &base_from_image_);
    tip("Other dimensions: the prior's centre (u = 0 in prior units) or the posterior mean mu(x) of a test image.");
    if (base_from_image_) {
      ImGui::SameLine();
      ImGui::SetNextItemWidth(fs * 5);
      changed |= ImGui::InputInt("index", &base_index_, 0);
    }
    if (ms->model->is_conditional()) {
      ImGui::SameLine();
      ImGui::SetNextItemWidth(fs * 5);
      changed |= ImGui::SliderInt("class y", &class_, 0, std::max<int>(0, static_cast<int>(ms->spec.num_classes) - 1));
      tip("Label given to the conditional decoder p(x|z,y).");
    }
    if (changed) refresh_.mark_dirty();
    if (refresh_.due() && ctx.tasks) request_grid(ctx);

    const double q = normal_quantile(p_lo_);
    char rows[64] = "-";
    if (dim_y_ >= 0) std::snprintf(rows, sizeof rows, "z%d from %+.2f (top) to %+.2f sd", dim_y_, -q, q);
    ImGui::TextDisabled("columns: z%d from %+.2f to %+.2f sd   rows: %s   (model at step %lld)", dim_x_, q, -q, rows,
                        static_cast<long long>(grid_step_));
    ImGui::TextDisabled("units: sd of %s", grid_units_.c_str());
    grid_.draw(ImVec2(-1, -1), true);
  }

  void request_grid(ViewContext& ctx) {
    auto ms = ctx.snapshot->model;
    auto data = ctx.session ? ctx.session->data() : nullptr;
    const int dx = dim_x_, dy = dim_y_, n = n_, cls = class_;
    const bool auto_dims = auto_dims_ && dim_y_ >= 0;
    const double p_lo = p_lo_;
    const bool from_image = base_from_image_;
    const int64_t index = base_index_;
    model_step_ = ms->step;
    last_request_ = Clock::now();
    refresh_.start(*ctx.tasks, [this, ms, data, dx, dy, n, cls, p_lo, from_image, index,
                                auto_dims](TaskContext&) -> std::function<void()> {
      torch::NoGradGuard no_grad;
      auto [cx, cy] = auto_dims ? most_active_dims(*ms, data.get(), dx, dy) : std::pair<int, int>{dx, dy};
      // Default base: the prior's centre, u = 0 (Ladder: the top-down means from z_L = 0).
      auto base = ms->model->from_prior_units(torch::zeros({1, ms->model->latent_dim()}).to(ms->model->device()))[0]
                      .to(torch::kCPU);
      if (from_image && data && data->test.size() > 0) {
        const int64_t i = std::clamp<int64_t>(index, 0, data->test.size() - 1);
        base = ms->model->encode(data->test.batch(i, i + 1, ms->model->device())).mu[0].to(torch::kCPU);
      }
      const auto quantiles = normal_quantile_grid(n, p_lo, 1.0 - p_lo);
      const auto base_code = base.to(ms->model->device()).reshape({1, -1});
      auto codes = prior_grid_codes(*ms->model, base_code, cx, cy, quantiles);
      const PriorScale prior = ms->model->prior_scale(base_code);
      const auto groups = ms->model->latent_groups();
      std::string units;
      for (size_t g = 0; g < groups.size() && g < prior.units.size(); ++g) {
        const bool holds = (cx >= groups[g].offset && cx < groups[g].offset + groups[g].size) ||
                           (cy >= groups[g].offset && cy < groups[g].offset + groups[g].size);
        if (!holds) continue;
        if (!units.empty()) units += "; ";
        units += (groups.size() > 1 ? groups[g].name + ": " : std::string()) + prior.units[g];
      }
      torch::Tensor y;
      if (ms->model->is_conditional()) y = torch::full({codes.size(0)}, cls, torch::kLong);
      auto imgs = std::make_shared<ImageBytes>(decode_to_images(*ms->model, codes, y));
      const int64_t step = ms->step;
      return [this, imgs, n, step, cx = cx, cy = cy, units] {
        if (auto_dims_) dim_x_ = cx, dim_y_ = cy;
        grid_units_ = units;
        grid_.set(*imgs, n, 1);
        grid_step_ = step;
      };
    });
  }

  // The two dimensions with the largest mean KL(q(z_h|x) || p(z_h)) over the first 512 test inputs, each
  // against its own prior (Model::posterior_against_prior; for deterministic encoders: the largest
  // variance of the standardised mu). Falls back to (dx, dy) without data.
  static std::pair<int, int> most_active_dims(const ModelSnapshot& ms, const DatasetSplit* data, int dx, int dy) {
    if (!data || data->test.size() == 0 || ms.model->latent_dim() < 2) return {dx, dy};
    const int64_t m = std::min<int64_t>(512, data->test.size());
    const PosteriorAgainstPrior qp = ms.model->posterior_against_prior(data->test.batch(0, m, ms.model->device()));
    torch::Tensor activity = kl_against_prior_per_dim(qp).mean(0);
    auto top = std::get<1>(activity.to(torch::kCPU).topk(2));
    return {static_cast<int>(top[0].item<int64_t>()), static_cast<int>(top[1].item<int64_t>())};
  }

  // The plot a vector-data export writes: the scatter (2-D data) or the densities (1-D data).
  Plot& vector_plot() { return features_ == 1 ? line_density_ : scatter_; }

  void draw_vectors(ViewContext& ctx, int64_t features) {
    features_ = features;
    const float fs = ImGui::GetFontSize();
    bool changed = false;
    ImGui::SetNextItemWidth(fs * 8);
    changed |= ImGui::SliderInt("samples", &samples_, 200, 5000);
    tip("How many generated and true points to draw.");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 8);
    changed |= ImGui::SliderInt("bins", &bins_, 10, 120);
    tip(features == 1 ? "Histogram bins." : "Bins per axis of the 2-D histograms (densities).");
    ImGui::SameLine();
    if (ImGui::Button("resample")) seed_++, changed = true;
    tip("Draw fresh z ~ p(z), the model's own prior.");
    if (features == 2) {
      ImGui::SameLine();
      ImGui::Checkbox("sqrt colour scale", &sqrt_scale_);
      tip("Colour by sqrt(density): low-density regions stay visible next to sharp peaks.");
    }
    if (changed) refresh_.mark_dirty();
    if (refresh_.due() && ctx.tasks) request_points(ctx);
    if (!have_points_) {
      ImGui::TextDisabled("decoding ...");
      return;
    }
    if (features == 1) {
      draw_line_densities();
      return;
    }
    scatter_.clear();
    scatter_.add_scatter("true", true_x_, true_y_, IM_COL32(150, 150, 160, 160), 1.5f);
    scatter_.add_scatter("generated", gen_x_, gen_y_, IM_COL32(255, 150, 40, 200), 1.5f);
    const float w = ImGui::GetContentRegionAvail().x, h = ImGui::GetContentRegionAvail().y;
    scatter_.draw(ImVec2(w * 0.5f, h));
    ImGui::SameLine();
    ImGui::BeginGroup();
    // Both densities on the same box and the same colour scale, so they compare directly.
    double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
    for (size_t i = 0; i < true_x_.size(); ++i) {
      x0 = std::min(x0, true_x_[i]), x1 = std::max(x1, true_x_[i]);
      y0 = std::min(y0, true_y_[i]), y1 = std::max(y1, true_y_[i]);
    }
    const double mx = (x1 - x0) * 0.05 + 1e-6, my = (y1 - y0) * 0.05 + 1e-6;
    auto ht = histogram2d(true_x_, true_y_, bins_, bins_, x0 - mx, x1 + mx, y0 - my, y1 + my);
    auto hg = histogram2d(gen_x_, gen_y_, bins_, bins_, x0 - mx, x1 + mx, y0 - my, y1 + my);
    if (sqrt_scale_) {
      for (auto& v : ht.density) v = std::sqrt(v);
      for (auto& v : hg.density) v = std::sqrt(v);
    }
    true_density_.title = sqrt_scale_ ? "true density (colour: sqrt)" : "true density";
    gen_density_.title = sqrt_scale_ ? "generated density (colour: sqrt)" : "generated density";
    float vmax = 0;
    for (float v : ht.density) vmax = std::max(vmax, v);
    for (float v : hg.density) vmax = std::max(vmax, v);
    auto heat = [&](Plot& p, const Histogram2d& hist, const char* name) {
      PlotHeatmap hm;
      hm.name = name;
      hm.cols = hist.bins_x, hm.rows = hist.bins_y;
      hm.values = hist.density;
      hm.x0 = hist.x0, hm.x1 = hist.x1, hm.y0 = hist.y0, hm.y1 = hist.y1;
      hm.colormap = Colormap::Magma;
      hm.auto_range = false;
      hm.vmin = 0, hm.vmax = vmax > 0 ? vmax : 1;
      p.clear();
      p.set_heatmap(std::move(hm));
      p.equal_aspect = true;
    };
    heat(true_density_, ht, "true");
    heat(gen_density_, hg, "generated");
    const float hw = ImGui::GetContentRegionAvail().x;
    true_density_.draw(ImVec2(hw, h * 0.5f - fs * 0.3f));
    gen_density_.draw(ImVec2(hw, h * 0.5f - fs * 0.3f));
    ImGui::EndGroup();
  }

  // 1-D data: both samples' histograms over the true samples' range (plus 5% each side), as densities
  // (count / (n * bin width)) drawn as steps.
  void draw_line_densities() {
    double x0 = 1e300, x1 = -1e300;
    for (double v : true_x_) x0 = std::min(x0, v), x1 = std::max(x1, v);
    if (true_x_.empty())
      for (double v : gen_x_) x0 = std::min(x0, v), x1 = std::max(x1, v);
    const double margin = (x1 - x0) * 0.05 + 1e-6;
    x0 -= margin, x1 += margin;
    const double width = (x1 - x0) / bins_;
    auto steps = [&](const std::vector<double>& values, std::vector<double>& xs, std::vector<double>& ys) {
      std::vector<double> counts(static_cast<size_t>(bins_), 0.0);
      for (double v : values) {
        const auto b = static_cast<int64_t>(std::floor((v - x0) / width));
        if (b >= 0 && b < bins_) counts[static_cast<size_t>(b)] += 1.0;
      }
      const double norm = values.empty() ? 1.0 : 1.0 / (static_cast<double>(values.size()) * width);
      for (int b = 0; b < bins_; ++b) {
        xs.push_back(x0 + b * width), ys.push_back(counts[static_cast<size_t>(b)] * norm);
        xs.push_back(x0 + (b + 1) * width), ys.push_back(counts[static_cast<size_t>(b)] * norm);
      }
    };
    std::vector<double> tx, ty, gx, gy;
    steps(true_x_, tx, ty);
    steps(gen_x_, gx, gy);
    line_density_.clear();
    line_density_.add_line("true", std::move(tx), std::move(ty), IM_COL32(170, 170, 180, 255)).size = 2.5f;
    line_density_.add_line("generated", std::move(gx), std::move(gy), IM_COL32(255, 150, 40, 255)).size = 2.5f;
    line_density_.draw(ImVec2(-1, -1));
  }

  void request_points(ViewContext& ctx) {
    auto ms = ctx.snapshot->model;
    auto data = ctx.session ? ctx.session->data() : nullptr;
    const int n = samples_;
    const uint64_t seed = seed_;
    model_step_ = ms->step;
    last_request_ = Clock::now();
    refresh_.start(*ctx.tasks, [this, ms, data, n, seed](TaskContext&) -> std::function<void()> {
      // Our own generator: the GUI never draws from torch's global stream, which training uses.
      torch::Tensor y;
      if (ms->model->is_conditional()) y = torch::zeros({n}, torch::kLong).to(ms->model->device());
      const auto z = ms->model->sample_prior(n, y, at::make_generator<at::CPUGeneratorImpl>(seed * 6151));
      auto g = decode_vectors(*ms->model, z, y).contiguous();
      const int64_t stride = g.size(1);
      std::vector<double> gx(n), gy, tx, ty;
      const float* gp = g.data_ptr<float>();
      for (int i = 0; i < n; ++i) {
        gx[i] = gp[i * stride];
        if (stride > 1) gy.push_back(gp[i * stride + 1]);
      }
      if (data) {
        const int64_t m = std::min<int64_t>(n, data->test.size());
        auto t = data->test.inputs(0, m).reshape({m, -1}).to(torch::kCPU, torch::kFloat32).contiguous();
        const float* p = t.data_ptr<float>();
        for (int64_t i = 0; i < m; ++i) {
          tx.push_back(p[i * t.size(1)]);
          if (t.size(1) > 1) ty.push_back(p[i * t.size(1) + 1]);
        }
      }
      return [this, gx, gy, tx, ty] {
        gen_x_ = gx, gen_y_ = gy, true_x_ = tx, true_y_ = ty;
        have_points_ = true;
      };
    });
  }

  // shared
  bool image_mode_ = true;
  LatestTask refresh_{"decode the manifold"};  // the grid (images) or the points (2-D vectors)
  int64_t model_step_ = -1;
  Clock::time_point last_request_{};
  ViewContext last_ctx_;
  // images
  int dim_x_ = 0, dim_y_ = 1, n_ = 15, class_ = 0, base_index_ = 0;
  float p_lo_ = 0.05f;
  bool base_from_image_ = false;
  bool auto_dims_ = true;  // follow the two most active dimensions until the user picks one
  ImageGrid grid_;
  int64_t grid_step_ = 0;
  std::string grid_units_ = "N(0,1)";  // the prior units of the grid's two dimensions
  // 2-D vectors
  int samples_ = 2000, bins_ = 50;
  bool sqrt_scale_ = true;
  uint64_t seed_ = 1;
  bool have_points_ = false;
  int64_t features_ = 2;  // of the vector data last drawn
  std::vector<double> gen_x_, gen_y_, true_x_, true_y_;
  Plot scatter_, true_density_, gen_density_;
  Plot line_density_;  // 1-D data
};

}  // namespace

std::unique_ptr<View> make_manifold_view() { return std::make_unique<ManifoldView>(); }

}  // namespace gui
}  // namespace vaelab
