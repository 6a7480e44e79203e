#pragma once
// Colormaps for heatmaps and colour bars: the one implementation, shared by the engine's plot export and
// the app's ImGui plots (tested in tests/gui_widgets_test.cpp and tests/plot_figures_test.cpp).
// Each map is defined by evenly spaced anchor colours (sampled from the published maps) and linear
// interpolation in sRGB between them: close enough to the originals for reading values, and small.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace vaelab {

enum class Colormap { Viridis, Magma, Grey, Diverging };

const char* to_string(Colormap map);
const std::vector<Colormap>& all_colormaps();
// t is clamped to [0, 1]; NaN maps to a neutral mid grey.
std::array<uint8_t, 3> colormap_rgb(Colormap map, double t);
// n RGB triples (n*3 bytes) sampling the map evenly from t=0 to t=1: a 1-D colormap texture.
std::vector<uint8_t> colormap_table(Colormap map, int n = 256);
// Maps values to RGBA8 through the map over [vmin, vmax] (RGBA so it uploads as a texture directly).
std::vector<uint8_t> colorize(const std::vector<float>& values, double vmin, double vmax, Colormap map);

}  // namespace vaelab
