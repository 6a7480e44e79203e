#include "widgets/plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>

#include "plot/axis_ticks.h"
#include "screen_capture.h"
#include "text_file.h"

// [SECTION] palette and transforms
// [SECTION] data
// [SECTION] drawing (axes, heatmap, series, legend, colour bar, hover, interaction)
// [SECTION] exports

namespace vaelab {
namespace gui {

// [SECTION] palette and transforms ------------------------------------------------------------------

ImU32 plot_palette(int k) {
  static const ImU32 colors[] = {
      IM_COL32(86, 180, 233, 255),  IM_COL32(230, 159, 0, 255),   IM_COL32(0, 158, 115, 255),
      IM_COL32(240, 228, 66, 255),  IM_COL32(204, 121, 167, 255), IM_COL32(213, 94, 0, 255),
      IM_COL32(160, 160, 255, 255), IM_COL32(200, 200, 200, 255), IM_COL32(120, 220, 120, 255),
      IM_COL32(255, 120, 120, 255)};
  return colors[((k % 10) + 10) % 10];
}

Plot::Plot(std::string id) : id_(std::move(id)) {}

double Plot::to_axis_x(double v) const { return log_x ? std::log10(std::max(v, min_positive_x_)) : v; }
double Plot::to_axis_y(double v) const { return log_y ? std::log10(std::max(v, min_positive_y_)) : v; }

// [SECTION] data ------------------------------------------------------------------------------------

void Plot::clear() {
  series_.clear();
  has_heatmap_ = false;
}

PlotSeries& Plot::add_line(const std::string& name, std::vector<double> x, std::vector<double> y,
                           ImU32 color) {
  PlotSeries s;
  s.name = name;
  s.kind = SeriesKind::Line;
  s.x = std::move(x);
  s.y = std::move(y);
  s.color = color ? color : plot_palette(static_cast<int>(series_.size()));
  s.size = 1.5f;
  series_.push_back(std::move(s));
  return series_.back();
}

PlotSeries& Plot::add_scatter(const std::string& name, std::vector<double> x, std::vector<double> y,
                              ImU32 color, float radius) {
  PlotSeries s;
  s.name = name;
  s.kind = SeriesKind::Scatter;
  s.x = std::move(x);
  s.y = std::move(y);
  s.color = color ? color : plot_palette(static_cast<int>(series_.size()));
  s.size = radius;
  series_.push_back(std::move(s));
  return series_.back();
}

void Plot::set_heatmap(PlotHeatmap heatmap) {
  const bool same = heatmap_ever_;  // a heatmap was set before (so comparing with it means something)
  heatmap_ever_ = true;
  if (!same || heatmap.values != heatmap_.values) heatmap_values_changed_ = true;
  if (!same || heatmap.values != heatmap_.values || heatmap.colormap != heatmap_.colormap ||
      heatmap.cols != heatmap_.cols || heatmap.rows != heatmap_.rows ||
      heatmap.auto_range != heatmap_.auto_range || heatmap.vmin != heatmap_.vmin ||
      heatmap.vmax != heatmap_.vmax) {
    heatmap_dirty_ = true;
  }
  heatmap_ = std::move(heatmap);
  has_heatmap_ = heatmap_.cols > 0 && heatmap_.rows > 0 &&
                 heatmap_.values.size() == static_cast<size_t>(heatmap_.cols) * heatmap_.rows;
}

bool Plot::series_visible(const std::string& name) const {
  auto it = hidden_.find(name);
  return it == hidden_.end() || !it->second;
}

void Plot::update_heatmap_texture() {
  if (!has_heatmap_ || !heatmap_dirty_) return;
  heat_lo_ = heatmap_.vmin;
  heat_hi_ = heatmap_.vmax;
  if (heatmap_.auto_range) {
    heat_lo_ = std::numeric_limits<double>::infinity();
    heat_hi_ = -heat_lo_;
    for (float v : heatmap_.values) {
      if (!std::isfinite(v)) continue;
      heat_lo_ = std::min(heat_lo_, static_cast<double>(v));
      heat_hi_ = std::max(heat_hi_, static_cast<double>(v));
    }
    if (!(heat_lo_ <= heat_hi_)) heat_lo_ = 0, heat_hi_ = 1;
    if (heat_hi_ == heat_lo_) heat_hi_ = heat_lo_ + 1;
  }
  std::string gpu_error;
  heatmap_on_gpu_ = heatmap_gpu_.render(heatmap_.cols, heatmap_.rows, heatmap_.values.data(), heatmap_values_changed_,
                                        heat_lo_, heat_hi_, heatmap_.colormap, gpu_error);
  heatmap_values_changed_ = false;
  heatmap_dirty_ = false;
  if (heatmap_on_gpu_) return;
  // CPU fallback. Flip rows so the texture's first row (drawn at the top) is the grid's last row.
  std::vector<float> flipped(heatmap_.values.size());
  for (int r = 0; r < heatmap_.rows; ++r) {
    std::copy_n(heatmap_.values.begin() + static_cast<size_t>(r) * heatmap_.cols, heatmap_.cols,
                flipped.begin() + static_cast<size_t>(heatmap_.rows - 1 - r) * heatmap_.cols);
  }
  auto rgba = colorize(flipped, heat_lo_, heat_hi_, heatmap_.colormap);
  heatmap_texture_.upload(heatmap_.cols, heatmap_.rows, 4, rgba.data(), true);
  heatmap_dirty_ = false;
}

void Plot::compute_fit(Limits& out) const {
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  auto take = [&](double x, double y) {
    if (!std::isfinite(x) || !std::isfinite(y)) return;
    const double ax = to_axis_x(x), ay = to_axis_y(y);
    x0 = std::min(x0, ax), x1 = std::max(x1, ax);
    y0 = std::min(y0, ay), y1 = std::max(y1, ay);
  };
  for (const auto& s : series_) {
    if (!series_visible(s.name)) continue;
    const size_t n = std::min(s.x.size(), s.y.size());
    for (size_t i = 0; i < n; ++i) take(s.x[i], s.y[i]);
  }
  if (has_heatmap_) {
    take(heatmap_.x0, heatmap_.y0);
    take(heatmap_.x1, heatmap_.y1);
  }
  if (!(x0 <= x1)) x0 = 0, x1 = 1;
  if (!(y0 <= y1)) y0 = 0, y1 = 1;
  if (x1 - x0 < 1e-12) x0 -= 0.5, x1 += 0.5;
  if (y1 - y0 < 1e-12) y0 -= 0.5, y1 += 0.5;
  const double my = (y1 - y0) * 0.05;
  out = {x0, x1, y0 - my, y1 + my};
  if (has_heatmap_ && series_.empty()) out = {x0, x1, y0, y1};
}

// [SECTION] drawing ---------------------------------------------------------------------------------

// What one draw() lays out: the widget's rectangle, the plot area inside it and the mouse, plus the
// mapping between axis space and screen pixels. The limits are read through a pointer because input
// handling moves them after the layout is made.
struct Plot::Frame {
  ImVec2 origin, size;
  ImVec2 p0, p1;       // plot area corners (top-left, bottom-right)
  float pw = 0, ph = 0;  // plot area size, at least 10 px
  float fs = 0;        // font size: the unit of every margin
  ImVec2 mouse;
  bool hovered = false, active = false, in_area = false;
  bool colorbar = false;
  const Limits* limits = nullptr;
  ImDrawList* dl = nullptr;
  ImU32 text_col = 0;

  float sx(double ax) const { return static_cast<float>(p0.x + (ax - limits->x0) / (limits->x1 - limits->x0) * pw); }
  float sy(double ay) const { return static_cast<float>(p1.y - (ay - limits->y0) / (limits->y1 - limits->y0) * ph); }
  double inv_x(float px) const { return limits->x0 + (px - p0.x) / pw * (limits->x1 - limits->x0); }
  double inv_y(float py) const { return limits->y0 + (p1.y - py) / ph * (limits->y1 - limits->y0); }
};

namespace {
constexpr ImU32 kGridColor = IM_COL32(255, 255, 255, 28);
constexpr ImU32 kMinorGridColor = IM_COL32(255, 255, 255, 12);
constexpr ImU32 kFrameColor = IM_COL32(255, 255, 255, 90);
}  // namespace

double Plot::from_axis_x(double a) const { return log_x ? std::pow(10.0, a) : a; }
double Plot::from_axis_y(double a) const { return log_y ? std::pow(10.0, a) : a; }

void Plot::draw(ImVec2 size) {
  ImGui::PushID(id_.c_str());
  update_log_clipping();
  update_heatmap_texture();
  const Frame f = layout(size);
  fit_limits(f);
  handle_input(f);
  draw_axes(f);
  f.dl->PushClipRect(f.p0, ImVec2(f.p0.x + f.pw, f.p0.y + f.ph), true);
  draw_heatmap(f);
  for (const auto& s : series_) {
    if (!series_visible(s.name)) continue;
    if (s.kind == SeriesKind::Scatter) draw_scatter(f, s);
    else draw_line(f, s);
  }
  f.dl->PopClipRect();
  f.dl->AddRect(f.p0, ImVec2(f.p0.x + f.pw, f.p0.y + f.ph), kFrameColor);
  if (f.colorbar) draw_colorbar(f);
  if (show_legend && !series_.empty()) draw_legend(f);
  if (f.in_area && !f.active) draw_hover(f);
  ImGui::PopID();
}

// Smallest positive values, for log-axis clipping, and the note saying how many values were clipped.
void Plot::update_log_clipping() {
  status_.clear();
  int clipped = 0;
  double mx = std::numeric_limits<double>::infinity(), my = mx;
  for (const auto& s : series_) {
    for (double v : s.x) if (v > 0 && v < mx) mx = v;
    for (double v : s.y) if (v > 0 && v < my) my = v;
    if (log_y) for (double v : s.y) clipped += (v <= 0);
    if (log_x) for (double v : s.x) clipped += (v <= 0);
  }
  min_positive_x_ = std::isfinite(mx) ? mx : 1e-12;
  min_positive_y_ = std::isfinite(my) ? my : 1e-12;
  if (clipped > 0) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "log axis: %d value%s <= 0 clipped to %.3g", clipped, clipped == 1 ? "" : "s",
                  log_y ? min_positive_y_ : min_positive_x_);
    status_ = buf;
  }
}

// Title on top, y tick labels left, x tick labels + label bottom, colour bar right; the widget is one
// invisible button so it takes the mouse.
Plot::Frame Plot::layout(ImVec2 size) {
  Frame f;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  if (size.x <= 0) size.x = std::max(50.0f, avail.x + size.x);
  if (size.y <= 0) size.y = std::max(50.0f, avail.y + size.y);
  f.size = size;
  f.origin = ImGui::GetCursorScreenPos();
  rect_ = {f.origin.x, f.origin.y, size.x, size.y};
  f.dl = ImGui::GetWindowDrawList();
  f.fs = ImGui::GetFontSize();
  f.text_col = ImGui::GetColorU32(ImGuiCol_Text);
  const float fs = f.fs;
  const float left = fs * 4.2f + (y_label.empty() ? 0 : fs * 1.2f);
  const float top = title.empty() ? fs * 0.6f : fs * 1.6f;
  const float bottom = fs * 1.8f + (x_label.empty() ? 0 : fs * 1.2f) + (status_.empty() ? 0 : fs * 1.2f);
  f.colorbar = has_heatmap_ && show_colorbar;
  const float right = f.colorbar ? fs * 5.5f : fs * 0.8f;
  f.p0 = ImVec2(f.origin.x + left, f.origin.y + top);
  f.p1 = ImVec2(f.origin.x + size.x - right, f.origin.y + size.y - bottom);
  f.pw = std::max(10.0f, f.p1.x - f.p0.x);
  f.ph = std::max(10.0f, f.p1.y - f.p0.y);

  ImGui::InvisibleButton("##plot", size, ImGuiButtonFlags_MouseButtonLeft);
  f.hovered = ImGui::IsItemHovered();
  f.active = ImGui::IsItemActive();
  f.mouse = ImGui::GetIO().MousePos;
  f.in_area = f.hovered && f.mouse.x >= f.p0.x && f.mouse.x <= f.p1.x && f.mouse.y >= f.p0.y && f.mouse.y <= f.p1.y;
  f.limits = &limits_;
  return f;
}

// Auto-fit, then with equal_aspect grow the narrower range so one unit has the same length on both axes.
void Plot::fit_limits(const Frame& f) {
  if (auto_fit) compute_fit(limits_);
  if (!equal_aspect) return;
  const double ux = (limits_.x1 - limits_.x0) / f.pw, uy = (limits_.y1 - limits_.y0) / f.ph;
  if (ux > uy) {
    const double c = (limits_.y0 + limits_.y1) / 2, h = ux * f.ph / 2;
    limits_.y0 = c - h, limits_.y1 = c + h;
  } else {
    const double c = (limits_.x0 + limits_.x1) / 2, h = uy * f.pw / 2;
    limits_.x0 = c - h, limits_.x1 = c + h;
  }
}

// Wheel zoom about the cursor (shift: x only, ctrl: y only), drag pan, double-click fit.
void Plot::handle_input(const Frame& f) {
  Limits& L = limits_;
  if (f.in_area) {
    const float wheel = ImGui::GetIO().MouseWheel;
    if (wheel != 0) {
      const double k = std::pow(0.85, wheel);
      const double cx = f.inv_x(f.mouse.x), cy = f.inv_y(f.mouse.y);
      const bool only_x = ImGui::GetIO().KeyShift, only_y = ImGui::GetIO().KeyCtrl;
      if (!only_y) L.x0 = cx + (L.x0 - cx) * k, L.x1 = cx + (L.x1 - cx) * k;
      if (!only_x) L.y0 = cy + (L.y0 - cy) * k, L.y1 = cy + (L.y1 - cy) * k;
      auto_fit = false;
    }
    if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) auto_fit = true;
  }
  if (f.active && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 1.0f)) {
    const ImVec2 d = ImGui::GetIO().MouseDelta;
    const double dx = d.x / f.pw * (L.x1 - L.x0), dy = d.y / f.ph * (L.y1 - L.y0);
    L.x0 -= dx, L.x1 -= dx, L.y0 += dy, L.y1 += dy;
    auto_fit = false;
  }
}

// Background, title, ticks with grid lines, axis labels and the clipping note.
void Plot::draw_axes(const Frame& f) {
  const Limits& L = limits_;
  ImDrawList* dl = f.dl;
  const float fs = f.fs;
  dl->AddRectFilled(f.p0, ImVec2(f.p0.x + f.pw, f.p0.y + f.ph), IM_COL32(20, 22, 28, 255));
  if (!title.empty()) {
    const ImVec2 ts = ImGui::CalcTextSize(title.c_str());
    dl->AddText(ImVec2(f.p0.x + (f.pw - ts.x) / 2, f.origin.y + fs * 0.2f), f.text_col, title.c_str());
  }
  const auto xt = log_x ? log_ticks(from_axis_x(L.x0), from_axis_x(L.x1), std::max(2, int(f.pw / (fs * 6))))
                        : linear_ticks(L.x0, L.x1, std::max(2, int(f.pw / (fs * 6))));
  const auto yt = log_y ? log_ticks(from_axis_y(L.y0), from_axis_y(L.y1), std::max(2, int(f.ph / (fs * 3))))
                        : linear_ticks(L.y0, L.y1, std::max(2, int(f.ph / (fs * 3))));
  for (const auto& t : xt) {
    const float x = f.sx(log_x ? std::log10(t.value) : t.value);
    dl->AddLine(ImVec2(x, f.p0.y), ImVec2(x, f.p0.y + f.ph), t.major ? kGridColor : kMinorGridColor);
    const ImVec2 ts = ImGui::CalcTextSize(t.label.c_str());
    dl->AddText(ImVec2(x - ts.x / 2, f.p0.y + f.ph + fs * 0.3f), f.text_col, t.label.c_str());
  }
  for (const auto& t : yt) {
    const float y = f.sy(log_y ? std::log10(t.value) : t.value);
    dl->AddLine(ImVec2(f.p0.x, y), ImVec2(f.p0.x + f.pw, y), t.major ? kGridColor : kMinorGridColor);
    const ImVec2 ts = ImGui::CalcTextSize(t.label.c_str());
    dl->AddText(ImVec2(f.p0.x - ts.x - fs * 0.3f, y - ts.y / 2), f.text_col, t.label.c_str());
  }
  float below = f.p0.y + f.ph + fs * 1.5f;
  if (!x_label.empty()) {
    const ImVec2 ts = ImGui::CalcTextSize(x_label.c_str());
    dl->AddText(ImVec2(f.p0.x + (f.pw - ts.x) / 2, below), f.text_col, x_label.c_str());
    below += fs * 1.2f;
  }
  if (!status_.empty()) dl->AddText(ImVec2(f.p0.x, below), IM_COL32(255, 200, 90, 255), status_.c_str());
  if (!y_label.empty()) {
    // ImGui has no rotated text: stack the label's letters vertically would be ugly; print it short
    // and upright at the top-left corner instead.
    dl->AddText(ImVec2(f.origin.x, f.p0.y - fs * 1.3f < f.origin.y ? f.origin.y : f.p0.y - fs * 1.3f), f.text_col,
                y_label.c_str());
  }
}

// The heatmap as one texture with nearest filtering (GPU-coloured when available).
void Plot::draw_heatmap(const Frame& f) {
  if (!has_heatmap_ || !(heatmap_on_gpu_ || heatmap_texture_.valid())) return;
  const ImVec2 a(f.sx(to_axis_x(heatmap_.x0)), f.sy(to_axis_y(heatmap_.y1)));
  const ImVec2 b(f.sx(to_axis_x(heatmap_.x1)), f.sy(to_axis_y(heatmap_.y0)));
  if (heatmap_on_gpu_) f.dl->AddImage(heatmap_gpu_.imgui_id(), a, b, ImVec2(0, 1), ImVec2(1, 0));  // GL rows: bottom first
  else f.dl->AddImage(heatmap_texture_.imgui_id(), a, b);
}

// Squares of side 2 * size at the points inside the area (non-finite points skipped).
void Plot::draw_scatter(const Frame& f, const PlotSeries& s) {
  const size_t n = std::min(s.x.size(), s.y.size());
  const float r = s.size;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
    const float x = f.sx(to_axis_x(s.x[i])), y = f.sy(to_axis_y(s.y[i]));
    if (x < f.p0.x - r || x > f.p0.x + f.pw + r || y < f.p0.y - r || y > f.p0.y + f.ph + r) continue;
    f.dl->AddRectFilled(ImVec2(x - r, y - r), ImVec2(x + r, y + r), s.color);
  }
}

// A polyline, solid or dashed (7 px on, 5 px off, continued across vertices); one point as a dot.
void Plot::draw_polyline(const Frame& f, const PlotSeries& s, const std::vector<ImVec2>& pts) {
  if (pts.size() == 1) {
    f.dl->AddCircleFilled(pts[0], s.size + 1.0f, s.color);
    return;
  }
  if (pts.size() < 2) return;
  if (!s.dashed) {
    f.dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), s.color, 0, s.size);
    return;
  }
  const float on = 7.0f, period = 12.0f;
  float phase = 0;
  for (size_t i = 0; i + 1 < pts.size(); ++i) {
    const ImVec2 a = pts[i], b = pts[i + 1];
    const float len = std::hypot(b.x - a.x, b.y - a.y);
    float t = 0;
    while (t < len) {
      const float in_period = std::fmod(phase + t, period);
      const float seg = in_period < on ? on - in_period : period - in_period;
      const float t1 = std::min(len, t + seg);
      if (in_period < on && len > 0)
        f.dl->AddLine(ImVec2(a.x + (b.x - a.x) * t / len, a.y + (b.y - a.y) * t / len),
                      ImVec2(a.x + (b.x - a.x) * t1 / len, a.y + (b.y - a.y) * t1 / len), s.color, s.size);
      t = t1 + 1e-4f;
    }
    phase = std::fmod(phase + len, period);
  }
}

// Lines: per pixel column keep first, min, max, last (in order) so spikes survive decimation; an extreme
// that first or last already reaches is not repeated (a step's riser would otherwise retrace itself, and a
// thick polyline that turns back on itself draws a spike). A non-finite point breaks the line.
void Plot::draw_line(const Frame& f, const PlotSeries& s) {
  const size_t n = std::min(s.x.size(), s.y.size());
  std::vector<ImVec2> pts;
  int col = std::numeric_limits<int>::min();
  ImVec2 first, mn, mx, last;
  auto flush = [&] {
    if (col == std::numeric_limits<int>::min()) return;
    pts.push_back(first);
    const bool keep_mn = mn.y != first.y && mn.y != last.y, keep_mx = mx.y != first.y && mx.y != last.y;
    if (keep_mn && keep_mx) {
      if (mn.x <= mx.x) pts.push_back(mn), pts.push_back(mx);
      else pts.push_back(mx), pts.push_back(mn);
    } else if (keep_mn) {
      pts.push_back(mn);
    } else if (keep_mx) {
      pts.push_back(mx);
    }
    if (last.x != first.x || last.y != first.y) pts.push_back(last);
  };
  auto emit_polyline = [&] {
    flush();
    col = std::numeric_limits<int>::min();
    draw_polyline(f, s, pts);
    pts.clear();
  };
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {  // a gap in the line
      emit_polyline();
      continue;
    }
    const ImVec2 p(f.sx(to_axis_x(s.x[i])), std::clamp(f.sy(to_axis_y(s.y[i])), f.p0.y - 1e4f, f.p0.y + f.ph + 1e4f));
    const int c = static_cast<int>(std::floor(p.x));
    if (c != col) {
      flush();
      col = c;
      first = mn = mx = last = p;
    } else {
      if (p.y < mn.y) mn = p;
      if (p.y > mx.y) mx = p;
      last = p;
    }
    if (pts.size() > 30000) {  // keep a single polyline well under the 16-bit index budget
      flush();
      ImVec2 keep = pts.back();
      col = std::numeric_limits<int>::min();
      emit_polyline();
      pts.push_back(keep);
    }
  }
  emit_polyline();
}

// The heatmap's colour scale right of the plot area, with ticks over [heat_lo_, heat_hi_].
void Plot::draw_colorbar(const Frame& f) {
  const float fs = f.fs;
  const float bx = f.p0.x + f.pw + fs * 0.6f, bw = fs * 0.9f;
  const int steps = 64;
  for (int i = 0; i < steps; ++i) {
    const auto c = colormap_rgb(heatmap_.colormap, (i + 0.5) / steps);
    const float ya = f.p0.y + f.ph * (1.0f - float(i + 1) / steps), yb = f.p0.y + f.ph * (1.0f - float(i) / steps);
    f.dl->AddRectFilled(ImVec2(bx, ya), ImVec2(bx + bw, yb + 0.5f), IM_COL32(c[0], c[1], c[2], 255));
  }
  f.dl->AddRect(ImVec2(bx, f.p0.y), ImVec2(bx + bw, f.p0.y + f.ph), kFrameColor);
  for (const auto& t : linear_ticks(heat_lo_, heat_hi_, std::max(2, int(f.ph / (fs * 3))))) {
    const float y = f.p0.y + f.ph * static_cast<float>(1.0 - (t.value - heat_lo_) / (heat_hi_ - heat_lo_));
    f.dl->AddLine(ImVec2(bx + bw, y), ImVec2(bx + bw + fs * 0.3f, y), f.text_col);
    f.dl->AddText(ImVec2(bx + bw + fs * 0.4f, y - fs / 2), f.text_col, t.label.c_str());
  }
}

// Legend at the top right inside the plot area; clicking an entry hides or shows its series.
void Plot::draw_legend(const Frame& f) {
  const float fs = f.fs;
  float w = 0;
  for (const auto& s : series_) w = std::max(w, ImGui::CalcTextSize(s.name.c_str()).x);
  const float lh = fs * 1.15f;
  const ImVec2 l0(f.p0.x + f.pw - w - fs * 2.4f, f.p0.y + fs * 0.4f);
  const ImVec2 l1(f.p0.x + f.pw - fs * 0.4f, l0.y + lh * series_.size() + fs * 0.3f);
  f.dl->AddRectFilled(l0, l1, IM_COL32(15, 15, 20, 200), 3.0f);
  for (size_t i = 0; i < series_.size(); ++i) {
    const auto& s = series_[i];
    const bool vis = series_visible(s.name);
    const ImVec2 r0(l0.x + fs * 0.3f, l0.y + fs * 0.15f + lh * i);
    const ImVec2 box0(r0.x, r0.y + fs * 0.2f), box1(r0.x + fs * 0.8f, r0.y + fs * 0.8f + fs * 0.2f);
    if (vis) f.dl->AddRectFilled(box0, box1, s.color);
    else f.dl->AddRect(box0, box1, s.color);
    f.dl->AddText(ImVec2(r0.x + fs * 1.2f, r0.y), vis ? f.text_col : IM_COL32(140, 140, 140, 255), s.name.c_str());
    if (f.hovered && f.mouse.x >= l0.x && f.mouse.x <= l1.x && f.mouse.y >= r0.y && f.mouse.y < r0.y + lh &&
        ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
      hidden_[s.name] = vis;
      if (auto_fit) compute_fit(limits_);
    }
  }
}

// Hover readout: the nearest visible point within ~0.8 font sizes, else the cursor's coordinates; the
// heatmap cell under the cursor.
void Plot::draw_hover(const Frame& f) {
  const float fs = f.fs;
  const PlotSeries* best = nullptr;
  size_t best_i = 0;
  float best_d = (fs * 0.8f) * (fs * 0.8f);
  for (const auto& s : series_) {
    if (!series_visible(s.name)) continue;
    const size_t n = std::min(s.x.size(), s.y.size());
    for (size_t i = 0; i < n; ++i) {
      const float dx = f.sx(to_axis_x(s.x[i])) - f.mouse.x;
      if (std::fabs(dx) > fs) continue;
      const float dy = f.sy(to_axis_y(s.y[i])) - f.mouse.y;
      const float d = dx * dx + dy * dy;
      if (d < best_d) best_d = d, best = &s, best_i = i;
    }
  }
  ImGui::BeginTooltip();
  if (best) {
    f.dl->AddCircle(ImVec2(f.sx(to_axis_x(best->x[best_i])), f.sy(to_axis_y(best->y[best_i]))), fs * 0.4f,
                    IM_COL32(255, 255, 255, 255));
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(best->color), "%s", best->name.c_str());
    ImGui::Text("x = %.6g\ny = %.6g", best->x[best_i], best->y[best_i]);
  } else {
    ImGui::Text("x = %.4g, y = %.4g", from_axis_x(f.inv_x(f.mouse.x)), from_axis_y(f.inv_y(f.mouse.y)));
  }
  if (has_heatmap_) {
    const double hx = from_axis_x(f.inv_x(f.mouse.x)), hy = from_axis_y(f.inv_y(f.mouse.y));
    const int c = static_cast<int>(std::floor((hx - heatmap_.x0) / (heatmap_.x1 - heatmap_.x0) * heatmap_.cols));
    const int r = static_cast<int>(std::floor((hy - heatmap_.y0) / (heatmap_.y1 - heatmap_.y0) * heatmap_.rows));
    if (c >= 0 && c < heatmap_.cols && r >= 0 && r < heatmap_.rows) {
      ImGui::Text("%s[%d,%d] = %.4g", heatmap_.name.c_str(), r, c,
                  heatmap_.values[static_cast<size_t>(r) * heatmap_.cols + c]);
    }
  }
  ImGui::TextDisabled("wheel: zoom, drag: pan, double-click: fit");
  ImGui::EndTooltip();
}

// [SECTION] exports ---------------------------------------------------------------------------------

namespace {

std::string svg_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

std::string svg_color(ImU32 c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c & 0xff, (c >> 8) & 0xff, (c >> 16) & 0xff);
  return buf;
}

}  // namespace

bool Plot::export_svg(const std::string& path, std::string& error) const {
  return write_text_file(path, [&](std::ostream& f) {
    const double W = 800, H = 500, l = 70, r = has_heatmap_ ? 90 : 20, t = 40, b = 50;
    const double pw = W - l - r, ph = H - t - b;
    const Limits& L = limits_;
    auto X = [&](double v) { return l + (to_axis_x(v) - L.x0) / (L.x1 - L.x0) * pw; };
    auto Y = [&](double v) { return t + ph - (to_axis_y(v) - L.y0) / (L.y1 - L.y0) * ph; };
    f << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    f << "<defs><clipPath id=\"area\"><rect x=\"" << l << "\" y=\"" << t << "\" width=\"" << pw
      << "\" height=\"" << ph << "\"/></clipPath></defs>\n";
    if (!title.empty())
      f << "<text x=\"" << l + pw / 2 << "\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">"
        << svg_escape(title) << "</text>\n";
    auto xt = log_x ? log_ticks(std::pow(10, L.x0), std::pow(10, L.x1)) : linear_ticks(L.x0, L.x1);
    auto yt = log_y ? log_ticks(std::pow(10, L.y0), std::pow(10, L.y1)) : linear_ticks(L.y0, L.y1);
    for (const auto& k : xt) {
      const double x = l + ((log_x ? std::log10(k.value) : k.value) - L.x0) / (L.x1 - L.x0) * pw;
      f << "<line x1=\"" << x << "\" y1=\"" << t << "\" x2=\"" << x << "\" y2=\"" << t + ph
        << "\" stroke=\"#ddd\"/><text x=\"" << x << "\" y=\"" << t + ph + 16 << "\" text-anchor=\"middle\">"
        << svg_escape(k.label) << "</text>\n";
    }
    for (const auto& k : yt) {
      const double y = t + ph - ((log_y ? std::log10(k.value) : k.value) - L.y0) / (L.y1 - L.y0) * ph;
      f << "<line x1=\"" << l << "\" y1=\"" << y << "\" x2=\"" << l + pw << "\" y2=\"" << y
        << "\" stroke=\"#ddd\"/><text x=\"" << l - 6 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\">"
        << svg_escape(k.label) << "</text>\n";
    }
    if (!x_label.empty())
      f << "<text x=\"" << l + pw / 2 << "\" y=\"" << H - 10 << "\" text-anchor=\"middle\">" << svg_escape(x_label)
        << "</text>\n";
    if (!y_label.empty())
      f << "<text transform=\"translate(16," << t + ph / 2 << ") rotate(-90)\" text-anchor=\"middle\">"
        << svg_escape(y_label) << "</text>\n";
    f << "<g clip-path=\"url(#area)\">\n";
    if (has_heatmap_) {
      const double cw = (heatmap_.x1 - heatmap_.x0) / heatmap_.cols, ch = (heatmap_.y1 - heatmap_.y0) / heatmap_.rows;
      const double span = heat_hi_ > heat_lo_ ? heat_hi_ - heat_lo_ : 1;
      for (int rr = 0; rr < heatmap_.rows; ++rr) {
        for (int c = 0; c < heatmap_.cols; ++c) {
          const float v = heatmap_.values[static_cast<size_t>(rr) * heatmap_.cols + c];
          const auto rgb = colormap_rgb(heatmap_.colormap, (v - heat_lo_) / span);
          const double xa = X(heatmap_.x0 + c * cw), xb = X(heatmap_.x0 + (c + 1) * cw);
          const double ya = Y(heatmap_.y0 + (rr + 1) * ch), yb = Y(heatmap_.y0 + rr * ch);
          f << "<rect x=\"" << xa << "\" y=\"" << ya << "\" width=\"" << (xb - xa + 0.3) << "\" height=\""
            << (yb - ya + 0.3) << "\" fill=\"" << svg_color(IM_COL32(rgb[0], rgb[1], rgb[2], 255)) << "\"/>\n";
        }
      }
    }
    for (const auto& s : series_) {
      if (!series_visible(s.name)) continue;
      const size_t n = std::min(s.x.size(), s.y.size());
      if (s.kind == SeriesKind::Scatter) {
        f << "<g fill=\"" << svg_color(s.color) << "\">\n";
        for (size_t i = 0; i < n; ++i)
          if (std::isfinite(s.x[i]) && std::isfinite(s.y[i]))
            f << "<circle cx=\"" << X(s.x[i]) << "\" cy=\"" << Y(s.y[i]) << "\" r=\"" << s.size << "\"/>\n";
        f << "</g>\n";
      } else {
        f << "<polyline fill=\"none\" stroke=\"" << svg_color(s.color) << "\" stroke-width=\"1.5\""
          << (s.dashed ? " stroke-dasharray=\"5,3\"" : "") << " points=\"";
        for (size_t i = 0; i < n; ++i)
          if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) f << X(s.x[i]) << ',' << Y(s.y[i]) << ' ';
        f << "\"/>\n";
      }
    }
    f << "</g>\n<rect x=\"" << l << "\" y=\"" << t << "\" width=\"" << pw << "\" height=\"" << ph
      << "\" fill=\"none\" stroke=\"#333\"/>\n";
    // Legend.
    double ly = t + 14;
    for (const auto& s : series_) {
      if (!series_visible(s.name)) continue;
      f << "<rect x=\"" << l + pw - 150 << "\" y=\"" << ly - 9 << "\" width=\"10\" height=\"10\" fill=\""
        << svg_color(s.color) << "\"/><text x=\"" << l + pw - 135 << "\" y=\"" << ly << "\">" << svg_escape(s.name)
        << "</text>\n";
      ly += 16;
    }
    if (has_heatmap_) {
      const double bx = l + pw + 12;
      for (int i = 0; i < 32; ++i) {
        const auto rgb = colormap_rgb(heatmap_.colormap, (i + 0.5) / 32);
        f << "<rect x=\"" << bx << "\" y=\"" << t + ph - ph * (i + 1) / 32 << "\" width=\"14\" height=\""
          << ph / 32 + 0.3 << "\" fill=\"" << svg_color(IM_COL32(rgb[0], rgb[1], rgb[2], 255)) << "\"/>\n";
      }
      for (const auto& k : linear_ticks(heat_lo_, heat_hi_, 5)) {
        const double y = t + ph - (k.value - heat_lo_) / (heat_hi_ - heat_lo_) * ph;
        f << "<text x=\"" << bx + 18 << "\" y=\"" << y + 4 << "\">" << svg_escape(k.label) << "</text>\n";
      }
    }
    f << "</svg>\n";
  }, error);
}

bool Plot::export_csv(const std::string& path, std::string& error) const {
  return write_text_file(path, [&](std::ostream& f) {
    f.precision(9);
    // Long format: one row per point, so series of different lengths share one table.
    f << "series,x,y\n";
    for (const auto& s : series_) {
      const size_t n = std::min(s.x.size(), s.y.size());
      std::string name = s.name;
      std::replace(name.begin(), name.end(), ',', ';');
      for (size_t i = 0; i < n; ++i) f << name << ',' << s.x[i] << ',' << s.y[i] << '\n';
    }
    if (has_heatmap_) {
      const double cw = (heatmap_.x1 - heatmap_.x0) / heatmap_.cols, ch = (heatmap_.y1 - heatmap_.y0) / heatmap_.rows;
      f << "\nheatmap,x_center,y_center,value\n";
      for (int r = 0; r < heatmap_.rows; ++r)
        for (int c = 0; c < heatmap_.cols; ++c)
          f << heatmap_.name << ',' << heatmap_.x0 + (c + 0.5) * cw << ',' << heatmap_.y0 + (r + 0.5) * ch << ','
            << heatmap_.values[static_cast<size_t>(r) * heatmap_.cols + c] << '\n';
    }
  }, error);
}

bool Plot::export_png(ViewContext& ctx, const std::string& path, float scale, std::string& error) {
  return export_screen_png(ctx.capture, ctx.toast, rect_, path, scale, error);
}

}  // namespace gui
}  // namespace vaelab
