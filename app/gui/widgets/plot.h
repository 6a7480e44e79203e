#pragma once
// Our plot widget (there is no ImPlot here): lines, scatter and one heatmap per plot, legend with
// toggles, wheel zoom / drag pan / double-click fit, log axes, 1-2-5 ticks, hover readout, auto-fit
// while data grows, and exports (SVG and CSV written from the data; PNG read back from the screen).
//
// Usage: the Plot object lives in the view's state (it keeps limits, toggles and log flags between
// frames). Every frame: clear(), add series, then draw(size).
//
//   plot.clear();
//   plot.add_line("loss", steps, values);
//   plot.draw(ImVec2(-1, 300));
//
// Lines with many more points than the plot has pixel columns are decimated per column (min and max
// kept), so long runs stay cheap and under ImGui's vertex budget. Log axes clip values <= 0 to the
// smallest positive value in the data and say so in the status line.
// UI thread only.
#include <imgui.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gl/heatmap_renderer.h"
#include "gl/texture.h"
#include "views/view.h"
#include "plot/colormap.h"

namespace vaelab {
namespace gui {

enum class SeriesKind { Line, Scatter };

struct PlotSeries {
  std::string name;
  SeriesKind kind = SeriesKind::Line;
  std::vector<double> x, y;
  ImU32 color = 0;     // 0: picked from the palette by index
  float size = 2.0f;   // line thickness or marker radius (logical pixels)
  bool dashed = false; // drawn dashed (e.g. test curves next to train curves)
};

// A grid of values drawn over [x0,x1] x [y0,y1]; row 0 is the bottom row (y0).
struct PlotHeatmap {
  std::string name;
  int cols = 0, rows = 0;
  std::vector<float> values;  // rows * cols, row-major
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  Colormap colormap = Colormap::Viridis;
  bool auto_range = true;     // vmin/vmax from the data
  double vmin = 0, vmax = 1;
};

// Palette colour k (distinct hues readable on the dark theme).
ImU32 plot_palette(int k);

class Plot {
 public:
  explicit Plot(std::string id);

  // --- settings, persistent ---
  std::string title;
  std::string x_label, y_label;
  bool log_x = false;
  bool log_y = false;
  bool auto_fit = true;     // refit to the data every frame until the user zooms or pans
  bool show_legend = true;
  bool equal_aspect = false;  // same units per pixel on both axes (scatter of 2-D data)
  bool show_colorbar = true;

  // --- data for this frame ---
  void clear();
  PlotSeries& add_line(const std::string& name, std::vector<double> x, std::vector<double> y,
                       ImU32 color = 0);
  PlotSeries& add_scatter(const std::string& name, std::vector<double> x, std::vector<double> y,
                          ImU32 color = 0, float radius = 2.0f);
  void set_heatmap(PlotHeatmap heatmap);
  const std::vector<PlotSeries>& series() const { return series_; }

  // Draws into the current window. size: ImGui item size (negative = fill available minus that).
  void draw(ImVec2 size);
  void fit() { auto_fit = true; }
  bool series_visible(const std::string& name) const;

  // Exports. SVG and CSV are written from the data at once; returns false with a one-line error.
  bool export_svg(const std::string& path, std::string& error) const;
  bool export_csv(const std::string& path, std::string& error) const;
  // PNG: checks the path is writable, then asks ctx.capture for the plot's screen rectangle of the
  // next frame; the file is written there (scaled up by round(scale), nearest) and a toast reports it.
  bool export_png(ViewContext& ctx, const std::string& path, float scale, std::string& error);
  // Screen rectangle of the last draw (the whole widget, including axes and legend).
  ScreenRect rect() const { return rect_; }
  // A note on what the plot did to the data (log clipping), empty when nothing to say.
  const std::string& status() const { return status_; }

 private:
  struct Limits {
    double x0 = 0, x1 = 1, y0 = 0, y1 = 1;  // in axis space (log10 of data on log axes)
  };
  struct Frame;  // one draw()'s layout and mouse state (plot.cpp)
  double to_axis_x(double v) const;
  double to_axis_y(double v) const;
  double from_axis_x(double a) const;
  double from_axis_y(double a) const;
  void compute_fit(Limits& out) const;
  void update_heatmap_texture();
  // The steps of draw(), in order.
  void update_log_clipping();
  Frame layout(ImVec2 size);
  void fit_limits(const Frame& f);
  void handle_input(const Frame& f);
  void draw_axes(const Frame& f);
  void draw_heatmap(const Frame& f);
  void draw_scatter(const Frame& f, const PlotSeries& s);
  void draw_line(const Frame& f, const PlotSeries& s);
  void draw_polyline(const Frame& f, const PlotSeries& s, const std::vector<ImVec2>& pts);
  void draw_colorbar(const Frame& f);
  void draw_legend(const Frame& f);
  void draw_hover(const Frame& f);

  std::string id_;
  std::vector<PlotSeries> series_;
  PlotHeatmap heatmap_;
  bool has_heatmap_ = false;
  bool heatmap_dirty_ = false;
  bool heatmap_ever_ = false;
  Texture heatmap_texture_;     // CPU-coloured fallback
  HeatmapRenderer heatmap_gpu_;  // shaders/heatmap.*: float values through a 1-D colormap texture
  bool heatmap_on_gpu_ = false;
  bool heatmap_values_changed_ = true;
  double heat_lo_ = 0, heat_hi_ = 1;
  Limits limits_;
  std::map<std::string, bool> hidden_;
  double min_positive_x_ = 1e-12, min_positive_y_ = 1e-12;
  std::string status_;
  ScreenRect rect_;
};

}  // namespace gui
}  // namespace vaelab
