#include "widgets/plot_demo.h"

#include <imgui.h>

#include <cmath>
#include <random>

namespace vaelab {
namespace gui {

PlotDemo::PlotDemo() : lines_("demo-lines"), log_("demo-log"), scatter_("demo-scatter"), heat_("demo-heat") {
  lines_.title = "lines: growing data, auto-fit, legend toggles";
  lines_.x_label = "step";
  log_.title = "log y: values <= 0 are clipped";
  log_.log_y = true;
  scatter_.title = "scatter, equal aspect";
  scatter_.equal_aspect = true;
  heat_.title = "heatmap + colour bar";
  // A small checkerboard-and-gradient image grid (nearest filtering, native-resolution export).
  ImageBytes b;
  b.count = 8, b.channels = 1, b.height = 28, b.width = 28;
  for (int i = 0; i < 8; ++i)
    for (int y = 0; y < 28; ++y)
      for (int x = 0; x < 28; ++x)
        b.pixels.push_back(static_cast<uint8_t>(((x / (i + 2) + y / (i + 2)) % 2) ? 255 : x * 9));
  grid_.set(b, 8, 1);
}

void PlotDemo::draw(ViewContext& ctx) {
  last_ctx_ = ctx;
  const float fs = ImGui::GetFontSize();
  ImGui::TextWrapped("Wheel: zoom (shift: x only, ctrl: y only). Drag: pan. Double-click: fit and follow the data. "
                     "Click a legend entry to hide or show it. Hover for values.");
  if (growing_ < 2000) growing_ += 5;  // data grows like a training curve
  ImGui::SameLine();
  if (ImGui::Button("restart growth")) growing_ = 50;
  ImGui::SameLine();
  const char* maps[] = {"viridis", "magma", "grey", "diverging"};
  ImGui::SetNextItemWidth(fs * 8);
  ImGui::Combo("colormap", &colormap_, maps, 4);

  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 cell(avail.x * 0.5f - fs * 0.3f, (avail.y - fs * 6) * 0.5f);
  // Lines.
  std::vector<double> x(growing_), a(growing_), b(growing_), c(growing_);
  std::mt19937 rng(3);
  std::normal_distribution<double> noise(0, 0.05);
  for (int i = 0; i < growing_; ++i) {
    x[i] = i;
    a[i] = 1.0 / (1 + i * 0.01) + noise(rng);
    b[i] = 0.5 * std::exp(-i * 0.002) + 0.1 * std::sin(i * 0.05);
    c[i] = i % 300 < 5 ? NAN : 0.3 + 0.2 * std::cos(i * 0.01);  // NaNs leave gaps
  }
  lines_.clear();
  lines_.add_line("1/(1+t/100) + noise", x, a);
  lines_.add_line("damped sine", x, b).dashed = true;
  lines_.add_line("with gaps (NaN)", x, c);
  lines_.draw(cell);
  ImGui::SameLine();
  // Log axis with non-positive values.
  std::vector<double> lx, ly;
  for (int i = 1; i <= 200; ++i) lx.push_back(i), ly.push_back(i % 50 == 0 ? 0.0 : 1000.0 / (i * i) + 0.01);
  log_.clear();
  log_.add_line("1000/t^2 (some zeros)", lx, ly);
  log_.draw(cell);
  // Scatter.
  std::vector<double> sx, sy, tx, ty;
  std::normal_distribution<double> n01(0, 1);
  for (int i = 0; i < 1500; ++i) {
    const double u = n01(rng), v = n01(rng);
    sx.push_back(u), sy.push_back(0.8 * u + 0.6 * v);
    tx.push_back(3 + 0.5 * v), ty.push_back(-2 + 0.5 * u);
  }
  scatter_.clear();
  scatter_.add_scatter("correlated", sx, sy);
  scatter_.add_scatter("shifted", tx, ty);
  scatter_.draw(cell);
  ImGui::SameLine();
  // Heatmap.
  PlotHeatmap hm;
  hm.name = "f";
  hm.cols = 60, hm.rows = 40;
  hm.x0 = -3, hm.x1 = 3, hm.y0 = -2, hm.y1 = 2;
  hm.colormap = all_colormaps()[static_cast<size_t>(colormap_)];
  for (int r = 0; r < hm.rows; ++r)
    for (int k = 0; k < hm.cols; ++k) {
      const double px = hm.x0 + (k + 0.5) * 0.1, py = hm.y0 + (r + 0.5) * 0.1;
      hm.values.push_back(static_cast<float>(std::sin(px * 1.5) * std::cos(py * 2) * std::exp(-0.1 * px * px)));
    }
  heat_.clear();
  heat_.set_heatmap(std::move(hm));
  heat_.draw(cell);
  ImGui::Text("image grid (8 x 28x28, nearest, integer zoom; hover enlarges):");
  grid_.draw(ImVec2(-1, -1), true);
}

bool PlotDemo::export_png(const std::string& path, float scale, std::string& error) {
  return lines_.export_png(last_ctx_, path, scale, error);
}

}  // namespace gui
}  // namespace vaelab
