// The traversals view (noise-modelling paper Fig. 5-7; spec §6): rows are seed images, blocks are latent
// dimensions ordered by the per-factor information I~(x; z_h), each block sweeping z_h over
// z_seed,h +- R; by default only dimensions with I~(x; z_h) > 0.5. Beside the grid, bar plots of
// I~(x; z_h) and of the mean posterior variance per dimension (the paper's Fig. 6).
// Units (issue 14): R counts standard deviations of each dimension's prior at the seed's code
// (Model::prior_scale: N(0,1); the Ladder's p(z_l | z_{l+1}) at the seed's z_{l+1}, the layers below
// following in their own prior units so an upper layer's sweep reaches the decoder; VaDE's mixture; HEBAE's
// empirical prior), and the indicators measure each group against its own prior (analysis/indicators.h).
// A line above the grid names the units.
//
// [SECTION] state and helpers
// [SECTION] background work: indicators + seed codes + decoding in one keyed job
// [SECTION] drawing: controls, grid with block labels, bar plots
// [SECTION] exports
//
// Threading: everything slow runs in one LatestTask on the snapshot's model; its closure installs the
// result on the UI thread. While training runs the grid refreshes at most every 3 s.
#include <imgui.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <memory>

#include <fmt/format.h>

#include "analysis/indicators.h"
#include "analysis/latent_grid.h"
#include "analysis/traversal.h"
#include "core/latest_task.h"
#include "core/main_thread_tasks.h"
#include "gl/texture.h"
#include "models/prior_units.h"
#include "png_file.h"
#include "session/session.h"
#include "views/snapshot_follower.h"
#include "views/view.h"
#include "text_file.h"

namespace vaelab {
namespace gui {
namespace {

// [SECTION] state and helpers

constexpr int kPad = 1;        // pixels between images of one sweep
constexpr int kBlockGap = 6;   // pixels between blocks (and after the seed column)
constexpr int64_t kIndicatorInputs = 2000;  // M: evaluation inputs behind I~ and the variances

// What one job computes.
struct TraversalResult {
  Indicators indicators;
  std::vector<int64_t> dims;       // traversed, in block order
  ImageBytes inputs;               // the seed images, [seeds]
  ImageBytes images;               // (seed, dim, step) layout of traversal.h
  int cell_w = 0, cell_h = 0, seeds = 0, steps = 0;
  int64_t step = -1;
  std::string note;                // e.g. why no dimension is shown
  std::string units;               // the traversed group's prior units at the seeds
};

// The grid as one image: blocks (one per dimension, seeds x steps cells) placed `per_row` to a
// block-row; each block-row starts with the column of seed inputs and leaves `label_px` rows above
// itself for the labels the view draws there.
struct TraversalMosaic {
  ImageBytes image;                   // one RGB image
  std::vector<int> block_x, block_y;  // top-left pixel of each block (below its label band)
  int per_row = 0, label_px = 0;
};

// Copies image `index` of `images` (8-bit, C = 1 or 3) into the RGB mosaic at (x, y).
void blit(const ImageBytes& images, int64_t index, ImageBytes& mosaic, int x, int y) {
  const int64_t w = images.width, h = images.height, c = images.channels;
  const uint8_t* src = images.pixels.data() + index * w * h * c;
  for (int64_t r = 0; r < h; ++r)
    for (int64_t col = 0; col < w; ++col) {
      uint8_t* dst = mosaic.pixels.data() + ((static_cast<size_t>(y + r) * mosaic.width) + x + col) * 3;
      const uint8_t* s = src + (r * w + col) * c;
      dst[0] = s[0];
      dst[1] = c == 3 ? s[1] : s[0];
      dst[2] = c == 3 ? s[2] : s[0];
    }
}

TraversalMosaic compose_traversals(const TraversalResult& r, int per_row, int label_px) {
  TraversalMosaic m;
  const int w = r.cell_w, h = r.cell_h, nd = static_cast<int>(r.dims.size());
  per_row = std::max(1, std::min(per_row, nd));
  const int block_w = r.steps * w + (r.steps - 1) * kPad, block_h = r.seeds * h + (r.seeds - 1) * kPad;
  const int block_rows = (nd + per_row - 1) / per_row;
  m.per_row = per_row;
  m.label_px = label_px;
  m.image = rgb_image(w + per_row * (kBlockGap + block_w),
                      block_rows * (label_px + block_h) + (block_rows - 1) * kBlockGap, 28);
  for (int br = 0; br < block_rows; ++br) {
    const int y0 = br * (label_px + block_h + kBlockGap) + label_px;
    for (int s = 0; s < r.seeds; ++s) blit(r.inputs, s, m.image, 0, y0 + s * (h + kPad));
  }
  for (int d = 0; d < nd; ++d) {
    const int x0 = w + kBlockGap + (d % per_row) * (kBlockGap + block_w);
    const int y0 = (d / per_row) * (label_px + block_h + kBlockGap) + label_px;
    m.block_x.push_back(x0);
    m.block_y.push_back(y0);
    for (int s = 0; s < r.seeds; ++s)
      for (int t = 0; t < r.steps; ++t)
        blit(r.images, (static_cast<int64_t>(s) * nd + d) * r.steps + t, m.image, x0 + t * (w + kPad), y0 + s * (h + kPad));
  }
  return m;
}

// A bar per dimension, with a dashed threshold line; highlighted bars drawn brighter. Draws into the
// current window at the cursor, `size` in logical pixels, with its own title and axis labels.
void bar_chart(const char* title, const std::vector<double>& values, const std::vector<bool>& highlight,
               double threshold, ImVec2 size) {
  ImGui::TextUnformatted(title);
  auto* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float label_w = ImGui::CalcTextSize("00.00").x + 6;
  const float line_h = ImGui::GetTextLineHeight();
  const ImVec2 a(p.x + label_w, p.y + 4), b(p.x + size.x, p.y + size.y - line_h - 2);
  ImGui::InvisibleButton(title, size);
  const bool hovered = ImGui::IsItemHovered();
  dl->AddRect(a, b, IM_COL32(90, 90, 100, 255));
  double vmax = std::isfinite(threshold) ? threshold : 0.0;
  for (double v : values)
    if (std::isfinite(v)) vmax = std::max(vmax, v);
  vmax = vmax > 0 ? vmax * 1.08 : 1.0;
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text), dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const std::string top = fmt::format("{:.2f}", vmax);
  dl->AddText(ImVec2(p.x, a.y - 2), dim, top.c_str());
  dl->AddText(ImVec2(p.x + label_w - ImGui::CalcTextSize("0").x - 4, b.y - line_h + 2), dim, "0");
  const int n = static_cast<int>(values.size());
  if (n == 0) return;
  const float w = (b.x - a.x) / static_cast<float>(n);
  auto y_of = [&](double v) { return b.y - static_cast<float>(v / vmax) * (b.y - a.y); };
  for (int i = 0; i < n; ++i) {
    const double v = std::isfinite(values[static_cast<size_t>(i)]) ? values[static_cast<size_t>(i)] : 0.0;
    const bool hi = i < static_cast<int>(highlight.size()) && highlight[static_cast<size_t>(i)];
    const ImU32 col = hi ? IM_COL32(230, 159, 0, 255) : IM_COL32(86, 180, 233, 200);
    dl->AddRectFilled(ImVec2(a.x + i * w + std::min(1.0f, w * 0.15f), y_of(v)),
                      ImVec2(a.x + (i + 1) * w - std::min(1.0f, w * 0.15f), b.y), col);
  }
  // Dashed threshold line with its value (none when threshold is NaN).
  if (std::isfinite(threshold)) {
    const float ty = y_of(threshold);
    for (float x = a.x; x < b.x; x += 8)
      dl->AddLine(ImVec2(x, ty), ImVec2(std::min(x + 4, b.x), ty), IM_COL32(255, 110, 110, 255), 1.5f);
    const std::string t = fmt::format("{:.1f}", threshold);
    dl->AddText(ImVec2(p.x, ty - line_h * 0.5f), IM_COL32(255, 110, 110, 255), t.c_str());
  }
  // Dimension indices under the bars (every k-th so they do not overlap).
  const float digit_w = ImGui::CalcTextSize("00").x + 4;
  const int every = std::max(1, static_cast<int>(std::ceil(digit_w / std::max(w, 1.0f))));
  for (int i = 0; i < n; i += every) {
    const std::string s = std::to_string(i);
    const float sw = ImGui::CalcTextSize(s.c_str()).x;
    dl->AddText(ImVec2(a.x + (i + 0.5f) * w - sw * 0.5f, b.y + 1), text, s.c_str());
  }
  if (hovered) {
    const float mx = ImGui::GetMousePos().x;
    const int i = static_cast<int>((mx - a.x) / w);
    if (i >= 0 && i < n) ImGui::SetTooltip("z%d: %.4g", i, values[static_cast<size_t>(i)]);
  }
}

class TraversalsView : public View {
 public:
  const char* name() const override { return "traversals"; }
  const char* title() const override { return "Traversals"; }
  void draw(ViewContext& ctx) override;
  bool export_png(const std::string& path, float scale, std::string& error) override;
  bool supports_csv() const override { return true; }
  bool export_csv(const std::string& path, std::string& error) override;
  bool busy() const override { return refresh_.in_flight() || wants_refresh_; }
  void reset() override {
    result_.reset();
    mosaic_.reset();
    mosaic_result_ = nullptr;
    refresh_.invalidate();
  }

 private:
  void request(ViewContext& ctx);
  void draw_grid(ViewContext& ctx, ImVec2 avail);
  void draw_bars(ViewContext& ctx, float width);

  std::shared_ptr<TraversalResult> result_;
  std::shared_ptr<TraversalMosaic> mosaic_;        // result_ laid out for the current width
  const TraversalResult* mosaic_result_ = nullptr;
  Texture texture_;
  LatestTask refresh_{"traversals"};
  bool wants_refresh_ = false;  // last frame found the grid out of date (busy() for headless shots)
  SnapshotFollower follower_{std::chrono::seconds(3)};
  std::string error_;

  // controls
  int seeds_ = 4;
  int seed_offset_ = 0;
  float radius_ = 3.0f;
  int steps_ = 7;
  bool only_influential_ = true;
  float threshold_ = 0.5f;
  int max_dims_ = 8;
  int group_ = 0;
};

// [SECTION] background work

void TraversalsView::request(ViewContext& ctx) {
  auto ms = ctx.snapshot->model;
  auto data = ctx.session->data();
  const auto groups = ms->model->latent_groups();
  const LatentGroup group = groups[static_cast<size_t>(std::clamp(group_, 0, static_cast<int>(groups.size()) - 1))];
  const int seeds = seeds_, offset = seed_offset_, steps = steps_, max_dims = max_dims_;
  const double radius = radius_, threshold = threshold_;
  const bool only = only_influential_;
  follower_.requested(ms->step);
  refresh_.start(*ctx.tasks, [this, ms, data, groups, group, seeds, offset, steps, max_dims, radius, threshold,
                              only](TaskContext&) -> std::function<void()> {
    auto out = std::make_shared<TraversalResult>();
    std::string error;
    try {
      const Dataset& set = data->test.size() > 0 ? data->test : data->train;
      IndicatorOptions io;
      io.limit = kIndicatorInputs;
      io.influential_information = threshold;
      const auto qp = collect_posteriors_against_prior(*ms->model, set, io);
      out->indicators = compute_indicators(qp, ms->model->latent_groups(), io);
      out->dims = traversal_dims(out->indicators, group, only, threshold, max_dims);
      out->step = ms->step;
      if (out->dims.empty()) {
        out->note = fmt::format("No dimension of {} has I~(x; z_h) > {:.2f} yet: untick \"only informative\" to "
                                "traverse the most informative ones anyway.", group.name, threshold);
      } else {
        // Seed codes: posterior means of rows spread evenly over the evaluation set (some sets are
        // sorted by class), shifted by the "Other seeds" offset.
        const int64_t n = set.size();
        auto rows = (torch::arange(seeds, torch::kLong) * std::max<int64_t>(1, n / seeds) + offset) % n;
        torch::NoGradGuard no_grad;
        const Batch batch = set.batch(rows, ms->model->device());
        auto seed_mu = ms->model->encode(batch).mu;
        auto inputs = to_image_bytes(batch.x);
        TraversalOptions to;
        to.radius = radius;
        to.steps = steps;
        // Offsets in prior standard deviations at each seed; the layers below follow (prior_units.h).
        const auto codes = prior_traversal_codes(*ms->model, seed_mu, out->dims, traversal_offsets(to));
        torch::Tensor y;
        if (batch.y.defined())
          y = batch.y.to(torch::kLong).flatten().repeat_interleave(static_cast<int64_t>(out->dims.size()) * steps);
        out->images = decode_to_images(*ms->model, codes, y);
        const auto units = ms->model->prior_scale(seed_mu).units;
        const size_t gi = static_cast<size_t>(std::find_if(groups.begin(), groups.end(), [&](const LatentGroup& g) {
                                                return g.name == group.name;
                                              }) - groups.begin());
        out->units = gi < units.size() ? units[gi] : std::string("N(0,1)");
        const std::string at_seed = "at the current code";
        if (const auto pos = out->units.find(at_seed); pos != std::string::npos)
          out->units.replace(pos, at_seed.size(), "at the seed's code");
        out->inputs = std::move(inputs);
        out->cell_w = static_cast<int>(out->images.width);
        out->cell_h = static_cast<int>(out->images.height);
        out->seeds = seeds;
        out->steps = steps;
      }
    } catch (const std::exception& e) {
      error = e.what();
    }
    return [this, out, error] {
      error_ = error;
      if (!error.empty()) return;
      result_ = out;
    };
  });
}

// [SECTION] drawing

void TraversalsView::draw_grid(ViewContext& ctx, ImVec2 avail) {
  const auto& r = *result_;
  if (r.dims.empty() || r.cell_w == 0) {
    ImGui::TextWrapped("%s", r.note.c_str());
    return;
  }
  // Layout: the blocks-per-row that allows the largest zoom with everything visible; zooms >= 2 are
  // rounded down to whole pixels (nearest filtering stays even), smaller ones kept (the child scrolls
  // only when even zoom 1 does not fit).
  const float line = ImGui::GetTextLineHeight();
  const int nd = static_cast<int>(r.dims.size());
  const int block_w = r.steps * r.cell_w + (r.steps - 1) * kPad, block_h = r.seeds * r.cell_h + (r.seeds - 1) * kPad;
  float zoom = 0;
  int per_row = 1;
  for (int pr = 1; pr <= nd; ++pr) {
    const int rows = (nd + pr - 1) / pr;
    const float zw = avail.x / static_cast<float>(r.cell_w + pr * (kBlockGap + block_w));
    const float zh = (avail.y - rows * (2 * line + 2)) / static_cast<float>(rows * block_h + (rows - 1) * kBlockGap);
    const float z = std::min(zw, zh);
    if (z > zoom) {
      zoom = z;
      per_row = pr;
    }
  }
  if (zoom >= 2.0f) zoom = std::floor(zoom);
  else if (zoom < 1.0f) {
    // Too small to show everything: zoom 1 with as many blocks per row as fit, and scroll.
    per_row = std::max(1, std::min(nd, static_cast<int>((avail.x - r.cell_w) / (kBlockGap + block_w))));
    zoom = std::min(1.0f, std::max(0.25f, avail.x / static_cast<float>(r.cell_w + per_row * (kBlockGap + block_w))));
  }
  const int label_px = static_cast<int>(std::ceil((2 * line + 2) / zoom));
  if (!mosaic_ || mosaic_result_ != result_.get() || mosaic_->per_row != per_row || mosaic_->label_px != label_px) {
    mosaic_ = std::make_shared<TraversalMosaic>(compose_traversals(r, per_row, label_px));
    mosaic_result_ = result_.get();
    texture_.upload(static_cast<int>(mosaic_->image.width), static_cast<int>(mosaic_->image.height), 3,
                    mosaic_->image.pixels.data(), true);
  }
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::Image(texture_.imgui_id(), ImVec2(mosaic_->image.width * zoom, mosaic_->image.height * zoom));
  // Labels in each block's band: the dimension and its I~.
  auto* dl = ImGui::GetWindowDrawList();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text), dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  for (size_t d = 0; d < r.dims.size(); ++d) {
    const float x = origin.x + mosaic_->block_x[d] * zoom;
    const float y = origin.y + (mosaic_->block_y[d] - label_px) * zoom;
    const int64_t h = r.dims[d];
    const auto& info = r.indicators.mutual_information_per_dim;
    const double v = h < static_cast<int64_t>(info.size()) ? info[static_cast<size_t>(h)] : NAN;
    const std::string a = std::isfinite(v) ? fmt::format("z{}   I~ = {:.2f} nats", h, v) : fmt::format("z{}", h);
    dl->AddText(ImVec2(x, y), text, a.c_str());
    if (d % static_cast<size_t>(mosaic_->per_row) == 0 && r.cell_w * zoom >= ImGui::CalcTextSize("seed").x)
      dl->AddText(ImVec2(origin.x, y + line), dim, "seed");
    const std::string b = fmt::format("-{:.1f}", radius_), c = fmt::format("+{:.1f}", radius_);
    const float block_px = (r.steps * r.cell_w + (r.steps - 1) * kPad) * zoom;
    dl->AddText(ImVec2(x, y + line), dim, b.c_str());
    dl->AddText(ImVec2(x + block_px - ImGui::CalcTextSize(c.c_str()).x, y + line), dim, c.c_str());
  }
  (void)ctx;
}

void TraversalsView::draw_bars(ViewContext& ctx, float width) {
  const auto& ind = result_->indicators;
  std::vector<bool> traversed(static_cast<size_t>(ind.latent), false);
  for (int64_t d : result_->dims) traversed[static_cast<size_t>(d)] = true;
  const float h = std::max(120.0f, (ImGui::GetContentRegionAvail().y - 4 * ImGui::GetTextLineHeightWithSpacing()) * 0.5f);
  const float chart_h = std::min(h, 220.0f * ctx.ui_scale);
  if (ind.deterministic) {
    ImGui::TextWrapped("Deterministic encoder: no posterior variance, so no I~; dimensions ordered by the variance of mu.");
    bar_chart("s_h^2 = mean mu_h^2 per dimension", ind.qstar_variance, traversed, NAN, ImVec2(width, chart_h));
    return;
  }
  bar_chart("I~(x; z_h) per dimension (nats)", ind.mutual_information_per_dim, traversed, threshold_, ImVec2(width, chart_h));
  ImGui::Spacing();
  bar_chart("mean posterior variance per dimension (prior units)", ind.mean_posterior_variance, traversed, ind.inactive_variance_threshold,
            ImVec2(width, chart_h));
  ImGui::TextDisabled("orange: traversed; M = %lld inputs", static_cast<long long>(ind.samples));
  ImGui::Text("I~(x;z) %.2f  D~ %.2f", ind.mutual_information, ind.average_kl);
  ImGui::Text("#I~>%.1f: %lld  #var>%.1f: %lld", ind.influential_information_threshold,
              static_cast<long long>(ind.influential_count), ind.inactive_variance_threshold,
              static_cast<long long>(ind.inactive_count));
}

void TraversalsView::draw(ViewContext& ctx) {
  wants_refresh_ = false;
  if (!has_model_to_show(ctx)) return;
  const auto& ms = *ctx.snapshot->model;
  if (!ms.spec.shape.is_image()) {
    ImGui::TextDisabled("Traversals show decoded images; this run's data are vectors (%s).", ms.spec.shape.str().c_str());
    return;
  }
  // Controls.
  const float s = ctx.ui_scale;
  ImGui::SetNextItemWidth(90 * s);
  if (ImGui::SliderInt("seeds", &seeds_, 1, 8)) refresh_.mark_dirty();
  ImGui::SameLine();
  if (ImGui::Button("Other seeds")) {
    seed_offset_ += 1;
    refresh_.mark_dirty();
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(100 * s);
  if (ImGui::SliderFloat("range +-", &radius_, 0.5f, 6.0f, "%.1f")) refresh_.mark_dirty();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Half-width of each sweep in standard deviations of the dimension's prior at the seed's code.");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90 * s);
  if (ImGui::SliderInt("steps", &steps_, 3, 15)) refresh_.mark_dirty();
  ImGui::SameLine();
  if (ImGui::Checkbox("only informative", &only_influential_)) refresh_.mark_dirty();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Only dimensions with I~(x; z_h) above the threshold (the paper's 0.5 nats).");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(80 * s);
  if (ImGui::SliderFloat("threshold", &threshold_, 0.0f, 3.0f, "%.2f")) refresh_.mark_dirty();
  ImGui::SameLine();
  ImGui::SetNextItemWidth(80 * s);
  if (ImGui::SliderInt("max dims", &max_dims_, 1, 32)) refresh_.mark_dirty();
  const auto groups = ms.model->latent_groups();
  if (groups.size() > 1) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(110 * s);
    std::string current = groups[static_cast<size_t>(std::clamp(group_, 0, static_cast<int>(groups.size()) - 1))].name;
    if (ImGui::BeginCombo("layer", current.c_str())) {
      for (int g = 0; g < static_cast<int>(groups.size()); ++g)
        if (ImGui::Selectable(groups[static_cast<size_t>(g)].name.c_str(), g == group_)) {
          group_ = g;
          refresh_.mark_dirty();
        }
      ImGui::EndCombo();
    }
  }

  // Refresh: on change, or on a newer model (throttled while training).
  const bool training = ctx.snapshot->progress.state == RunState::Running;
  const bool stale = follower_.stale(ms.step, training);
  if (!refresh_.in_flight() && (refresh_.dirty() || stale) && ctx.tasks) request(ctx);
  wants_refresh_ = refresh_.dirty() || (stale && !training);

  if (!error_.empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", error_.c_str());
  if (!result_) {
    ImGui::TextDisabled("Computing I~(x; z_h) and decoding traversals ...");
    return;
  }
  ImGui::TextDisabled("model at step %lld; rows: seed images; each block sweeps z_h over z_seed,h -%.1f .. +%.1f sd (left to right)%s",
                      static_cast<long long>(result_->step), radius_, radius_, refresh_.in_flight() ? "  (updating ...)" : "");
  ImGui::TextDisabled("units: sd of %s (I~ and D~ measure each group against its own prior)", result_->units.c_str());
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float bars_w = 300.0f * s;
  const float grid_w = avail.x - bars_w - ImGui::GetStyle().ItemSpacing.x * 2;
  ImGui::BeginChild("grid", ImVec2(grid_w, avail.y), false, ImGuiWindowFlags_HorizontalScrollbar);
  draw_grid(ctx, ImVec2(grid_w, avail.y - ImGui::GetTextLineHeightWithSpacing()));
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("bars", ImVec2(bars_w, avail.y), false);
  draw_bars(ctx, bars_w - ImGui::GetStyle().WindowPadding.x);
  ImGui::EndChild();
}

// [SECTION] exports

bool TraversalsView::export_png(const std::string& path, float scale, std::string& error) {
  if (!result_ || result_->dims.empty()) {
    error = "traversals: nothing to export yet";
    return false;
  }
  // Blocks laid out as shown, without the label bands (labels are ImGui text; the CSV lists the dims).
  const auto m = compose_traversals(*result_, mosaic_ ? mosaic_->per_row : static_cast<int>(result_->dims.size()), 0);
  return write_png(path, upscale_nearest(m.image, std::max(1, static_cast<int>(std::lround(scale)))), error);
}

bool TraversalsView::export_csv(const std::string& path, std::string& error) {
  if (!result_) {
    error = "traversals: nothing to export yet";
    return false;
  }
  return write_text_file(path, [&](std::ostream& out) {
    const auto& ind = result_->indicators;
    out << "dim,mutual_information,mean_posterior_variance,qstar_variance,traversal_rank\n";
    for (int64_t h = 0; h < ind.latent; ++h) {
      auto it = std::find(result_->dims.begin(), result_->dims.end(), h);
      const auto at = [](const std::vector<double>& v, int64_t i) {
        return i < static_cast<int64_t>(v.size()) ? v[static_cast<size_t>(i)] : NAN;
      };
      out << h << ',' << at(ind.mutual_information_per_dim, h) << ',' << at(ind.mean_posterior_variance, h) << ','
          << at(ind.qstar_variance, h) << ',';
      if (it != result_->dims.end()) out << (it - result_->dims.begin());
      out << '\n';
    }
  }, error);
}

}  // namespace

std::unique_ptr<View> make_traversals_view() { return std::make_unique<TraversalsView>(); }

}  // namespace gui
}  // namespace vaelab
