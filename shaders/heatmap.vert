#version 330 core
// A full-target quad from gl_VertexID (no vertex buffer): draws the heatmap grid into its texture.
out vec2 uv;
void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
  uv = corner;
  gl_Position = vec4(corner * 2.0 - 1.0, 0.0, 1.0);
}
