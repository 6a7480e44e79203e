// The engine's figures (engine/plot): a line chart puts a point where its axes say, heatmap cells follow
// the colormap, image grids place each image at its tile, densities bin every point once.
#include <catch2/catch.hpp>

#include <cmath>

#include "plot/colormap.h"
#include "plot/density_plot.h"
#include "plot/image_grid.h"
#include "plot/line_chart.h"
#include "plot/matrix_heatmap.h"

using namespace vaelab;

namespace {

Rgb rgb_of(const std::array<uint8_t, 3>& c) { return {c[0], c[1], c[2]}; }

}  // namespace

TEST_CASE("A line chart draws a single-point series at the pixel its axes give that value", "[fast][plot]") {
  LineChartOptions o;
  o.x_min = 0, o.x_max = 10, o.y_min = 0, o.y_max = 10;
  o.title = "one point";
  o.x_label = "x";
  o.y_label = "y";
  const std::vector<LineSeries> series = {{"point", {4.0}, {2.0}, true}};
  const RasterCanvas chart = line_chart(series, o);
  const PlotFrame f = line_chart_frame(series, o);
  REQUIRE(f.right > f.left + 100);
  REQUIRE(f.bottom > f.top + 100);
  // The frame maps the range onto the data area: 4 of [0, 10] two fifths across, 2 a fifth of the way up.
  const int px = static_cast<int>(std::lround(f.left + 0.4 * (f.right - f.left)));
  const int py = static_cast<int>(std::lround(f.bottom - 0.2 * (f.bottom - f.top)));
  CHECK(chart.at(px, py) == series_color(0));
  CHECK(chart.at(px + 12, py) != series_color(0));
  // The axes agree (ticks every 2 at this size): a tick mark of x = 4 below the frame in that column,
  // and of y = 2 left of it in that row, and none a few pixels beside them.
  CHECK(chart.at(px, f.bottom + 4) == kInk);
  CHECK(chart.at(px + 3, f.bottom + 4) == kWhite);
  CHECK(chart.at(f.left - 4, py) == kInk);
  CHECK(chart.at(f.left - 4, py + 3) == kWhite);
}

TEST_CASE("A line chart's legend sits right of the data area and each series has its own colour",
          "[fast][plot]") {
  LineChartOptions o;
  std::vector<LineSeries> series;
  for (int s = 0; s < 3; ++s) {
    LineSeries line{"series " + std::to_string(s), {}, {}, false};
    for (int i = 0; i < 50; ++i) line.x.push_back(i), line.y.push_back(std::exp(-0.05 * i) * (s + 1));
    series.push_back(line);
  }
  o.log_y = true;
  const RasterCanvas chart = line_chart(series, o);
  const PlotFrame f = line_chart_frame(series, o);
  CHECK(series_color(0) != series_color(1));
  // Every series colour appears inside the data area and again in the legend, right of the frame.
  for (size_t s = 0; s < series.size(); ++s) {
    INFO("series " << s);
    bool in_area = false, in_legend = false;
    for (int y = 0; y < chart.height(); ++y)
      for (int x = 0; x < chart.width(); ++x) {
        if (chart.at(x, y) != series_color(s)) continue;
        if (x >= f.left && x <= f.right && y >= f.top && y <= f.bottom) in_area = true;
        if (x > f.right + 1) in_legend = true;
      }
    CHECK(in_area);
    CHECK(in_legend);
  }
}

TEST_CASE("Heatmap cells take the colormap's colours in the order of their values", "[fast][plot]") {
  Matrix m{"ramp", 1, 5, {1, 2, 3, 4, 5}};
  HeatmapOptions o;
  o.annotate = 0;
  const RasterCanvas canvas = matrix_heatmap({m}, o);
  const auto cells = matrix_heatmap_cells({m}, o);
  REQUIRE(cells.size() == 1);
  const auto table = colormap_table(Colormap::Viridis, 256);
  int last_index = -1;
  for (int c = 0; c < 5; ++c) {
    INFO("cell " << c);
    const Rgb got = canvas.at(cells[0].left + c * cells[0].cell + cells[0].cell / 2, cells[0].top + cells[0].cell / 2);
    CHECK(got == rgb_of(colormap_rgb(Colormap::Viridis, c / 4.0)));
    // Its place along the map: the nearest entry of the table, which must rise with the value.
    int best = 0, best_d = 1 << 30;
    for (int k = 0; k < 256; ++k) {
      const int d = std::abs(table[k * 3] - got.r) + std::abs(table[k * 3 + 1] - got.g) + std::abs(table[k * 3 + 2] - got.b);
      if (d < best_d) best_d = d, best = k;
    }
    CHECK(best > last_index);
    last_index = best;
  }
}

TEST_CASE("A signed heatmap is white at zero, blue below and red above", "[fast][plot]") {
  Matrix m{"signed", 1, 3, {-0.5, 0.0, 2.0}};
  HeatmapOptions o;
  o.diverging = true;
  o.annotate = 0;
  const RasterCanvas canvas = matrix_heatmap({m}, o);
  const auto at = matrix_heatmap_cells({m}, o)[0];
  const auto cell = [&](int c) { return canvas.at(at.left + c * at.cell + at.cell / 2, at.top + at.cell / 2); };
  CHECK(cell(1) == rgb_of(colormap_rgb(Colormap::Diverging, 0.5)));
  CHECK(cell(0).b > cell(0).r);
  CHECK(cell(2).r > cell(2).b);
  // Symmetric range [-2, 2]: -0.5 is a quarter of the way to the blue end, so paler than full blue.
  CHECK(cell(0) == rgb_of(colormap_rgb(Colormap::Diverging, 0.375)));
}

TEST_CASE("An image grid places image i at its tile with its grey values", "[fast][plot]") {
  const int n = 5, h = 3, w = 4;
  std::vector<float> images;
  for (int i = 0; i < n; ++i)
    for (int p = 0; p < h * w; ++p) images.push_back((i + 1) / 10.0f + (p == 0 ? 0.05f : 0.0f));
  ImageGridOptions o;
  o.columns = 2;
  o.gap = 3;
  o.scale = 2;
  const RasterCanvas grid = image_grid(images, n, h, w, o);
  CHECK(grid.width() == 3 + 2 * (2 * w + 3));
  CHECK(grid.height() == 3 + 3 * (2 * h + 3));
  for (int i = 0; i < n; ++i) {
    INFO("image " << i);
    const int x0 = 3 + (i % 2) * (2 * w + 3), y0 = 3 + (i / 2) * (2 * h + 3);
    const auto grey = [](float v) { return static_cast<uint8_t>(std::lround(v * 255.0f)); };
    const uint8_t first = grey((i + 1) / 10.0f + 0.05f), rest = grey((i + 1) / 10.0f);
    CHECK(grid.at(x0, y0) == Rgb{first, first, first});          // its first pixel, top-left
    CHECK(grid.at(x0 + 1, y0 + 1) == Rgb{first, first, first});  // drawn 2 x 2
    CHECK(grid.at(x0 + 2, y0) == Rgb{rest, rest, rest});
    CHECK(grid.at(x0 + 2 * w - 1, y0 + 2 * h - 1) == Rgb{rest, rest, rest});  // its last pixel
    CHECK(grid.at(x0 + 2 * w, y0) == o.background);              // the gap after it
  }
}

TEST_CASE("Row labels and a title move the tiles right and down by their size", "[fast][plot]") {
  std::vector<float> images(2 * 2 * 2, 0.0f);
  ImageGridOptions o;
  o.columns = 1;
  o.row_labels = {"in", "out"};
  o.title = "grid";
  const RasterCanvas plain = image_grid(images, 2, 2, 2, ImageGridOptions{});
  const RasterCanvas labelled = image_grid(images, 2, 2, 2, o);
  CHECK(labelled.width() > plain.width() / 2 + 8);
  CHECK(labelled.height() > 2 * (2 * 2 + 2) + 2 + 10);
  CHECK_THROWS_WITH(image_grid(images, 3, 2, 2, o), Catch::Contains("image grid"));
}

TEST_CASE("Binning points counts each point inside the range once and drops those outside", "[fast][plot]") {
  PointSet points{"p", {0.0, 0.49, 0.51, 1.0, 1.5, 0.25}, {0.0, 0.49, 0.51, 1.0, 0.5, 0.75}};
  const auto counts = bin_points(points, 2, 0, 1, 0, 1);
  CHECK(counts[0][0] == 2);  // (0, 0) and (0.49, 0.49)
  CHECK(counts[1][1] == 2);  // (0.51, 0.51) and (1, 1): the upper edge belongs to the last bin
  CHECK(counts[1][0] == 1);  // (0.25, 0.75): row 1 is the upper half of y
  CHECK(counts[0][1] == 0);  // (1.5, 0.5) is outside
  const RasterCanvas fig = density_plot({points, points}, DensityPlotOptions{});
  CHECK(fig.width() > 2 * 300);
}
