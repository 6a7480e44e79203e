#version 330 core
// Heatmap: a float texture of values mapped through a 1-D colormap texture over [vmin, vmax].
// Non-finite values (NaN) show as neutral grey.
in vec2 uv;
out vec4 color;
uniform sampler2D values;    // R32F, nearest
uniform sampler1D colormap;  // RGB8, linear, 256 entries
uniform float vmin;
uniform float vmax;
void main() {
  float v = texture(values, uv).r;
  if (isnan(v) || isinf(v)) {
    color = vec4(0.5, 0.5, 0.5, 1.0);
    return;
  }
  float t = clamp((v - vmin) / max(vmax - vmin, 1e-30), 0.0, 1.0);
  // Sample texel centres so t = 0 and t = 1 hit the first and last entries exactly.
  color = vec4(texture(colormap, (t * 255.0 + 0.5) / 256.0).rgb, 1.0);
}
