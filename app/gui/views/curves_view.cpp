// The curves view: every named loss term, per step (training batches) and per epoch (train vs test),
// with EMA smoothing, linear/log y, auto-fit while training, and other runs' epoch curves overlaid.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <cstdio>

#include "core/error.h"
#include "core/main_thread_tasks.h"
#include "session/session.h"
#include "train/run_folder.h"
#include "views/view.h"
#include "widgets/plot.h"
#include "widgets/tooltip.h"

namespace vaelab {
namespace gui {
namespace {

class CurvesView : public View {
 public:
  CurvesView() : plot_("curves") {
    plot_.x_label = "optimiser step";
    plot_.y_label = "nats per sample";
  }
  const char* name() const override { return "curves"; }
  const char* title() const override { return "Curves"; }
  bool busy() const override { return loading_ > 0 || !pending_others_.empty(); }
  bool add_comparison(const std::string& source) override {
    if (wanted_.insert(source).second) pending_others_.push_back(source);  // once, however often asked
    return true;
  }
  void remove_comparison(const std::string& source) override {
    wanted_.erase(source);
    pending_others_.erase(std::remove(pending_others_.begin(), pending_others_.end(), source), pending_others_.end());
    for (size_t i = others_.size(); i-- > 0;)
      if (other_sources_[i] == source) others_.erase(others_.begin() + long(i)), other_sources_.erase(other_sources_.begin() + long(i));
    plot_.fit();
  }
  void reset() override { plot_.fit(); }

  void draw(ViewContext& ctx) override {
    const float fs = ImGui::GetFontSize();
    ImGui::Checkbox("per step", &show_steps_);
    tip("Training-batch values at every step (noisy; smoothed by the EMA below).");
    ImGui::SameLine();
    ImGui::Checkbox("epoch train", &show_epoch_train_);
    tip("Mean over each epoch's training batches, drawn at the epoch's last step.");
    ImGui::SameLine();
    ImGui::Checkbox("epoch test", &show_epoch_test_);
    tip("The same terms on the held-out test view at each epoch end (model in eval mode): the gap to train is "
        "the generalisation gap.");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 10);
    ImGui::SliderFloat("EMA", &ema_, 0.0f, 0.995f, "%.3f");
    tip("Exponential moving average of the per-step values: s_t = a s_{t-1} + (1-a) x_t (0 = raw).");
    ImGui::SameLine();
    ImGui::Checkbox("log y", &plot_.log_y);
    tip("Logarithmic y axis; values <= 0 are clipped to the smallest positive value (noted under the plot).");
    ImGui::SameLine();
    if (ImGui::Button("Fit")) plot_.fit();
    tip("Fit the axes to the data and keep fitting while training (also: double-click the plot).");
    ImGui::SameLine();
    ImGui::TextDisabled(plot_.auto_fit ? "(auto-fit)" : "(zoomed: double-click to fit)");

    // Terms to show.
    std::vector<std::string> names;
    if (ctx.snapshot && ctx.snapshot->metrics) names = ctx.snapshot->metrics->names;
    if (!names.empty()) {
      ImGui::TextDisabled("terms:");
      for (const auto& n : names) {
        ImGui::SameLine();
        bool on = !term_hidden_[n];
        if (ImGui::Checkbox(n.c_str(), &on)) term_hidden_[n] = !on, plot_.fit();
      }
    }
    // Other runs.
    ImGui::SetNextItemWidth(fs * 24);
    ImGui::InputTextWithHint("##other", "run folder, metrics.csv or checkpoint", &other_path_);
    tip("Add another run's epoch curves to compare (DIR/metrics.csv, or the history stored in a checkpoint).");
    ImGui::SameLine();
    if (ImGui::Button("Add run") && !other_path_.empty()) add_comparison(other_path_);
    tip("Overlay another run's epoch curves (train solid, test dashed).");
    for (const std::string& path : pending_others_) {
      if (!ctx.tasks) break;
      const double spe = ctx.snapshot ? static_cast<double>(std::max<int64_t>(1, ctx.snapshot->progress.steps_per_epoch)) : 1.0;
      ++loading_;
      auto toast = ctx.toast;
      ctx.tasks->run("load a run to compare", [this, path, spe, toast](TaskContext&) -> std::function<void()> {
        std::shared_ptr<EpochCurves> run;
        std::string error;
        try {
          run = std::make_shared<EpochCurves>(read_epoch_curves(path, spe));
        } catch (const std::exception& e) {
          error = e.what();
        }
        return [this, path, run, error, toast] {
          --loading_;
          const bool shown = std::find(other_sources_.begin(), other_sources_.end(), path) != other_sources_.end();
          if (!wanted_.count(path) || shown) return;  // taken back (or loaded twice) while it loaded
          if (run) others_.push_back(*run), other_sources_.push_back(path), plot_.fit();
          else wanted_.erase(path), toast(ToastKind::Error, error);
        };
      });
    }
    pending_others_.clear();
    for (size_t i = 0; i < others_.size(); ++i) {
      ImGui::SameLine();
      ImGui::PushID(static_cast<int>(i));
      if (ImGui::SmallButton(("x " + others_[i].label).c_str())) {
        wanted_.erase(other_sources_[i]);
        others_.erase(others_.begin() + static_cast<long>(i));
        other_sources_.erase(other_sources_.begin() + static_cast<long>(i));
        ImGui::PopID();
        break;
      }
      tip("Remove this run from the chart.");
      ImGui::PopID();
    }

    rebuild(ctx);
    plot_.draw(ImVec2(-1, -1));
  }

  bool export_png(const std::string& path, float scale, std::string& error) override {
    error = "the curves plot is read back from the screen: open the view first";
    return last_ctx_valid_ && plot_.export_png(last_ctx_, path, scale, error);
  }
  bool supports_svg() const override { return true; }
  bool export_svg(const std::string& path, std::string& error) override { return plot_.export_svg(path, error); }
  bool supports_csv() const override { return true; }
  bool export_csv(const std::string& path, std::string& error) override { return plot_.export_csv(path, error); }

 private:
  void rebuild(ViewContext& ctx) {
    last_ctx_ = ctx;
    last_ctx_valid_ = true;
    plot_.clear();
    // Legend names stay fixed (toggles are kept by name); the smoothing is stated in the title instead.
    char title[96];
    if (show_steps_ && ema_ > 0) std::snprintf(title, sizeof title, "per-step values smoothed: EMA a = %.3f", ema_);
    else std::snprintf(title, sizeof title, "per-step values raw");
    plot_.title = title;
    int color = 0;
    if (ctx.snapshot && ctx.snapshot->metrics) {
      const auto& m = *ctx.snapshot->metrics;
      const int64_t spe = std::max<int64_t>(1, ctx.snapshot->progress.steps_per_epoch);
      for (size_t t = 0; t < m.names.size(); ++t) {
        const std::string& n = m.names[t];
        const ImU32 c = plot_palette(color++);
        if (term_hidden_[n]) continue;
        if (show_steps_ && t < m.per_step.size() && !m.per_step[t].empty()) {
          const auto& v = m.per_step[t];
          std::vector<double> x(v.size()), y(v.size());
          double s = v[0];
          for (size_t i = 0; i < v.size(); ++i) {
            x[i] = i < m.steps.size() ? static_cast<double>(m.steps[i]) : static_cast<double>(i);
            if (std::isfinite(v[i])) s = ema_ * s + (1 - ema_) * v[i];
            y[i] = s;
          }
          plot_.add_line(n + " (step)", std::move(x), std::move(y), (c & 0x00ffffff) | 0x90000000u);
        }
        auto epoch_series = [&](const std::vector<std::vector<float>>& src, const char* suffix, bool dashed) {
          if (t >= src.size() || src[t].empty()) return;
          std::vector<double> x, y;
          for (size_t e = 0; e < src[t].size(); ++e) {
            if (!std::isfinite(src[t][e])) continue;
            x.push_back(static_cast<double>((e + 1) * spe));
            y.push_back(src[t][e]);
          }
          if (x.empty()) return;
          auto& s = plot_.add_line(n + suffix, std::move(x), std::move(y), c);
          s.size = 2.5f;
          s.dashed = dashed;
        };
        if (show_epoch_train_) epoch_series(m.epoch_train, " (epoch train)", false);
        if (show_epoch_test_) epoch_series(m.epoch_test, " (epoch test)", true);
      }
    }
    for (const auto& run : others_) {
      for (size_t t = 0; t < run.names.size(); ++t) {
        if (term_hidden_[run.names[t]]) continue;
        const ImU32 c = plot_palette(color++);
        if (show_epoch_train_) plot_.add_line(run.label + ": " + run.names[t] + " (train)", run.steps,
                                              run.train[t], c).size = 2.0f;
        if (show_epoch_test_ && !run.test[t].empty()) {
          auto& s = plot_.add_line(run.label + ": " + run.names[t] + " (test)", run.steps, run.test[t], c);
          s.dashed = true;
        }
      }
    }
  }

  Plot plot_;
  bool show_steps_ = true, show_epoch_train_ = true, show_epoch_test_ = true;
  float ema_ = 0.9f;
  std::map<std::string, bool> term_hidden_;
  std::string other_path_;
  std::vector<EpochCurves> others_;  // overlaid runs (train/run_folder.h)
  std::vector<std::string> other_sources_;  // the source each of others_ was added as
  std::set<std::string> wanted_;  // sources added and not taken back: pending, loading or shown
  std::vector<std::string> pending_others_;  // added, not yet loading
  int loading_ = 0;
  ViewContext last_ctx_;
  bool last_ctx_valid_ = false;
};

}  // namespace

std::unique_ptr<View> make_curves_view() { return std::make_unique<CurvesView>(); }

}  // namespace gui
}  // namespace vaelab
