#pragma once
// vaelab's own 5x7 bitmap font for figure text: printable ASCII plus σ, π, μ, ², λ, β, γ and −, drawn at integer
// scales, horizontally or turned 90° anticlockwise (a y-axis label, read bottom to top). Text is UTF-8;
// a character the font lacks draws as a hollow box. Each glyph sits in a cell of kGlyphAdvance x
// kGlyphHeight units (one blank column after the glyph), so text is kGlyphAdvance * scale * characters
// wide and kGlyphHeight * scale tall; ink never leaves that box.
#include <string>

#include "plot/raster_canvas.h"

namespace vaelab {

constexpr int kGlyphWidth = 5;
constexpr int kGlyphHeight = 7;
constexpr int kGlyphAdvance = 6;

// Width and height in pixels of `text` at `scale` (>= 1), horizontal.
int text_width(const std::string& text, int scale);
int text_height(int scale);
// Top-left corner of the text box at (x, y).
void draw_text(RasterCanvas& canvas, int x, int y, const std::string& text, Rgb color, int scale);
// Turned 90° anticlockwise: the box is text_height wide and text_width tall, its top-left at (x, y); the
// first character sits at the bottom.
void draw_text_vertical(RasterCanvas& canvas, int x, int y, const std::string& text, Rgb color, int scale);

}  // namespace vaelab
