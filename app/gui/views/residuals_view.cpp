// The residuals view (noise-modelling paper Fig. 9, 15, 16; spec §6): for a few evaluation images, the
// input, its reconstruction x^ = G(mu(x)), the map |x - x^| (with a colour bar) and, for the
// mixture-of-Gaussians noise model, the per-pixel component membership argmax_k gamma_dk with sigma_k^2
// and pi_k; below, a histogram of the residuals with the noise density overlaid (the learned Gaussian or
// MoG, or for other models a Gaussian fitted to these residuals, labelled as such).
//
// [SECTION] state and helpers
// [SECTION] background work (one keyed job on the snapshot's model)
// [SECTION] drawing: image rows with labels, colour bar, membership legend, histogram
// [SECTION] exports
#include <imgui.h>
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <fstream>
#include <memory>

#include <fmt/format.h>

#include "analysis/latent_grid.h"
#include "analysis/residual_maps.h"
#include "core/latest_task.h"
#include "core/main_thread_tasks.h"
#include "gl/texture.h"
#include "png_file.h"
#include "session/session.h"
#include "views/snapshot_follower.h"
#include "views/view.h"
#include "widgets/colormap.h"
#include "widgets/plot.h"
#include "text_file.h"

namespace vaelab {
namespace gui {
namespace {

// [SECTION] state and helpers

constexpr int kPad = 2;           // pixels between cells of the mosaic
constexpr int kHistogramBins = 160;  // bins of 0.0125 over [-1, 1]: resolves sigma_k ~ 0.01 components

std::array<uint8_t, 3> component_color(int64_t k) {
  const ImU32 c = plot_palette(static_cast<int>(k));
  return {static_cast<uint8_t>(c & 0xFF), static_cast<uint8_t>((c >> 8) & 0xFF), static_cast<uint8_t>((c >> 16) & 0xFF)};
}

struct ResidualResult {
  ResidualMaps maps;
  bool image = false;
  ImageBytes mosaic;                 // one RGB image; rows: input, reconstruction, |r|, membership (MoG only)
  std::vector<std::string> row_names;
  int cell_w = 0, cell_h = 0, count = 0;
  double abs_max = 0;                // top of the |r| colour scale
  Histogram histogram;
  std::vector<double> density_r, density;  // noise density on a fine grid
  double mean_abs = 0, rms = 0;
  int64_t step = -1;
};

// Fills row `row` of the mosaic from per-cell RGB images (count cells of w x h, RGB contiguous).
void put_row(ImageBytes& mosaic, int row, int count, int w, int h, const std::vector<uint8_t>& rgb) {
  for (int i = 0; i < count; ++i)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const size_t src = ((static_cast<size_t>(i) * h + y) * w + x) * 3;
        const size_t dst = ((static_cast<size_t>(row) * (h + kPad) + y) * mosaic.width + i * (w + kPad) + x) * 3;
        std::copy_n(rgb.data() + src, 3, mosaic.pixels.data() + dst);
      }
}

// 8-bit images (C = 1 or 3) to RGB.
std::vector<uint8_t> to_rgb(const ImageBytes& im) {
  const size_t n = static_cast<size_t>(im.count * im.height * im.width);
  std::vector<uint8_t> rgb(n * 3);
  for (size_t p = 0; p < n; ++p)
    for (int c = 0; c < 3; ++c) rgb[p * 3 + c] = im.pixels[p * im.channels + (im.channels == 3 ? c : 0)];
  return rgb;
}

ResidualResult compute(Model& model, const Dataset& set, int count, int offset, int64_t step) {
  ResidualResult out;
  out.step = step;
  const int64_t n = set.size();
  // Rows spread evenly over the set (some sets are sorted by class), shifted by "Other images".
  auto rows = (torch::arange(count, torch::kLong) * std::max<int64_t>(1, n / count) + offset) % n;
  out.maps = residual_maps(model, set.batch(rows, torch::kCPU));
  const auto& r = out.maps.residuals;
  out.mean_abs = r.abs().mean().item<double>();
  out.rms = r.pow(2).mean().sqrt().item<double>();
  const double lim = std::max(1e-3, std::min(1.0, r.abs().max().item<double>()));
  out.histogram = density_histogram(r, kHistogramBins, -lim, lim);
  for (int i = 0; i <= 400; ++i) out.density_r.push_back(-lim + 2.0 * lim * i / 400.0);
  out.density = zero_mean_mixture_density(out.density_r, out.maps.noise_weights, out.maps.noise_variances);
  out.image = set.shape.is_image();
  if (!out.image) return out;

  auto inputs = to_image_bytes(out.maps.inputs);
  auto recon = to_image_bytes(out.maps.reconstructions.clamp(0.0, 1.0));
  const int w = static_cast<int>(inputs.width), h = static_cast<int>(inputs.height);
  const int rows_n = out.maps.membership.defined() ? 4 : 3;
  out.cell_w = w;
  out.cell_h = h;
  out.count = count;
  out.mosaic = rgb_image(count * w + (count - 1) * kPad, rows_n * h + (rows_n - 1) * kPad, 28);
  put_row(out.mosaic, 0, count, w, h, to_rgb(inputs));
  put_row(out.mosaic, 1, count, w, h, to_rgb(recon));
  out.row_names = {"input x", "reconstruction", "|x - x^|"};
  // |r| averaged over channels, on one colour scale for all images (0 .. max).
  auto abs_map = r.abs().mean(1).contiguous();  // [B, H, W]
  out.abs_max = std::max(1e-6, abs_map.max().item<double>());
  std::vector<float> values(abs_map.data_ptr<float>(), abs_map.data_ptr<float>() + abs_map.numel());
  auto rgba = colorize(values, 0.0, out.abs_max, Colormap::Magma);
  std::vector<uint8_t> rgb(values.size() * 3);
  for (size_t p = 0; p < values.size(); ++p) std::copy_n(rgba.data() + p * 4, 3, rgb.data() + p * 3);
  put_row(out.mosaic, 2, count, w, h, rgb);
  if (out.maps.membership.defined()) {
    // Membership per pixel: the first channel's component (channels share a colour per pixel).
    auto m = out.maps.membership.select(1, 0).contiguous();
    const int64_t* k = m.data_ptr<int64_t>();
    std::vector<uint8_t> mem(static_cast<size_t>(m.numel()) * 3);
    for (int64_t p = 0; p < m.numel(); ++p) {
      const auto c = component_color(k[p]);
      std::copy(c.begin(), c.end(), mem.begin() + p * 3);
    }
    put_row(out.mosaic, 3, count, w, h, mem);
    out.row_names.push_back("membership");
  }
  return out;
}

class ResidualsView : public View {
 public:
  ResidualsView() : histogram_plot_("residual-histogram") {
    histogram_plot_.title = "residuals r = x - x^ and noise density";
    histogram_plot_.x_label = "r";
    histogram_plot_.y_label = "density";
  }
  const char* name() const override { return "residuals"; }
  const char* title() const override { return "Residuals"; }
  void draw(ViewContext& ctx) override;
  bool export_png(const std::string& path, float scale, std::string& error) override;
  bool supports_csv() const override { return true; }
  bool export_csv(const std::string& path, std::string& error) override;
  bool busy() const override { return refresh_.in_flight() || wants_refresh_; }
  void reset() override {
    result_.reset();
    refresh_.invalidate();
  }

 private:
  void request(ViewContext& ctx);
  void draw_maps(ViewContext& ctx, float height);
  void draw_colour_bar(ImVec2 pos, float height, double vmax);

  std::shared_ptr<ResidualResult> result_;
  Texture texture_;
  bool texture_dirty_ = false;
  LatestTask refresh_{"residuals"};
  bool wants_refresh_ = false;  // last frame found the maps out of date (busy() for headless shots)
  SnapshotFollower follower_;
  std::string error_;
  int count_ = 8;
  int offset_ = 0;
  bool log_y_ = false;
  Plot histogram_plot_;
};

// [SECTION] background work

void ResidualsView::request(ViewContext& ctx) {
  auto ms = ctx.snapshot->model;
  auto data = ctx.session->data();
  const int count = count_, offset = offset_;
  follower_.requested(ms->step);
  refresh_.start(*ctx.tasks, [this, ms, data, count, offset](TaskContext&) -> std::function<void()> {
    auto out = std::make_shared<ResidualResult>();
    std::string error;
    try {
      const Dataset& set = data->test.size() > 0 ? data->test : data->train;
      *out = compute(*ms->model, set, count, offset, ms->step);
    } catch (const std::exception& e) {
      error = e.what();
    }
    return [this, out, error] {
      error_ = error;
      if (!error.empty()) return;
      result_ = out;
      texture_dirty_ = true;
    };
  });
}

// [SECTION] drawing

void ResidualsView::draw_colour_bar(ImVec2 pos, float height, double vmax) {
  auto* dl = ImGui::GetWindowDrawList();
  const float w = 14.0f;
  const int steps = 64;
  for (int i = 0; i < steps; ++i) {
    const double t = 1.0 - (i + 0.5) / steps;  // top = vmax
    const auto c = colormap_rgb(Colormap::Magma, t);
    dl->AddRectFilled(ImVec2(pos.x, pos.y + height * i / steps), ImVec2(pos.x + w, pos.y + height * (i + 1) / steps + 0.5f),
                      IM_COL32(c[0], c[1], c[2], 255));
  }
  dl->AddRect(pos, ImVec2(pos.x + w, pos.y + height), IM_COL32(120, 120, 130, 255));
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const std::string top = fmt::format("{:.2f}", vmax);
  const float line = ImGui::GetTextLineHeight();
  dl->AddText(ImVec2(pos.x + w + 4, pos.y - 2), text, top.c_str());
  dl->AddText(ImVec2(pos.x + w + 4, pos.y + height - line + 2), text, "0");
}

void ResidualsView::draw_maps(ViewContext& ctx, float height) {
  const auto& r = *result_;
  if (texture_dirty_) {
    texture_.upload(static_cast<int>(r.mosaic.width), static_cast<int>(r.mosaic.height), 3, r.mosaic.pixels.data(),
                    true);
    texture_dirty_ = false;
  }
  float label_w = 0;
  for (const auto& n : r.row_names) label_w = std::max(label_w, ImGui::CalcTextSize(n.c_str()).x);
  label_w += 10;
  const float bar_w = 70.0f * ctx.ui_scale;
  const float legend_w = r.maps.membership.defined() ? 190.0f * ctx.ui_scale : 0.0f;
  const ImVec2 avail(ImGui::GetContentRegionAvail().x - label_w - bar_w - legend_w, height);
  float zoom = std::floor(std::min(avail.x / r.mosaic.width, avail.y / r.mosaic.height));
  if (zoom < 1.0f) zoom = std::min(avail.x / r.mosaic.width, avail.y / r.mosaic.height);
  zoom = std::max(zoom, 0.25f);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  auto* dl = ImGui::GetWindowDrawList();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const float row_h = (r.cell_h + kPad) * zoom;
  for (size_t i = 0; i < r.row_names.size(); ++i) {
    const float y = origin.y + i * row_h + 0.5f * r.cell_h * zoom - 0.5f * ImGui::GetTextLineHeight();
    dl->AddText(ImVec2(origin.x, y), text, r.row_names[i].c_str());
  }
  ImGui::SetCursorScreenPos(ImVec2(origin.x + label_w, origin.y));
  ImGui::Image(texture_.imgui_id(), ImVec2(r.mosaic.width * zoom, r.mosaic.height * zoom));
  const float right = origin.x + label_w + r.mosaic.width * zoom + 8;
  // Colour bar beside the |r| row.
  draw_colour_bar(ImVec2(right, origin.y + 2 * row_h), r.cell_h * zoom, r.abs_max);
  // Membership legend beside the membership row.
  if (r.maps.membership.defined()) {
    float y = origin.y + 3 * row_h;
    const float sq = ImGui::GetTextLineHeight() * 0.8f;
    const int64_t k = r.maps.noise_variances.numel();
    for (int64_t c = 0; c < k; ++c) {
      const auto col = component_color(c);
      const float x = right + bar_w;
      dl->AddRectFilled(ImVec2(x, y + 2), ImVec2(x + sq, y + 2 + sq), IM_COL32(col[0], col[1], col[2], 255));
      const std::string s = fmt::format("k={}  s2 {:.2g}  pi {:.2f}", c, r.maps.noise_variances[c].item<double>(),
                                        r.maps.noise_weights[c].item<double>());
      dl->AddText(ImVec2(x + sq + 4, y), text, s.c_str());
      y += ImGui::GetTextLineHeightWithSpacing();
    }
  }
  ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + r.mosaic.height * zoom + ImGui::GetStyle().ItemSpacing.y));
}

void ResidualsView::draw(ViewContext& ctx) {
  wants_refresh_ = false;
  if (!has_model_to_show(ctx)) return;
  const float s = ctx.ui_scale;
  ImGui::SetNextItemWidth(110 * s);
  if (ImGui::SliderInt("images", &count_, 1, 16)) refresh_.mark_dirty();
  ImGui::SameLine();
  if (ImGui::Button("Other images")) {
    offset_ += 1;
    refresh_.mark_dirty();
  }
  ImGui::SameLine();
  ImGui::Checkbox("log density", &log_y_);

  const auto& ms = *ctx.snapshot->model;
  const bool training = ctx.snapshot->progress.state == RunState::Running;
  const bool stale = follower_.stale(ms.step, training);
  if (!refresh_.in_flight() && (refresh_.dirty() || stale) && ctx.tasks) request(ctx);
  wants_refresh_ = refresh_.dirty() || (stale && !training);

  if (!error_.empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", error_.c_str());
  if (!result_) {
    ImGui::TextDisabled("Reconstructing ...");
    return;
  }
  const auto& r = *result_;
  // Noise model summary line.
  std::string noise = r.maps.noise_label;
  if (r.maps.noise_variances.numel() == 1)
    noise += fmt::format(": sigma^2 = {:.3g}", r.maps.noise_variances.item<double>());
  ImGui::Text("model at step %lld   mean |r| %.4f   rms %.4f   noise: %s", static_cast<long long>(r.step), r.mean_abs,
              r.rms, noise.c_str());
  if (!r.maps.noise_learned)
    ImGui::TextDisabled("This variant has no learned noise model (noise-vae has); the curve is a Gaussian fitted to these residuals.");

  const float avail_h = ImGui::GetContentRegionAvail().y;
  if (r.image) draw_maps(ctx, std::max(120.0f, avail_h * 0.55f));
  else ImGui::TextDisabled("Vector data: no residual images, only the histogram.");

  histogram_plot_.clear();
  histogram_plot_.log_y = log_y_;
  // Histogram as a step line (bars' outline).
  std::vector<double> hx, hy;
  for (size_t b = 0; b < r.histogram.centers.size(); ++b) {
    const double x0 = r.histogram.centers[b] - 0.5 * r.histogram.width, x1 = x0 + r.histogram.width;
    hx.insert(hx.end(), {x0, x1});
    hy.insert(hy.end(), {r.histogram.density[b], r.histogram.density[b]});
  }
  histogram_plot_.add_line("residual histogram", hx, hy, IM_COL32(86, 180, 233, 255));
  histogram_plot_.add_line(r.maps.noise_label, r.density_r, r.density, IM_COL32(230, 159, 0, 255)).size = 2.5f;
  histogram_plot_.draw(ImVec2(-1, -1));
  if (!histogram_plot_.status().empty()) ImGui::TextDisabled("%s", histogram_plot_.status().c_str());
}

// [SECTION] exports

bool ResidualsView::export_png(const std::string& path, float scale, std::string& error) {
  if (!result_ || result_->mosaic.width == 0) {
    error = "residuals: no residual maps to export yet";
    return false;
  }
  return write_png(path, upscale_nearest(result_->mosaic, std::max(1, static_cast<int>(std::lround(scale)))), error);
}

bool ResidualsView::export_csv(const std::string& path, std::string& error) {
  if (!result_) {
    error = "residuals: nothing to export yet";
    return false;
  }
  return write_text_file(path, [&](std::ostream& out) {
    const auto& r = *result_;
    const auto density = zero_mean_mixture_density(r.histogram.centers, r.maps.noise_weights, r.maps.noise_variances);
    out << "bin_center,histogram_density,noise_density\n";
    for (size_t b = 0; b < r.histogram.centers.size(); ++b)
      out << r.histogram.centers[b] << ',' << r.histogram.density[b] << ',' << density[b] << '\n';
  }, error);
}

}  // namespace

std::unique_ptr<View> make_residuals_view() { return std::make_unique<ResidualsView>(); }

}  // namespace gui
}  // namespace vaelab
