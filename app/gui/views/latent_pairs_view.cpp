// The latent pairs view (issue 17; how-to-train-your-vae.txt Fig. 6): the joint histogram of two latent
// dimensions of the encoder means of the test inputs, with both marginals, and per dimension the
// bimodality test of analysis/latent_bimodality.h (delta BIC of two Gaussians against one, Ashman's D,
// the dip between the modes) with the count of bimodal latents -- the paper's "198 of 512 latent entries
// presented a bimodal histogram".
// Units: the model's prior units (Model::to_prior_units: u = (mu - centre) / scale of each dimension's
// prior, the units the sliders, traversals and samples use), named in a line; raw code units, said so,
// when the model cannot map its codes.
// CSV export: the per-dimension table; PNG: the histogram with its marginals.
// Threading: encoding and the test run in a LatestTask on the snapshot's model (view.h), refreshed as
// training publishes newer models (at most every 2 s while it runs); the histogram of the chosen pair is
// binned on the UI thread from the kept codes (two columns, microseconds).
#include <imgui.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "analysis/latent_bimodality.h"
#include "analysis/latent_codes.h"
#include "core/latest_task.h"
#include "core/main_thread_tasks.h"
#include "screen_capture.h"
#include "session/session.h"
#include "text_file.h"
#include "train/snapshot.h"
#include "views/snapshot_follower.h"
#include "views/view.h"
#include "widgets/axis_ticks.h"
#include "widgets/colormap.h"
#include "widgets/tooltip.h"

namespace vaelab {
namespace gui {
namespace {


struct PairsResult {
  torch::Tensor codes;  // [M, H] CPU float32, in `units`
  LatentBimodality test;
  std::string units;    // e.g. "prior units: sd of N(0,1)" or "raw code units (...)"
  int64_t step = -1;
  std::string view_name;  // e.g. "fashion-mnist/test"
};

const char* kRuleText =
    "A dimension is bimodal when all of:\n"
    "(1) dBIC = BIC(1 Gaussian) - BIC(2 Gaussians) > 10: two components very strongly preferred\n"
    "    (BIC = -2 log L + p log M, p = 2 and 5; the mixture fitted by EM from a split at the median);\n"
    "(2) Ashman's D = sqrt(2) |m1 - m2| / sqrt(s1^2 + s2^2) > 2: the modes lie further apart than their\n"
    "    width (for equal halves, where the density turns from one mode into two);\n"
    "(3) dip < 0.75: fewer codes near the midpoint of m1 and m2 than near either mean (windows a quarter\n"
    "    of the gap wide), so a flat dimension is not counted;\n"
    "(4) the smaller component holds at least 5% of the codes.\n"
    "A Gaussian dimension fails (1); a skewed one (exponential, log-normal) passes (1) and fails (2).\n"
    "engine/analysis/latent_bimodality.h";

// w1 N(m1, s1^2) + w2 N(m2, s2^2) at v.
double mixture_pdf(const DimensionBimodality& d, double v) {
  double p = 0;
  for (int c = 0; c < 2; ++c)
    if (d.sds[c] > 0) p += d.weights[c] * std::exp(-0.5 * std::pow((v - d.means[c]) / d.sds[c], 2)) / (d.sds[c] * std::sqrt(2 * M_PI));
  return p;
}

class LatentPairsView : public View {
 public:
  const char* name() const override { return "latent-pairs"; }
  const char* title() const override { return "Latent pairs"; }
  bool busy() const override { return refresh_.in_flight() || wants_refresh_; }
  void reset() override {
    refresh_.invalidate();
    result_.reset();
    hist_valid_ = false;
    follower_.reset();
    error_.clear();
    auto_pick_ = true;
  }
  bool export_png(const std::string& path, float scale, std::string& error) override {
    if (!result_ || !hist_valid_) {
      error = "latent pairs: nothing to export yet";
      return false;
    }
    return export_screen_png(capture_, toast_, pair_rect_, path, scale, error);
  }
  bool supports_csv() const override { return true; }
  bool export_csv(const std::string& path, std::string& error) override {
    if (!result_) {
      error = "latent pairs: nothing to export yet";
      return false;
    }
    const auto r = result_;
    const auto num = [](double v) { return std::isfinite(v) ? fmt::format("{:.9g}", v) : std::string(); };
    return write_text_file(path, [&](std::ostream& out) {
      out << "dim,delta_bic,bic1,bic2,weight1,mean1,sd1,weight2,mean2,sd2,separation,dip_ratio,bimodal\n";
      for (int64_t h = 0; h < r->test.dims; ++h) {
        const DimensionBimodality& d = r->test.per_dim[static_cast<size_t>(h)];
        out << h << ',' << num(d.delta_bic) << ',' << num(d.bic1) << ',' << num(d.bic2) << ',' << num(d.weights[0])
            << ',' << num(d.means[0]) << ',' << num(d.sds[0]) << ',' << num(d.weights[1]) << ',' << num(d.means[1])
            << ',' << num(d.sds[1]) << ',' << num(d.separation) << ',' << num(d.dip_ratio) << ','
            << (d.bimodal ? 1 : 0) << '\n';
      }
    }, error);
  }

  void draw(ViewContext& ctx) override {
    capture_ = ctx.capture;
    toast_ = ctx.toast;
    wants_refresh_ = false;
    if (!has_model_to_show(ctx)) return;
    const auto& ms = *ctx.snapshot->model;
    draw_controls();
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
    const LatentBimodality& t = result_->test;
    ImGui::Text("bimodal latents: %lld of %lld", static_cast<long long>(t.bimodal_count), static_cast<long long>(t.dims));
    ImGui::SameLine();
    ImGui::TextDisabled("(rule: dBIC > %.0f, D > %.0f, dip < %.2f, both weights >= %.2f; hover)", t.options.delta_bic_threshold,
                        t.options.separation_threshold, t.options.dip_ratio_threshold, t.options.min_weight);
    tip(kRuleText);
    ImGui::TextDisabled("encoder means of %lld inputs of %s, model at step %lld%s; %s", static_cast<long long>(t.samples),
                        result_->view_name.c_str(), static_cast<long long>(result_->step),
                        refresh_.in_flight() ? "  (updating ...)" : "", result_->units.c_str());

    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float fs = ImGui::GetFontSize();
    const float table_w = std::max(fs * 30.0f, avail.x * 0.42f);
    const float plot_w = std::max(fs * 10.0f, avail.x - table_w - ImGui::GetStyle().ItemSpacing.x);
    ImGui::BeginGroup();
    draw_pair(ImVec2(plot_w, avail.y));
    ImGui::EndGroup();
    ImGui::SameLine();
    draw_table(ImVec2(-1, avail.y));
  }

 private:
  void draw_controls() {
    const float fs = ImGui::GetFontSize();
    ImGui::SetNextItemWidth(fs * 8);
    if (ImGui::SliderInt("inputs", &limit_, 200, 10000)) refresh_.mark_dirty();
    tip("How many test inputs are encoded (the first N of the test split; the train split when there is none).");
    const int h = result_ ? static_cast<int>(result_->test.dims) : 0;
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 6);
    if (ImGui::SliderInt("x dim", &dim_x_, 0, std::max(0, h - 1))) auto_pick_ = false;
    tip("The latent dimension on the horizontal axis (or click a row of the table).");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 6);
    if (ImGui::SliderInt("y dim", &dim_y_, 0, std::max(0, h - 1))) auto_pick_ = false;
    tip("The latent dimension on the vertical axis (or right-click a row of the table).");
    ImGui::SameLine();
    if (ImGui::Checkbox("most bimodal pair", &auto_pick_)) pick_for_ = nullptr;
    tip("Show the two dimensions with the largest dBIC among the bimodal ones (then the rest), picked anew "
        "with every result.");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 6);
    ImGui::SliderInt("bins", &bins_, 0, 80, bins_ == 0 ? "auto" : "%d");
    tip("Bins per axis of the joint histogram (each axis spans its dimension's [min, max] over the codes); "
        "auto: sqrt(M) within [10, 50].");
  }

  // The two dimensions to show by default: bimodal first, then by delta BIC.
  void pick_pair() {
    const auto& per = result_->test.per_dim;
    std::vector<int> order(per.size());
    std::iota(order.begin(), order.end(), 0);
    const auto key = [&](int h) {
      const auto& d = per[static_cast<size_t>(h)];
      return std::make_pair(d.bimodal ? 1 : 0, std::isfinite(d.delta_bic) ? d.delta_bic : -1e300);
    };
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return key(a) > key(b); });
    if (order.size() >= 2) dim_x_ = order[0], dim_y_ = order[1];
  }

  void update_histogram() {
    const int h = static_cast<int>(result_->test.dims);
    dim_x_ = std::clamp(dim_x_, 0, std::max(0, h - 1));
    dim_y_ = std::clamp(dim_y_, 0, std::max(0, h - 1));
    if (h < 2 || dim_x_ == dim_y_) {
      hist_valid_ = false;
      return;
    }
    const int64_t bins = bins_ > 0 ? bins_
                                   : std::clamp<int64_t>(std::llround(std::sqrt(static_cast<double>(result_->test.samples))), 10, 50);
    if (hist_valid_ && hist_.dim_x == dim_x_ && hist_.dim_y == dim_y_ && hist_.bins == bins && hist_result_ == result_.get())
      return;
    // Only the two columns go to the histogram (the codes may have hundreds).
    const auto pair = result_->codes.index_select(1, torch::tensor({int64_t{dim_x_}, int64_t{dim_y_}}));
    JointHistogramOptions o;
    o.bins = bins;
    hist_ = latent_joint_histogram(pair, 0, 1, o);
    hist_.dim_x = dim_x_;
    hist_.dim_y = dim_y_;
    hist_result_ = result_.get();
    hist_valid_ = true;
  }

  void draw_pair(ImVec2 size) {
    if (auto_pick_ && pick_for_ != result_.get()) {
      pick_pair();
      pick_for_ = result_.get();
    }
    update_histogram();
    if (!hist_valid_) {
      ImGui::TextDisabled(result_->test.dims < 2 ? "One latent dimension: no pair to show."
                                                 : "Pick two different dimensions.");
      return;
    }
    const auto& dx = result_->test.per_dim[static_cast<size_t>(dim_x_)];
    const auto& dy = result_->test.per_dim[static_cast<size_t>(dim_y_)];
    const ImVec2 top_left = ImGui::GetCursorScreenPos();
    ImGui::Text("x = z%d on [%.3g, %.3g]%s    y = z%d on [%.3g, %.3g]%s", dim_x_, hist_.x0, hist_.x1,
                dx.bimodal ? " (bimodal)" : "", dim_y_, hist_.y0, hist_.y1, dy.bimodal ? " (bimodal)" : "");
    ImGui::TextDisabled("in %s", result_->units.c_str());
    size.y = ImGui::GetContentRegionAvail().y - ImGui::GetTextLineHeightWithSpacing();

    auto* dl = ImGui::GetWindowDrawList();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float lh = ImGui::GetTextLineHeight();
    const float label_w = ImGui::CalcTextSize("-00.00").x + 8, bottom = 2 * lh + 8, gap = 4;
    const float marginal = std::max(3 * lh, 0.18f * std::min(size.x, size.y));
    const float side = std::max(
        40.0f, std::min(size.x - label_w - marginal - gap - 6, size.y - marginal - gap - bottom - 2));
    const ImVec2 h0(p.x + label_w, p.y + marginal + gap), h1(h0.x + side, h0.y + side);
    ImGui::InvisibleButton("pair", ImVec2(label_w + side + gap + marginal + 6, marginal + gap + side + bottom));
    const bool hovered = ImGui::IsItemHovered();

    const int64_t b = hist_.bins;
    const float cell = side / static_cast<float>(b);
    const int64_t cmax = std::max<int64_t>(1, *std::max_element(hist_.counts.begin(), hist_.counts.end()));
    dl->AddRectFilled(h0, h1, IM_COL32(24, 24, 30, 255));
    for (int64_t iy = 0; iy < b; ++iy)
      for (int64_t ix = 0; ix < b; ++ix) {
        const int64_t c = hist_.count(ix, iy);
        if (c == 0) continue;
        const auto rgb = colormap_rgb(Colormap::Viridis, static_cast<double>(c) / static_cast<double>(cmax));
        const ImVec2 a(h0.x + ix * cell, h1.y - (iy + 1) * cell);
        dl->AddRectFilled(a, ImVec2(a.x + cell + 0.5f, a.y + cell + 0.5f), IM_COL32(rgb[0], rgb[1], rgb[2], 255));
      }
    const ImU32 frame = IM_COL32(110, 110, 120, 255), dim = ImGui::GetColorU32(ImGuiCol_TextDisabled),
                text = ImGui::GetColorU32(ImGuiCol_Text), fit = IM_COL32(230, 159, 0, 255),
                bar = IM_COL32(86, 180, 233, 200);
    dl->AddRect(h0, h1, frame);

    // Marginals: x along the top, y along the right, each with its two-Gaussian fit in expected counts.
    const ImVec2 t0(h0.x, p.y), t1(h1.x, p.y + marginal);
    const ImVec2 r0(h1.x + gap, h0.y), r1(h1.x + gap + marginal, h1.y);
    const int64_t mx = std::max<int64_t>(1, *std::max_element(hist_.marginal_x.begin(), hist_.marginal_x.end()));
    const int64_t my = std::max<int64_t>(1, *std::max_element(hist_.marginal_y.begin(), hist_.marginal_y.end()));
    const double wx = (hist_.x1 - hist_.x0) / b, wy = (hist_.y1 - hist_.y0) / b;
    const double n_in = static_cast<double>(hist_.samples - hist_.outside);
    double top_x = static_cast<double>(mx), top_y = static_cast<double>(my);
    constexpr int kCurve = 120;
    std::vector<double> fx(kCurve + 1), fy(kCurve + 1);
    for (int i = 0; i <= kCurve; ++i) {
      fx[i] = n_in * wx * mixture_pdf(dx, hist_.x0 + (hist_.x1 - hist_.x0) * i / kCurve);
      fy[i] = n_in * wy * mixture_pdf(dy, hist_.y0 + (hist_.y1 - hist_.y0) * i / kCurve);
      top_x = std::max(top_x, fx[i]);
      top_y = std::max(top_y, fy[i]);
    }
    for (int64_t i = 0; i < b; ++i) {
      const float hx = static_cast<float>(hist_.marginal_x[i] / top_x) * marginal;
      dl->AddRectFilled(ImVec2(t0.x + i * cell + 0.5f, t1.y - hx), ImVec2(t0.x + (i + 1) * cell - 0.5f, t1.y), bar);
      const float hy = static_cast<float>(hist_.marginal_y[i] / top_y) * marginal;
      dl->AddRectFilled(ImVec2(r0.x, r1.y - (i + 1) * cell + 0.5f), ImVec2(r0.x + hy, r1.y - i * cell - 0.5f), bar);
    }
    std::vector<ImVec2> cx, cy;
    for (int i = 0; i <= kCurve; ++i) {
      const float s = side * static_cast<float>(i) / kCurve;
      cx.emplace_back(t0.x + s, t1.y - static_cast<float>(fx[i] / top_x) * marginal);
      cy.emplace_back(r0.x + static_cast<float>(fy[i] / top_y) * marginal, r1.y - s);
    }
    dl->AddPolyline(cx.data(), static_cast<int>(cx.size()), fit, 0, 1.5f);
    dl->AddPolyline(cy.data(), static_cast<int>(cy.size()), fit, 0, 1.5f);
    dl->AddLine(ImVec2(t0.x, t1.y), t1, frame);
    dl->AddLine(r0, ImVec2(r0.x, r1.y), frame);

    // Ticks and axis names.
    for (const Tick& tk : linear_ticks(hist_.x0, hist_.x1, 5)) {
      const float x = h0.x + static_cast<float>((tk.value - hist_.x0) / (hist_.x1 - hist_.x0)) * side;
      dl->AddLine(ImVec2(x, h1.y), ImVec2(x, h1.y + 4), frame);
      const float w = ImGui::CalcTextSize(tk.label.c_str()).x;
      dl->AddText(ImVec2(x - w * 0.5f, h1.y + 5), dim, tk.label.c_str());
    }
    for (const Tick& tk : linear_ticks(hist_.y0, hist_.y1, 5)) {
      const float y = h1.y - static_cast<float>((tk.value - hist_.y0) / (hist_.y1 - hist_.y0)) * side;
      dl->AddLine(ImVec2(h0.x - 4, y), ImVec2(h0.x, y), frame);
      const float w = ImGui::CalcTextSize(tk.label.c_str()).x;
      dl->AddText(ImVec2(h0.x - 6 - w, y - lh * 0.5f), dim, tk.label.c_str());
    }
    const std::string xname = fmt::format("z{}", dim_x_), yname = fmt::format("z{}", dim_y_);
    dl->AddText(ImVec2(h0.x + side * 0.5f - ImGui::CalcTextSize(xname.c_str()).x * 0.5f, h1.y + lh + 6), text, xname.c_str());
    // The y name in the corner above its marginal (there is no vertical text).
    dl->AddText(ImVec2(r0.x + 2, h0.y - lh - 2), text, yname.c_str());

    if (hovered) {
      const ImVec2 m = ImGui::GetIO().MousePos;
      if (m.x >= h0.x && m.x < h1.x && m.y >= h0.y && m.y < h1.y) {
        const int64_t ix = std::clamp<int64_t>(static_cast<int64_t>((m.x - h0.x) / cell), 0, b - 1);
        const int64_t iy = std::clamp<int64_t>(static_cast<int64_t>((h1.y - m.y) / cell), 0, b - 1);
        ImGui::SetTooltip("z%d in [%.3g, %.3g), z%d in [%.3g, %.3g): %lld codes", dim_x_, hist_.x0 + ix * wx,
                          hist_.x0 + (ix + 1) * wx, dim_y_, hist_.y0 + iy * wy, hist_.y0 + (iy + 1) * wy,
                          static_cast<long long>(hist_.count(ix, iy)));
      }
    }
    ImGui::TextDisabled("bars: codes per bin; orange: the two-Gaussian fit; colour: codes per cell, 0 to %lld",
                        static_cast<long long>(cmax));
    // The PNG export: both lines above, the histogram with its marginals, and the legend line.
    const ImVec2 end = ImGui::GetItemRectMax();
    pair_rect_ = {top_left.x, top_left.y, std::max(end.x, p.x + label_w + side + gap + marginal + 6) - top_left.x,
                  end.y - top_left.y};
  }

  void draw_table(ImVec2 size) {
    const auto& per = result_->test.per_dim;
    const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                  ImGuiTableFlags_BordersV | ImGuiTableFlags_Sortable | ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable("dims", 7, flags, size)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("dim", ImGuiTableColumnFlags_DefaultSort);
    ImGui::TableSetupColumn("dBIC");
    ImGui::TableSetupColumn("D");
    ImGui::TableSetupColumn("dip");
    ImGui::TableSetupColumn("w1  m1 +- s1", ImGuiTableColumnFlags_NoSort);
    ImGui::TableSetupColumn("w2  m2 +- s2", ImGuiTableColumnFlags_NoSort);
    ImGui::TableSetupColumn("bimodal");
    ImGui::TableHeadersRow();
    if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs()) {
      if (specs->SpecsDirty || order_.size() != per.size() || order_for_ != result_.get()) {
        order_.resize(per.size());
        std::iota(order_.begin(), order_.end(), 0);
        if (specs->SpecsCount > 0) {
          const int col = specs->Specs[0].ColumnIndex;
          const bool asc = specs->Specs[0].SortDirection == ImGuiSortDirection_Ascending;
          const auto key = [&](int h) {
            const auto& d = per[static_cast<size_t>(h)];
            const double v = col == 1 ? d.delta_bic : col == 2 ? d.separation : col == 3 ? d.dip_ratio
                           : col == 6 ? (d.bimodal ? 1.0 : 0.0) : static_cast<double>(h);
            return std::isnan(v) ? -1e300 : v;
          };
          std::stable_sort(order_.begin(), order_.end(), [&](int a, int b) { return asc ? key(a) < key(b) : key(a) > key(b); });
        }
        specs->SpecsDirty = false;
        order_for_ = result_.get();
      }
    }
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(order_.size()));
    while (clipper.Step())
      for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
        const int h = order_[static_cast<size_t>(row)];
        const auto& d = per[static_cast<size_t>(h)];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        const bool shown = h == dim_x_ || h == dim_y_;
        const std::string label = fmt::format("z{}{}", h, h == dim_x_ ? " (x)" : h == dim_y_ ? " (y)" : "");
        if (ImGui::Selectable(label.c_str(), shown, ImGuiSelectableFlags_SpanAllColumns)) {
          dim_x_ = h;
          auto_pick_ = false;
        }
        if (ImGui::IsItemClicked(ImGuiMouseButton_Right)) {
          dim_y_ = h;
          auto_pick_ = false;
        }
        tip("Click: show this dimension on x; right-click: on y.");
        const auto cell = [](double v, const char* f) {
          ImGui::TableNextColumn();
          if (std::isfinite(v)) ImGui::Text(f, v);
          else ImGui::TextDisabled("-");
        };
        cell(d.delta_bic, "%.1f");
        cell(d.separation, "%.2f");
        cell(d.dip_ratio, "%.2f");
        ImGui::TableNextColumn();
        ImGui::Text("%.2f  %.3g +- %.3g", d.weights[0], d.means[0], d.sds[0]);
        ImGui::TableNextColumn();
        ImGui::Text("%.2f  %.3g +- %.3g", d.weights[1], d.means[1], d.sds[1]);
        ImGui::TableNextColumn();
        if (d.bimodal) ImGui::TextColored(ImVec4(0.9f, 0.62f, 0.0f, 1), "yes");
        else ImGui::TextDisabled("no");
      }
    ImGui::EndTable();
  }

  void request(ViewContext& ctx) {
    auto ms = ctx.snapshot->model;
    auto data = ctx.session->data();
    const int64_t limit = limit_;
    follower_.requested(ms->step);
    refresh_.start(*ctx.tasks, [this, ms, data, limit](TaskContext& tc) -> std::function<void()> {
      auto out = std::make_shared<PairsResult>();
      std::string error;
      try {
        const Dataset& view = data->test.size() > 0 ? data->test : data->train;
        LatentCodeOptions options;
        options.limit = std::min<int64_t>(limit, view.size());
        const auto keep_going = [&tc](int64_t, int64_t) { return !tc.cancelled(); };
        const LatentCodes codes = encode_dataset(*ms->model, view, options, keep_going);
        Model& model = *ms->model;
        try {
          torch::NoGradGuard no_grad;
          const auto mu = codes.mu.to(model.device());
          out->codes = model.to_prior_units(mu).to(torch::kCPU, torch::kFloat32).contiguous();
          std::string units = model.prior_scale(mu.slice(0, 0, 1)).describe(model.latent_groups());
          const std::string at = "at the current code", with = "at each code's upper layers";
          for (auto pos = units.find(at); pos != std::string::npos; pos = units.find(at, pos + with.size()))
            units.replace(pos, at.size(), with);
          out->units = "prior units: sd of " + units;
        } catch (const std::exception& e) {
          out->codes = codes.mu.to(torch::kCPU, torch::kFloat32).contiguous();
          out->units = std::string("raw code units (the model gave no prior units: ") + e.what() + ")";
        }
        out->test = latent_bimodality(out->codes, {}, keep_going);
        out->step = ms->step;
        out->view_name = view.name;
      } catch (const TaskCancelled&) {
        throw;
      } catch (const std::exception& e) {
        error = e.what();
      }
      return [this, out, error] {
        error_ = error;
        if (error.empty()) result_ = out;
      };
    });
  }

  CaptureRequester capture_;
  Toaster toast_;
  ScreenRect pair_rect_;
  std::shared_ptr<PairsResult> result_;
  JointHistogram hist_;
  bool hist_valid_ = false;
  const PairsResult* hist_result_ = nullptr;  // the result hist_ was binned from
  const PairsResult* pick_for_ = nullptr;     // the result the automatic pair was picked for
  std::vector<int> order_;                    // table rows in the sort order
  const PairsResult* order_for_ = nullptr;
  LatestTask refresh_{"encode codes for their bimodality"};
  bool wants_refresh_ = false;
  SnapshotFollower follower_;
  std::string error_;
  int limit_ = 2000;
  int dim_x_ = 0, dim_y_ = 1;
  bool auto_pick_ = true;
  int bins_ = 0;  // 0: auto
};

}  // namespace

std::unique_ptr<View> make_latent_pairs_view() { return std::make_unique<LatentPairsView>(); }

}  // namespace gui
}  // namespace vaelab
