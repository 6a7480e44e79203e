// The app's window: GLFW and the OpenGL 3.3 context, ImGui and its backends, fonts and sizes for the UI
// scale, and the imgui.ini section that keeps the selected view and the UI scale with the layout (the
// recent-runs list is read from beside imgui.ini here too).
#include "app.h"

// GL loader first: epoxy must come before GLFW's GL headers.
#include <epoxy/gl.h>
// clang-format off
#include <GLFW/glfw3.h>
// clang-format on
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "config_dir.h"

namespace vaelab {
namespace gui {
namespace fs = std::filesystem;

namespace {

void on_glfw_error(int code, const char* text) { std::fprintf(stderr, "vaelab: GLFW error %d: %s\n", code, text); }

}  // namespace

// imgui.ini section "[Vaelab][State]": the selected view and the UI scale persist with the layout.
struct AppSettings {
  static void* open(ImGuiContext*, ImGuiSettingsHandler*, const char* name) {
    return std::strcmp(name, "State") == 0 ? reinterpret_cast<void*>(1) : nullptr;
  }
  static void read_line(ImGuiContext*, ImGuiSettingsHandler* h, void*, const char* line) {
    App* app = static_cast<App*>(h->UserData);
    char view[64];
    float scale = 0;
    if (std::sscanf(line, "View=%63s", view) == 1) {
      const int i = app->view_index(view);
      if (i >= 0 && app->cl_.view.empty()) app->select_request_ = i, app->current_ = i;
    } else if (std::sscanf(line, "UiScale=%f", &scale) == 1 && app->cl_.ui_scale <= 0 && scale >= 0.5f &&
               scale <= 4.0f) {
      app->pending_ui_scale_ = scale;
    }
  }
  static void write_all(ImGuiContext*, ImGuiSettingsHandler* h, ImGuiTextBuffer* buf) {
    App* app = static_cast<App*>(h->UserData);
    buf->appendf("[%s][State]\n", h->TypeName);
    if (app->current_ >= 0 && app->current_ < static_cast<int>(app->views_.size()))
      buf->appendf("View=%s\n", app->views_[app->current_]->name());
    buf->appendf("UiScale=%.2f\n\n", app->ui_scale_);
  }
};

void register_settings_handler(App* app) {
  ImGuiSettingsHandler handler;
  handler.TypeName = "Vaelab";
  handler.TypeHash = ImHashStr("Vaelab");
  handler.ReadOpenFn = AppSettings::open;
  handler.ReadLineFn = AppSettings::read_line;
  handler.WriteAllFn = AppSettings::write_all;
  handler.UserData = app;
  ImGui::GetCurrentContext()->SettingsHandlers.push_back(handler);
}

bool App::init_window(std::string& error) {
  glfwSetErrorCallback(nullptr);
  const char* display = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  if ((!display || !*display) && (!wayland || !*wayland)) {
    error = "no display (DISPLAY and WAYLAND_DISPLAY are unset); for headless training use vaelab-cli";
    return false;
  }
  if (!glfwInit()) {
    error = std::string("cannot open the display '") + (display ? display : "") +
            "'; for headless training use vaelab-cli";
    return false;
  }
  glfwSetErrorCallback(on_glfw_error);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  if (cl_.headless()) {
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_FALSE);
    // Scripted runs (tests) share one X display: a headless window must neither take the focus from
    // another one nor react to losing it (ImGui clears held keys on focus loss, which dropped injected keys).
    glfwWindowHint(GLFW_FOCUSED, GLFW_FALSE);
    glfwWindowHint(GLFW_FOCUS_ON_SHOW, GLFW_FALSE);
  }
  window_ = glfwCreateWindow(cl_.width, cl_.height, "vaelab", nullptr, nullptr);
  if (!window_) {
    error = "cannot create an OpenGL 3.3 core window; for headless training use vaelab-cli";
    glfwTerminate();
    return false;
  }
  glfwMakeContextCurrent(window_);
  glfwSwapInterval(cl_.headless() ? 0 : 1);
  listen_for_drops();

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  if (cl_.headless()) {
    io.IniFilename = nullptr;  // screenshots must not depend on (or change) the user's layout
  } else {
    std::error_code ec;
    fs::create_directories(config_dir(), ec);
    ini_path_ = config_dir() + "/imgui.ini";
    io.IniFilename = ini_path_.c_str();
    recent_ = RecentRuns(config_dir() + "/recent-runs.json");
    recent_.load();
    if (!recent_.load_error().empty()) std::fprintf(stderr, "vaelab: %s\n", recent_.load_error().c_str());
  }
  register_settings_handler(this);
  if (io.IniFilename) ImGui::LoadIniSettingsFromDisk(io.IniFilename);
  ImGui::StyleColorsDark();
  ImGui_ImplGlfw_InitForOpenGL(window_, true);
  if (cl_.headless()) glfwSetWindowFocusCallback(window_, nullptr);  // see the window hints above
  ImGui_ImplOpenGL3_Init("#version 330 core");

  float scale = cl_.ui_scale > 0 ? cl_.ui_scale : pending_ui_scale_;
  if (scale <= 0) {
    float sx = 1, sy = 1;
    if (!cl_.headless()) glfwGetWindowContentScale(window_, &sx, &sy);
    scale = std::clamp(sx, 1.0f, 3.0f);
  }
  apply_ui_scale(scale);
  return true;
}

void App::apply_ui_scale(float scale) {
  scale = std::clamp(scale, 0.5f, 4.0f);
  ui_scale_ = scale;
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  const char* ttf = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  if (std::ifstream(ttf).good()) {
    io.Fonts->AddFontFromFileTTF(ttf, std::round(15.0f * scale));
  } else {
    ImFontConfig config;
    config.SizePixels = std::round(13.0f * scale);
    io.Fonts->AddFontDefault(&config);
  }
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGuiStyle style;
  ImGui::StyleColorsDark(&style);
  style.WindowRounding = 0;
  style.FrameRounding = 3;
  style.ScaleAllSizes(scale);
  ImGui::GetStyle() = style;
}

void App::shutdown_window() {
  if (!window_) return;
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  views_.clear();  // textures and GL programs die while the context is alive
  plot_demo_.reset();
  ImGui::DestroyContext();
  glfwDestroyWindow(window_);
  glfwTerminate();
  window_ = nullptr;
}

}  // namespace gui
}  // namespace vaelab
