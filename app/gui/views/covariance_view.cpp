// The codes covariance view (issue 17; hebae.txt Fig. 2): |Cov(mu)| and the correlation matrix of the
// encoder means of the test inputs, as heatmaps, with ||Cov(mu) - I||_F and the largest off-diagonal
// correlation (analysis/code_covariance.h). In the codes' own coordinates -- the N(0, I) that VAE, WAE
// and HEBAE all aim the aggregate posterior at -- which the view says. CSV export: every (j, k) with its
// covariance and correlation; PNG: the |Cov| heatmap.
// Two runs side by side (hebae.txt Fig. 2 sets VAE, WAE and HEBAE next to each other): a second run
// (folder or checkpoint: the "compare with" field, or vaelab --compare PATH) is loaded read-only
// (session/trained_run.h) and its codes of the same test inputs are shown below the open run's, on the
// same colour scales; its data must have the open run's shape. The CSV then gains a "run" column.
// Threading: encoding runs in a LatestTask on the snapshot's model (view.h), refreshed as training
// publishes newer models (at most every 2 s while it runs).
#include <imgui.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include <fmt/format.h>

#include "analysis/code_covariance.h"
#include "analysis/latent_codes.h"
#include "session/trained_run.h"
#include "train/run_folder.h"
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
  std::string run_name;   // the compared run's folder name (empty for the open run)
};

// The second run of a comparison: its model, loaded once per path.
struct OtherRun {
  std::string path, name;
  std::shared_ptr<Model> model;
  ModelSpec spec;
};

class CovarianceView : public View {
 public:
  CovarianceView()
      : cov_plot_("covariance-abs"), corr_plot_("covariance-corr"), other_cov_plot_("covariance-abs-other"),
        other_corr_plot_("covariance-corr-other") {}
  const char* name() const override { return "covariance"; }
  const char* title() const override { return "Covariance"; }
  bool busy() const override { return refresh_.in_flight() || other_task_.in_flight() || wants_refresh_; }
  bool add_comparison(const std::string& source) override {
    set_other(source);
    return true;
  }
  void reset() override {
    refresh_.invalidate();
    other_task_.invalidate();
    other_result_.reset();
    other_dirty_ = !other_path_.empty();
    other_model_.reset();
    other_error_.clear();
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
    const auto o = other_result_;
    return write_text_file(path, [&](std::ostream& out) {
      // With a compared run a first column names the run ("open" or the compared run's folder name).
      out << (o ? "run," : "") << "j,k,covariance,correlation\n";
      const auto rows = [&](const CovarianceResult& x, const std::string& run) {
        for (int64_t j = 0; j < x.c.dims; ++j)
          for (int64_t k = 0; k < x.c.dims; ++k) {
            const double corr = x.c.corr(j, k);
            if (o) out << run << ',';
            out << j << ',' << k << ',' << fmt::format("{:.9g}", x.c.cov(j, k)) << ','
                << (std::isnan(corr) ? std::string() : fmt::format("{:.9g}", corr)) << '\n';
          }
      };
      rows(*r, "open");
      if (o) rows(*o, o->run_name);
    }, error);
  }

  void draw(ViewContext& ctx) override {
    last_ctx_ = ctx;
    wants_refresh_ = false;
    if (!has_model_to_show(ctx)) return;
    const auto& ms = *ctx.snapshot->model;
    const float fs = ImGui::GetFontSize();
    ImGui::SetNextItemWidth(fs * 8);
    if (ImGui::SliderInt("inputs", &limit_, 200, 10000)) {
      refresh_.mark_dirty();
      other_dirty_ = !other_path_.empty();
    }
    tip("How many test inputs are encoded (the first N of the test split; the train split when there is none).");
    const bool training = ctx.snapshot->progress.state == RunState::Running;
    if (follower_.stale(ms.step, training))
      refresh_.mark_dirty();
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 22);
    const bool entered = ImGui::InputTextWithHint("##other", "compare with a run folder or checkpoint", other_text_,
                                                  sizeof(other_text_), ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    if (ImGui::Button("compare") || entered) set_other(other_text_);
    tip("A second run shown below this one on the same colour scales: its encoder means of the same test inputs "
        "(its data must have this run's shape).");
    if (!other_path_.empty()) {
      ImGui::SameLine();
      if (ImGui::Button("clear")) set_other("");
    }
    if (refresh_.due() && ctx.tasks && ctx.session) request(ctx);
    if (other_dirty_ && !other_task_.in_flight() && ctx.tasks && ctx.session && !other_path_.empty())
      request_other(ctx);
    wants_refresh_ = refresh_.dirty() || (other_dirty_ && !other_path_.empty());

    if (!error_.empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", error_.c_str());
    if (!other_error_.empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", other_error_.c_str());
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

    const auto o = other_result_;
    if (o) {
      const CodeCovariance& oc = o->c;
      ImGui::Text("below, %s: ||Cov(mu) - I||_F = %.3f    largest off-diagonal |corr| = %s", o->run_name.c_str(),
                  oc.identity_frobenius,
                  oc.max_pair_row >= 0 ? fmt::format("{:.3f} (z{}, z{})", oc.max_abs_off_diagonal_correlation,
                                                     oc.max_pair_row, oc.max_pair_col).c_str()
                                       : "-");
    }
    // One |Cov| scale for both runs, so equal colours mean equal values.
    double shared_vmax = 0;
    for (const CovarianceResult* x : {result_.get(), o.get()}) {
      if (!x) continue;
      for (int64_t j = 0; j < x->c.dims; ++j)
        for (int64_t k = 0; k < x->c.dims; ++k)
          if (std::isfinite(x->c.cov(j, k))) shared_vmax = std::max(shared_vmax, std::abs(x->c.cov(j, k)));
    }
    const auto heatmap = [&](Plot& p, const CodeCovariance& c, bool correlation, const std::string& who) {
      const int h = static_cast<int>(c.dims);
      PlotHeatmap hm;
      hm.name = correlation ? "corr" : "|cov|";
      hm.cols = h;
      hm.rows = h;
      hm.values.resize(static_cast<size_t>(h) * h);
      // Heatmap row j (drawn from the bottom) is z_j, so the axes' ticks are the dimensions' indices.
      for (int j = 0; j < h; ++j)
        for (int k = 0; k < h; ++k) {
          const double v = correlation ? c.corr(j, k) : std::abs(c.cov(j, k));
          hm.values[static_cast<size_t>(j * h + k)] = static_cast<float>(v);
        }
      hm.x0 = -0.5, hm.x1 = h - 0.5, hm.y0 = -0.5, hm.y1 = h - 0.5;
      hm.auto_range = false;
      hm.colormap = correlation ? Colormap::Diverging : Colormap::Viridis;
      hm.vmin = correlation ? -1.0 : 0.0;
      hm.vmax = correlation ? 1.0 : (shared_vmax > 0 ? shared_vmax : 1.0);
      p.clear();
      p.title = std::string(correlation ? "corr(mu_j, mu_k)" : "|Cov(mu_j, mu_k)|") + (who.empty() ? "" : ", " + who);
      p.x_label = "k";
      p.y_label = "j";
      p.show_legend = false;
      p.equal_aspect = true;
      p.set_heatmap(std::move(hm));
    };
    heatmap(cov_plot_, c, false, o ? "open run" : "");
    heatmap(corr_plot_, c, true, o ? "open run" : "");
    const float w = ImGui::GetContentRegionAvail().x * 0.5f - fs * 0.3f;
    const float half = o ? ImGui::GetContentRegionAvail().y * 0.5f - fs * 0.3f : -1.0f;
    cov_plot_.draw(ImVec2(w, half));
    ImGui::SameLine();
    corr_plot_.draw(ImVec2(-1, half));
    if (o) {
      heatmap(other_cov_plot_, o->c, false, o->run_name);
      heatmap(other_corr_plot_, o->c, true, o->run_name);
      other_cov_plot_.draw(ImVec2(w, -1));
      ImGui::SameLine();
      other_corr_plot_.draw(ImVec2(-1, -1));
    }
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

  void set_other(const std::string& path) {
    other_path_ = path;
    std::snprintf(other_text_, sizeof(other_text_), "%s", path.c_str());
    other_task_.invalidate();
    other_result_.reset();
    other_model_.reset();
    other_error_.clear();
    other_dirty_ = !path.empty();
  }

  // The compared run's codes of the open run's test inputs (its model loaded once per path).
  void request_other(ViewContext& ctx) {
    other_dirty_ = false;
    auto data = ctx.session->data();
    const ModelSpec open_spec = ctx.snapshot->model->spec;
    const int64_t limit = limit_;
    auto loaded = other_model_;
    const std::string path = other_path_;
    other_task_.start(*ctx.tasks, [this, data, open_spec, limit, loaded, path](TaskContext&) -> std::function<void()> {
      auto out = std::make_shared<CovarianceResult>();
      auto run = loaded;
      std::string error;
      try {
        if (!run || run->path != path) {
          run = std::make_shared<OtherRun>();
          const RunLocation where = locate_run(path);
          CheckpointMeta meta;
          run->model = load_trained_model(where.checkpoint, "", &meta);
          run->spec = meta.spec;
          run->path = path;
          run->name = where.name;
        }
        if (run->spec.shape.str() != open_spec.shape.str())
          throw std::runtime_error(fmt::format("compare: {} was trained on data of shape {}, this run's is {}: its "
                                               "codes of these inputs would mean nothing",
                                               run->name, run->spec.shape.str(), open_spec.shape.str()));
        torch::NoGradGuard no_grad;
        const Dataset& view = data->test.size() > 0 ? data->test : data->train;
        LatentCodeOptions options;
        options.limit = std::min<int64_t>(limit, view.size());
        out->c = code_covariance(encode_dataset(*run->model, view, options).mu);
        out->view_name = view.name;
        out->run_name = run->name;
      } catch (const std::exception& e) {
        error = e.what();
      }
      return [this, out, run, error] {
        other_error_ = error;
        if (run && run->model) other_model_ = run;
        if (error.empty()) other_result_ = out;
      };
    });
  }

  Plot cov_plot_, corr_plot_, other_cov_plot_, other_corr_plot_;
  std::shared_ptr<CovarianceResult> other_result_;
  std::shared_ptr<OtherRun> other_model_;
  LatestTask other_task_{"encode the compared run's codes"};
  std::string other_path_, other_error_;
  char other_text_[512] = "";
  bool other_dirty_ = false;
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
