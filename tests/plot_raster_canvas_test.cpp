// The engine's raster canvas and bitmap font (engine/plot): exact pixels for lines and rectangles, and
// text that inks its box and nothing outside it, horizontal and turned.
#include <catch2/catch.hpp>

#include <vector>

#include "plot/bitmap_font.h"
#include "plot/raster_canvas.h"

using namespace vaelab;

namespace {

constexpr Rgb kRed{200, 20, 30};
constexpr Rgb kBackground{255, 255, 255};

// The bounding box of every pixel that differs from the background: {x0, y0, x1, y1} inclusive, or
// {-1, -1, -1, -1} when none does.
std::array<int, 4> ink_box(const RasterCanvas& c) {
  std::array<int, 4> box = {-1, -1, -1, -1};
  for (int y = 0; y < c.height(); ++y)
    for (int x = 0; x < c.width(); ++x) {
      if (c.at(x, y) == kBackground) continue;
      if (box[0] < 0) box = {x, y, x, y};
      box[0] = std::min(box[0], x), box[1] = std::min(box[1], y);
      box[2] = std::max(box[2], x), box[3] = std::max(box[3], y);
    }
  return box;
}

}  // namespace

TEST_CASE("A one pixel horizontal line colours exactly the pixels from x0 to x1 of its row", "[fast][plot]") {
  RasterCanvas c(40, 20, kBackground);
  c.draw_line(5, 9, 30, 9, kRed, 1.0);
  for (int y = 0; y < c.height(); ++y)
    for (int x = 0; x < c.width(); ++x) {
      INFO("pixel " << x << ", " << y);
      const bool on_line = y == 9 && x >= 5 && x <= 30;
      CHECK((c.at(x, y) == kRed) == on_line);
      if (!on_line) CHECK(c.at(x, y) == kBackground);
    }
}

TEST_CASE("A diagonal line is anti-aliased and stays within half its width plus a pixel", "[fast][plot]") {
  RasterCanvas c(50, 50, kBackground);
  c.draw_line(5, 5, 44, 44, kRed, 2.0);
  CHECK(c.at(20, 20) == kRed);  // on the line: full colour
  CHECK(c.at(20, 26) == kBackground);  // 6 px off: untouched
  // The next pixels off the line get part of the colour: neither the background nor the full red.
  bool partial = false;
  for (int x = 0; x < 50; ++x) {
    const Rgb p = c.at(x, 30);
    partial = partial || (p != kRed && p != kBackground);
  }
  CHECK(partial);
}

TEST_CASE("A filled rectangle colours its half-open pixel range and clips at the canvas edge", "[fast][plot]") {
  RasterCanvas c(20, 10, kBackground);
  c.fill_rect(3, 2, 8, 6, kRed);
  int red = 0;
  for (int y = 0; y < 10; ++y)
    for (int x = 0; x < 20; ++x) red += c.at(x, y) == kRed;
  CHECK(red == 5 * 4);
  CHECK(c.at(3, 2) == kRed);
  CHECK(c.at(7, 5) == kRed);
  CHECK(c.at(8, 5) == kBackground);
  CHECK(c.at(7, 6) == kBackground);
  c.fill_rect(15, 5, 100, 100, kRed);  // past the edge: clipped, no crash
  CHECK(c.at(19, 9) == kRed);
}

TEST_CASE("Text draws ink inside its box and nothing outside it", "[fast][plot]") {
  for (int scale : {1, 2, 3}) {
    INFO("scale " << scale);
    RasterCanvas c(300, 60, kBackground);
    const std::string text = "Loss 0.25 gjq|";
    const int x = 7, y = 11;
    draw_text(c, x, y, text, kRed, scale);
    const auto box = ink_box(c);
    REQUIRE(box[0] >= 0);
    CHECK(box[0] >= x);
    CHECK(box[1] >= y);
    CHECK(box[2] < x + text_width(text, scale));
    CHECK(box[3] < y + text_height(scale));
    // Something in the first and the last character cell, and the full height used ('|' and 'L').
    CHECK(box[0] < x + kGlyphAdvance * scale);
    CHECK(box[2] >= x + text_width(text, scale) - kGlyphAdvance * scale);
    CHECK(box[1] == y);
    CHECK(box[3] == y + text_height(scale) - 1);
  }
}

TEST_CASE("The Greek letters and the minus sign of the papers' notation draw as themselves, not the missing box",
          "[fast][plot]") {
  // A character the font lacks draws as the hollow box: U+2603 (a snowman) stands for it.
  const auto pixels = [](const std::string& text) {
    RasterCanvas c(20, 20, kBackground);
    draw_text(c, 2, 2, text, kRed, 1);
    std::vector<bool> inked;
    for (int y = 0; y < c.height(); ++y)
      for (int x = 0; x < c.width(); ++x) inked.push_back(!(c.at(x, y) == kBackground));
    return inked;
  };
  const auto missing = pixels("\u2603");
  for (const char* glyph : {"λ", "β", "γ", "σ", "π", "μ"}) {
    INFO(glyph);
    CHECK(pixels(glyph) != missing);
  }
  CHECK(pixels("−") == pixels("-"));  // U+2212 draws as the hyphen-minus
  CHECK(pixels("λ") != pixels("β"));
}

TEST_CASE("Turned text fills a box as tall as the text is wide and puts its first character at the bottom",
          "[fast][plot]") {
  RasterCanvas c(40, 120, kBackground);
  const std::string text = "L...";  // ink of 'L' only in the first cell's left column and bottom row
  draw_text_vertical(c, 10, 5, text, kRed, 2);
  const auto box = ink_box(c);
  REQUIRE(box[0] >= 0);
  CHECK(box[0] >= 10);
  CHECK(box[2] < 10 + text_height(2));
  CHECK(box[1] >= 5);
  CHECK(box[3] < 5 + text_width(text, 2));
  // 'L' turned anticlockwise: its upright stroke becomes the bottom-most row of the box.
  CHECK(box[3] == 5 + text_width(text, 2) - 1);
}

TEST_CASE("Characters outside the font draw as a box and Greek letters the font has do not", "[fast][plot]") {
  RasterCanvas missing(20, 20, kBackground), sigma(20, 20, kBackground);
  draw_text(missing, 0, 0, "\xe2\x82\xac", kRed, 1);  // the euro sign: not in the font
  draw_text(sigma, 0, 0, "\xcf\x83", kRed, 1);        // σ
  CHECK(text_width("\xcf\x83", 1) == kGlyphAdvance);  // one character, two bytes
  CHECK(missing.at(0, 0) == kRed);                    // the box's corner
  CHECK(sigma.at(0, 0) == kBackground);               // σ has no ink in its top-left corner
  CHECK(ink_box(sigma)[0] >= 0);
}
