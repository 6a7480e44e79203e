#pragma once
// GLSL programs loaded from shaders/ ($VAELAB_SHADERS when set, else the source tree's shaders/ folder
// compiled in as VAELAB_SOURCE_SHADERS). UI thread only (GL context).
#include <epoxy/gl.h>

#include <string>

namespace vaelab {
namespace gui {

// Full path of a shader file by name, e.g. shader_path("heatmap.frag").
std::string shader_path(const std::string& name);

class ShaderProgram {
 public:
  ShaderProgram() = default;
  ~ShaderProgram();
  ShaderProgram(const ShaderProgram&) = delete;
  ShaderProgram& operator=(const ShaderProgram&) = delete;

  // Loads, compiles and links `vertex_name` + `fragment_name`. Returns false with a one-line error
  // naming the file and the compiler's first message.
  bool load(const std::string& vertex_name, const std::string& fragment_name, std::string& error);
  bool valid() const { return id_ != 0; }
  GLuint id() const { return id_; }
  GLint uniform(const char* name) const { return glGetUniformLocation(id_, name); }

 private:
  GLuint id_ = 0;
};

}  // namespace gui
}  // namespace vaelab
