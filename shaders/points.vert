#version 330 core
// One GL point per data point: position in data units mapped to clip space by the view box; colour
// per point (RGBA8, normalised by the vertex format).
layout(location = 0) in vec2 a_position;
layout(location = 1) in vec4 a_color;

uniform vec4 u_box;          // x0, y0, x1, y1 of the data shown
uniform float u_point_size;  // diameter in framebuffer pixels

out vec4 v_color;

void main() {
  vec2 t = (a_position - u_box.xy) / (u_box.zw - u_box.xy);
  gl_Position = vec4(t * 2.0 - 1.0, 0.0, 1.0);
  gl_PointSize = u_point_size;
  v_color = a_color;
}
