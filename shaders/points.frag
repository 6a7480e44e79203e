#version 330 core
// Round, anti-aliased discs: gl_PointCoord spans the point's square; fade the last pixel of the radius.
in vec4 v_color;
uniform float u_point_size;
out vec4 frag_color;

void main() {
  vec2 d = gl_PointCoord * 2.0 - 1.0;
  float r = length(d);
  float edge = 1.0 - 2.0 / max(u_point_size, 1.0);
  float alpha = 1.0 - smoothstep(edge, 1.0, r);
  if (alpha <= 0.0) discard;
  frag_color = vec4(v_color.rgb, v_color.a * alpha);
}
