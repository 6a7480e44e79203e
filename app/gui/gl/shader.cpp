#include "gl/shader.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

namespace vaelab {
namespace gui {
namespace {

bool read_text(const std::string& path, std::string& out, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read shader " + path;
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

GLuint compile(GLenum type, const std::string& text, const std::string& name, std::string& error) {
  GLuint s = glCreateShader(type);
  const char* src = text.c_str();
  glShaderSource(s, 1, &src, nullptr);
  glCompileShader(s);
  GLint ok = 0;
  glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    std::vector<char> log(2048);
    glGetShaderInfoLog(s, static_cast<GLsizei>(log.size()), nullptr, log.data());
    std::string msg(log.data());
    if (auto nl = msg.find('\n'); nl != std::string::npos) msg.resize(nl);
    error = "shader " + name + " does not compile: " + msg;
    glDeleteShader(s);
    return 0;
  }
  return s;
}

}  // namespace

std::string shader_path(const std::string& name) {
  const char* env = std::getenv("VAELAB_SHADERS");
  const std::string dir = env && *env ? env : VAELAB_SOURCE_SHADERS;
  return dir + "/" + name;
}

ShaderProgram::~ShaderProgram() {
  if (id_) glDeleteProgram(id_);
}

bool ShaderProgram::load(const std::string& vertex_name, const std::string& fragment_name, std::string& error) {
  std::string vs_text, fs_text;
  if (!read_text(shader_path(vertex_name), vs_text, error) || !read_text(shader_path(fragment_name), fs_text, error))
    return false;
  GLuint vs = compile(GL_VERTEX_SHADER, vs_text, vertex_name, error);
  if (!vs) return false;
  GLuint fs = compile(GL_FRAGMENT_SHADER, fs_text, fragment_name, error);
  if (!fs) {
    glDeleteShader(vs);
    return false;
  }
  GLuint p = glCreateProgram();
  glAttachShader(p, vs);
  glAttachShader(p, fs);
  glLinkProgram(p);
  glDeleteShader(vs);
  glDeleteShader(fs);
  GLint ok = 0;
  glGetProgramiv(p, GL_LINK_STATUS, &ok);
  if (!ok) {
    std::vector<char> log(2048);
    glGetProgramInfoLog(p, static_cast<GLsizei>(log.size()), nullptr, log.data());
    error = "shaders " + vertex_name + " + " + fragment_name + " do not link: " + std::string(log.data());
    glDeleteProgram(p);
    return false;
  }
  if (id_) glDeleteProgram(id_);
  id_ = p;
  return true;
}

}  // namespace gui
}  // namespace vaelab
