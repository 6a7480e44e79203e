// The codes covariance view (issue 17; hebae.txt Fig. 2): |Cov(mu)| and the correlation matrix of the
// encoder means of the test inputs, as heatmaps, with ||Cov(mu) - I||_F and the largest off-diagonal
// correlation (analysis/code_covariance.h). In the codes' own coordinates -- the N(0, I) that VAE, WAE
// and HEBAE all aim the aggregate posterior at -- which the view says. CSV export: every (j, k) with its
// covariance and correlation; PNG: the |Cov| heatmap.
// Threading: encoding runs in a LatestTask on the snapshot's model (view.h), refreshed as training
// publishes newer models (at most every 2 s while it runs).
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "analysis/code_covariance.h"
#include "analysis/latent_codes.h"
#include "core/latest_task.h"
#include "core/main_thread_tasks.h"
#include "session/session.h"
#include "text_file.h"
#include "train/snapshot.h"
#include "views/snapshot_follower.h"
#include "views/view.h"
#include "widgets/plot.h"
#include "widgets/tooltip.h"

namespace vaelab {
namespace gui {
namespace {


struct CovarianceResult {
  CodeCovariance c;
  int64_t step = -1;
  std::string view_name;  // e.g. "fashion-mnist/test"
};

class CovarianceView : public View {
 public:
  CovarianceView() : cov_plot_("covariance-abs"), corr_plot_("covariance-corr") {}
  const char* name() const override { return "covariance"; }
  const char* title() const override { return "Covariance"; }
  bool busy() const override { return refresh_.in_flight() || wants_refresh_; }
  void reset() override {
    refresh_.invalidate();
    result_.reset();
    follower_.reset();
    error_.clear();
  }
  bool export_png(const std::string& path, float scale, std::string& error) override {
    if (!result_) {
      error = "covariance: nothing to export yet";
      return false;
    }
    return cov_plot_.export_png(last_ctx_, path, scale, error);
  }
  bool supports_csv() const override { return true; }
  bool export_csv(const std::string& path, std::string& error) override {
    if (!result_) {
      error = "covariance: nothing to export yet";
      return false;
    }
    const auto r = result_;
    return write_text_file(path, [&](std::ostream& out) {
      out << "j,k,covariance,correlation\n";
      for (int64_t j = 0; j < r->c.dims; ++j)
        for (int64_t k = 0; k < r->c.dims; ++k) {
          const double corr = r->c.corr(j, k);
          out << j << ',' << k << ',' << fmt::format("{:.9g}", r->c.cov(j, k)) << ','
              << (std::isnan(corr) ? std::string() : fmt::format("{:.9g}", corr)) << '\n';
        }
    }, error);
  }

  void draw(ViewContext& ctx) override {
    last_ctx_ = ctx;
    wants_refresh_ = false;
    if (!has_model_to_show(ctx)) return;
    const auto& ms = *ctx.snapshot->model;
    const float fs = ImGui::GetFontSize();
    ImGui::SetNextItemWidth(fs * 8);
    if (ImGui::SliderInt("inputs", &limit_, 200, 10000)) refresh_.mark_dirty();
    tip("How many test inputs are encoded (the first N of the test split; the train split when there is none).");
    const bool training = ctx.snapshot->progress.state == RunState::Running;
    if (follower_.stale(ms.step, training))
      refresh_.mark_dirty();
    if (refresh_.due() && ctx.tasks && ctx.session) request(ctx);
    wants_refresh_ = refresh_.dirty();

    if (!error_.empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", error_.c_str());
    if (!result_) {
      ImGui::TextDisabled("Encoding the test inputs ...");
      return;
    }
    const CodeCovariance& c = result_->c;
    ImGui::Text("||Cov(mu) - I||_F = %.3f    largest off-diagonal |corr| = %s", c.identity_frobenius,
                c.max_pair_row >= 0 ? fmt::format("{:.3f} (z{}, z{})", c.max_abs_off_diagonal_correlation,
                                                  c.max_pair_row, c.max_pair_col).c_str()
                                    : "-");
    ImGui::TextDisabled("encoder means of %lld inputs of %s, model at step %lld%s", static_cast<long long>(c.samples),
                        result_->view_name.c_str(), static_cast<long long>(result_->step),
                        refresh_.in_flight() ? "  (updating ...)" : "");
    ImGui::TextDisabled("units: the codes' own coordinates (the N(0, I) every variant's aggregate posterior is compared "
                        "with here; a perfect match is Cov = I, corr = I)");

    const int h = static_cast<int>(c.dims);
    const auto heatmap = [&](Plot& p, bool correlation) {
      PlotHeatmap hm;
      hm.name = correlation ? "corr" : "|cov|";
      hm.cols = h;
      hm.rows = h;
      hm.values.resize(static_cast<size_t>(h) * h);
      double vmax = 0;
      // Heatmap row j (drawn from the bottom) is z_j, so the axes' ticks are the dimensions' indices.
      for (int j = 0; j < h; ++j)
        for (int k = 0; k < h; ++k) {
          const double v = correlation ? c.corr(j, k) : std::abs(c.cov(j, k));
          hm.values[static_cast<size_t>(j * h + k)] = static_cast<float>(v);
          if (!correlation && std::isfinite(v)) vmax = std::max(vmax, v);
        }
      hm.x0 = -0.5, hm.x1 = h - 0.5, hm.y0 = -0.5, hm.y1 = h - 0.5;
      hm.auto_range = false;
      hm.colormap = correlation ? Colormap::Diverging : Colormap::Viridis;
      hm.vmin = correlation ? -1.0 : 0.0;
      hm.vmax = correlation ? 1.0 : (vmax > 0 ? vmax : 1.0);
      p.clear();
      p.title = correlation ? "corr(mu_j, mu_k)" : "|Cov(mu_j, mu_k)|";
      p.x_label = "k";
      p.y_label = "j";
      p.show_legend = false;
      p.equal_aspect = true;
      p.set_heatmap(std::move(hm));
    };
    heatmap(cov_plot_, false);
    heatmap(corr_plot_, true);
    const float w = ImGui::GetContentRegionAvail().x * 0.5f - fs * 0.3f;
    cov_plot_.draw(ImVec2(w, -1));
    ImGui::SameLine();
    corr_plot_.draw(ImVec2(-1, -1));
  }

 private:
  void request(ViewContext& ctx) {
    auto ms = ctx.snapshot->model;
    auto data = ctx.session->data();
    const int64_t limit = limit_;
    follower_.requested(ms->step);
    refresh_.start(*ctx.tasks, [this, ms, data, limit](TaskContext&) -> std::function<void()> {
      auto out = std::make_shared<CovarianceResult>();
      std::string error;
      try {
        const Dataset& view = data->test.size() > 0 ? data->test : data->train;
        LatentCodeOptions options;
        options.limit = std::min<int64_t>(limit, view.size());
        const LatentCodes codes = encode_dataset(*ms->model, view, options);
        out->c = code_covariance(codes.mu);
        out->step = ms->step;
        out->view_name = view.name;
      } catch (const std::exception& e) {
        error = e.what();
      }
      return [this, out, error] {
        error_ = error;
        if (error.empty()) result_ = out;
      };
    });
  }

  Plot cov_plot_, corr_plot_;
  ViewContext last_ctx_;
  std::shared_ptr<CovarianceResult> result_;
  LatestTask refresh_{"encode codes for their covariance"};
  bool wants_refresh_ = false;
  SnapshotFollower follower_;
  std::string error_;
  int limit_ = 2000;
};

}  // namespace

std::unique_ptr<View> make_covariance_view() { return std::make_unique<CovarianceView>(); }

}  // namespace gui
}  // namespace vaelab
