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
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <time.h>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/error.h"
#include "png_file.h"
#include "session/session.h"
#include "views/sliders_view.h"

// [SECTION] window and settings
// [SECTION] sessions (open, save, drop)
// [SECTION] frame
// [SECTION] modes (interactive, screenshot, bench)

namespace vaelab {
namespace gui {
namespace fs = std::filesystem;

namespace {

// CPU time of the calling thread (ms): what the UI thread itself spends, not time it waited for a core.
double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

double now_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

std::vector<std::string>* g_drops = nullptr;  // GLFW callbacks have no user pointer to spare here

void on_drop(GLFWwindow*, int count, const char** paths) {
  if (!g_drops) return;
  for (int i = 0; i < count; ++i) g_drops->emplace_back(paths[i]);
}

void on_glfw_error(int code, const char* text) { std::fprintf(stderr, "vaelab: GLFW error %d: %s\n", code, text); }

std::string config_dir() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  if (xdg && *xdg) return std::string(xdg) + "/vaelab";
  if (home && *home) return std::string(home) + "/.config/vaelab";
  return ".";
}

std::string timestamp() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", std::localtime(&t));
  return buf;
}

// True when `dir` holds image files (directly or one level down, as class folders).
bool looks_like_image_folder(const fs::path& dir) {
  std::error_code ec;
  auto is_image = [](const fs::path& p) {
    auto e = p.extension().string();
    std::transform(e.begin(), e.end(), e.begin(), ::tolower);
    return e == ".png" || e == ".jpg" || e == ".jpeg" || e == ".bmp";
  };
  int seen = 0;
  for (auto& entry : fs::directory_iterator(dir, ec)) {
    if (++seen > 200) break;
    if (entry.is_regular_file() && is_image(entry.path())) return true;
    if (entry.is_directory()) {
      int inner = 0;
      for (auto& sub : fs::directory_iterator(entry.path(), ec)) {
        if (++inner > 50) break;
        if (sub.is_regular_file() && is_image(sub.path())) return true;
      }
    }
  }
  return false;
}

}  // namespace

// [SECTION] window and settings ---------------------------------------------------------------------

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

App::App(CommandLine command_line) : cl_(std::move(command_line)) {
  t0_ = std::chrono::steady_clock::now();
  jobs_ = std::make_unique<JobRunner>(queue_, 2, [this](const std::string& e) { toast(ToastKind::Error, e); });
  views_ = make_views();
  plot_demo_ = std::make_unique<PlotDemo>();
  g_drops = &dropped_;
}

App::~App() {
  jobs_.reset();  // joins workers before views and session go away
  queue_.drain();
  g_drops = nullptr;
  shutdown_window();
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
  glfwSetDropCallback(window_, on_drop);

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

int App::view_index(const std::string& name) const {
  for (size_t i = 0; i < views_.size(); ++i)
    if (name == views_[i]->name()) return static_cast<int>(i);
  return -1;
}

View* App::current_view() {
  if (current_ == -2) return plot_demo_.get();
  if (current_ < 0 || current_ >= static_cast<int>(views_.size())) return nullptr;
  return views_[current_].get();
}

void App::toast(ToastKind kind, const std::string& text) {
  toasts_.push_back({kind, text, now_seconds()});
  if (cl_.headless() || kind == ToastKind::Error) std::fprintf(stderr, "vaelab: %s\n", text.c_str());
}

ViewContext App::make_context() {
  ViewContext ctx;
  ctx.session = session_.get();
  ctx.snapshot = snapshot_;
  ctx.toast = [this](ToastKind k, const std::string& t) { toast(k, t); };
  ctx.main_queue = &queue_;
  ctx.jobs = jobs_.get();
  ctx.capture = [this](ScreenRect r, std::function<void(const RgbImage&)> done) {
    captures_.push_back({r, std::move(done)});
  };
  ctx.open_run = [this](const std::string& source) { open_async(source, ""); };
  ctx.open_preset_json = [this](const std::string& json) { open_async("", json); };
  ctx.ui_scale = ui_scale_;
  ctx.frame = frame_;
  ctx.headless = cl_.headless();
  return ctx;
}

// [SECTION] sessions (open, save, drop) -------------------------------------------------------------

bool App::open_initial(std::string& error) {
  try {
    SessionOptions options;
    options.overrides = cl_.overrides;
    options.trainer.threads = cl_.torch_threads;
    session_ = Session::open(cl_.source, options);
    snapshot_ = session_->snapshot();
    return true;
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
}

void App::install_session(std::shared_ptr<Session> session) {
  if (session_) {
    // The old trainer's destructor joins its thread (up to ~1 s): do it off the UI thread.
    std::shared_ptr<Session> old = std::move(session_);
    jobs_->run([old]() mutable -> JobRunner::Result {
      old.reset();
      return nullptr;
    });
  }
  session_ = std::move(session);
  snapshot_ = session_ ? session_->snapshot() : nullptr;
  for (auto& v : views_) v->reset();
}

void App::open_async(const std::string& source, const std::string& preset_json) {
  if (opening_) {
    toast(ToastKind::Error, "still opening " + opening_what_);
    return;
  }
  opening_ = true;
  opening_what_ = source.empty() ? "the edited preset" : source;
  auto overrides = cl_.overrides;
  const int threads = cl_.torch_threads;
  jobs_->run([this, source, preset_json, overrides, threads]() -> JobRunner::Result {
    SessionOptions options;
    options.trainer.threads = threads;
    std::shared_ptr<Session> s;
    std::string error;
    try {
      if (!preset_json.empty()) s = Session::from_preset_json(nlohmann::json::parse(preset_json), options);
      else s = Session::open(source, options);
    } catch (const std::exception& e) {
      error = e.what();
    }
    return [this, s, error]() {
      opening_ = false;
      if (!error.empty()) {
        toast(ToastKind::Error, "cannot open " + opening_what_ + ": " + error);
        return;
      }
      install_session(s);
      toast(ToastKind::Info, "opened " + opening_what_);
    };
  });
}

void App::save_run_async() {
  if (!session_) return;
  const std::string dir = "vaelab-runs/" + session_->preset().name + "-" + timestamp();
  std::shared_ptr<Session> s = session_;
  // Session::save_run waits for the training thread between two batches: not on the UI thread.
  // A failure (unwritable folder, non-finite weights) comes back as an error toast through the job runner.
  jobs_->run([this, s, dir]() -> JobRunner::Result {
    std::error_code ec;
    fs::create_directories(dir, ec);
    s->save_run(dir);
    return [this, dir] { toast(ToastKind::Info, "saved run to " + dir + "/"); };
  });
  toast(ToastKind::Info, "saving run to " + dir + "/ (checkpoint.pt, metrics.csv, summary.json)");
}

void App::handle_drops() {
  if (dropped_.empty()) return;
  const std::string path = dropped_.front();
  dropped_.clear();
  std::error_code ec;
  fs::path p(path);
  if (fs::is_directory(p, ec) && !fs::exists(p / "checkpoint.pt", ec) && looks_like_image_folder(p)) {
    // An image folder: the current preset with its dataset swapped.
    if (!session_) {
      toast(ToastKind::Error, "open a preset first, then drop the image folder");
      return;
    }
    nlohmann::json j = session_->preset().to_json();
    j["dataset"] = {{"name", "image-folder"}, {"root", fs::absolute(p, ec).string()}};
    j["name"] = session_->preset().name + "-" + p.filename().string();
    open_async("", j.dump());
    return;
  }
  open_async(path, "");
}

// [SECTION] frame -----------------------------------------------------------------------------------

void App::handle_shortcuts() {
  ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false) && session_) {
    const RunState s = snapshot_ ? snapshot_->progress.state : RunState::Idle;
    if (s == RunState::Running) session_->pause();
    else if (s == RunState::Idle) session_->start();
    else if (s == RunState::Paused || s == RunState::Diverged) session_->resume();
  }
  if (io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_S, false)) save_run_async();
  if (io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_E, false)) export_popup_ = true;
}

void App::draw_menu_bar() {
  if (!ImGui::BeginMenuBar()) return;
  if (ImGui::BeginMenu("File")) {
    if (ImGui::MenuItem("Save run", "Ctrl+S", false, session_ != nullptr)) save_run_async();
    if (ImGui::MenuItem("Export view...", "Ctrl+E")) export_popup_ = true;
    ImGui::Separator();
    ImGui::TextDisabled("Drop a checkpoint, run folder or image folder on the window to open it.");
    ImGui::Separator();
    if (ImGui::MenuItem("Quit")) glfwSetWindowShouldClose(window_, GLFW_TRUE);
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    for (size_t i = 0; i < views_.size(); ++i)
      if (ImGui::MenuItem(views_[i]->title(), nullptr, current_ == static_cast<int>(i))) select_request_ = int(i);
    ImGui::Separator();
    ImGui::MenuItem("Plot demo", nullptr, &show_plot_demo_);
    float s = ui_scale_;
    if (ImGui::SliderFloat("UI scale", &s, 0.75f, 3.0f, "%.2f")) pending_ui_scale_ = s;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Size of text and controls (HiDPI screens); saved in imgui.ini.");
    ImGui::EndMenu();
  }
  // Run status on the right of the menu bar.
  if (snapshot_) {
    const auto& p = snapshot_->progress;
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s | %s | epoch %lld/%lld | step %lld | %.0f samples/s",
                  session_ ? session_->preset().name.c_str() : "", to_string(p.state), (long long)p.epoch,
                  (long long)p.epochs, (long long)p.step, p.samples_per_second);
    ImGui::SameLine(ImGui::GetWindowWidth() - ImGui::CalcTextSize(buf).x - ImGui::GetFontSize());
    ImGui::TextDisabled("%s", buf);
  } else if (opening_) {
    ImGui::SameLine();
    ImGui::TextDisabled("opening %s ...", opening_what_.c_str());
  }
  ImGui::EndMenuBar();
}

void App::draw_main_window() {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoResize | ImGuiWindowFlags_MenuBar |
                                 ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoSavedSettings;
  ImGui::Begin("vaelab##main", nullptr, flags);
  draw_menu_bar();
  ViewContext ctx = make_context();
  if (current_ == -2) {
    plot_demo_->draw(ctx);
  } else if (ImGui::BeginTabBar("views")) {
    for (size_t i = 0; i < views_.size(); ++i) {
      ImGuiTabItemFlags f = select_request_ == static_cast<int>(i) ? ImGuiTabItemFlags_SetSelected : 0;
      if (ImGui::BeginTabItem(views_[i]->title(), nullptr, f)) {
        if (current_ != static_cast<int>(i)) ImGui::MarkIniSettingsDirty();
        current_ = static_cast<int>(i);
        ImGui::BeginChild("view", ImVec2(0, 0), false);
        if (!session_ && !opening_) {
          ImGui::TextWrapped("No run is open. Drop a checkpoint, run folder or preset file on the window.");
        } else {
          try {
            views_[i]->draw(ctx);
          } catch (const std::exception& e) {  // a view error must not take the app down
            ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", e.what());
          }
        }
        ImGui::EndChild();
        ImGui::EndTabItem();
      }
    }
    ImGui::EndTabBar();
  }
  select_request_ = -1;
  ImGui::End();
  if (show_plot_demo_ && current_ != -2) {
    ImGui::SetNextWindowSize(ImVec2(900 * ui_scale_, 700 * ui_scale_), ImGuiCond_FirstUseEver);
    if (ImGui::Begin("Plot demo", &show_plot_demo_)) plot_demo_->draw(ctx);
    ImGui::End();
  }
}

void App::draw_export_popup() {
  if (export_popup_) {
    ImGui::OpenPopup("Export view");
    export_popup_ = false;
    View* v = current_view();
    if (v) export_path_ = std::string("vaelab-") + v->name() + (export_format_ == 1 ? ".svg" : export_format_ == 2 ? ".csv" : ".png");
  }
  if (!ImGui::BeginPopupModal("Export view", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  View* v = current_view();
  if (!v) {
    ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
    return;
  }
  ImGui::Text("Export the %s view", v->name());
  const char* formats[] = {"PNG", "SVG (plots)", "CSV (data)"};
  if (ImGui::Combo("format", &export_format_, formats, 3)) {
    const auto dot = export_path_.rfind('.');
    const char* ext = export_format_ == 1 ? ".svg" : export_format_ == 2 ? ".csv" : ".png";
    export_path_ = (dot == std::string::npos ? export_path_ : export_path_.substr(0, dot)) + ext;
  }
  char buf[1024];
  std::snprintf(buf, sizeof buf, "%s", export_path_.c_str());
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 30);
  if (ImGui::InputText("path", buf, sizeof buf)) export_path_ = buf;
  if (export_format_ == 0) {
    ImGui::SliderFloat("scale", &export_scale_, 1.0f, 8.0f, "%.0fx");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Image grids: native pixels times this factor (nearest). Plots: the screen pixels times it.");
  }
  if (ImGui::Button("Export")) {
    std::string error;
    bool ok = false;
    try {
      if (export_format_ == 0) ok = v->export_png(export_path_, export_scale_, error);
      else if (export_format_ == 1) ok = v->export_svg(export_path_, error);
      else ok = v->export_csv(export_path_, error);
    } catch (const std::exception& e) {
      error = e.what();
    }
    if (ok) toast(ToastKind::Info, "exporting " + export_path_);
    else toast(ToastKind::Error, "export failed: " + error);
    ImGui::CloseCurrentPopup();
  }
  ImGui::SameLine();
  if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
}

void App::draw_toasts() {
  const double now = now_seconds();
  toasts_.erase(std::remove_if(toasts_.begin(), toasts_.end(), [&](const Toast& t) { return now - t.shown_at > 5.0; }),
                toasts_.end());
  if (toasts_.empty()) return;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x - 10, vp->WorkPos.y + vp->WorkSize.y - 10),
                          ImGuiCond_Always, ImVec2(1, 1));
  ImGui::SetNextWindowBgAlpha(0.9f);
  ImGui::Begin("##toasts", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoInputs);
  for (const auto& t : toasts_) {
    if (t.kind == ToastKind::Error) ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", t.text.c_str());
    else ImGui::TextColored(ImVec4(0.6f, 0.9f, 0.6f, 1), "%s", t.text.c_str());
  }
  ImGui::End();
}

void App::process_captures(RgbImage* whole) {
  if (captures_.empty() && !whole) return;
  int fb_w = 0, fb_h = 0, win_w = 0, win_h = 0;
  glfwGetFramebufferSize(window_, &fb_w, &fb_h);
  glfwGetWindowSize(window_, &win_w, &win_h);
  const float sx = win_w > 0 ? float(fb_w) / win_w : 1.0f, sy = win_h > 0 ? float(fb_h) / win_h : 1.0f;
  auto read = [&](int x, int y, int w, int h) {
    RgbImage img;
    x = std::clamp(x, 0, fb_w), y = std::clamp(y, 0, fb_h);
    w = std::clamp(w, 0, fb_w - x), h = std::clamp(h, 0, fb_h - y);
    img.width = w, img.height = h;
    if (w == 0 || h == 0) return img;
    std::vector<uint8_t> raw(static_cast<size_t>(w) * h * 3);
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(x, fb_h - y - h, w, h, GL_RGB, GL_UNSIGNED_BYTE, raw.data());
    img.pixels.resize(raw.size());
    for (int r = 0; r < h; ++r)  // GL rows are bottom first
      std::copy_n(&raw[static_cast<size_t>(h - 1 - r) * w * 3], w * 3, &img.pixels[static_cast<size_t>(r) * w * 3]);
    return img;
  };
  if (whole) *whole = read(0, 0, fb_w, fb_h);
  auto requests = std::move(captures_);
  captures_.clear();
  for (auto& c : requests) {
    RgbImage img = read(int(std::floor(c.rect.x * sx)), int(std::floor(c.rect.y * sy)), int(std::ceil(c.rect.w * sx)),
                        int(std::ceil(c.rect.h * sy)));
    if (c.done) c.done(img);
  }
}

void App::frame(bool capture_whole, RgbImage* whole) {
  glfwPollEvents();
  const auto t_start = std::chrono::steady_clock::now();
  const double cpu_start = thread_cpu_ms();
  if (pending_ui_scale_ > 0) {
    apply_ui_scale(pending_ui_scale_);
    pending_ui_scale_ = 0;
    ImGui::MarkIniSettingsDirty();
  }
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  // Headless runs have no user: keep the (virtual) pointer off the window so no tooltip shows up.
  if (cl_.headless()) ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
  ImGui::NewFrame();
  queue_.drain();
  handle_drops();
  // The one snapshot read of this frame (a pointer copy under the trainer's short lock).
  snapshot_ = session_ ? session_->snapshot() : nullptr;
  handle_shortcuts();
  draw_main_window();
  draw_export_popup();
  draw_toasts();
  ImGui::Render();
  int fb_w = 0, fb_h = 0;
  glfwGetFramebufferSize(window_, &fb_w, &fb_h);
  glViewport(0, 0, fb_w, fb_h);
  glClearColor(0.08f, 0.08f, 0.1f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  process_captures(capture_whole ? whole : nullptr);  // back buffer, before the swap
  frame_wall_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_start).count();
  frame_cpu_ms_ = thread_cpu_ms() - cpu_start;
  glfwSwapBuffers(window_);
  ++frame_;
}

// [SECTION] modes -----------------------------------------------------------------------------------

int App::run() {
  std::string error;
  if (!init_window(error)) {
    std::fprintf(stderr, "vaelab: %s\n", error.c_str());
    return 2;
  }
  if (!cl_.view.empty()) {
    if (cl_.view == "plot-demo") {
      current_ = -2;
    } else {
      const int i = view_index(cl_.view);
      if (i < 0) {
        std::fprintf(stderr,
                     "vaelab: unknown view '%s' (run, curves, sliders, manifold, traversals, clusters, residuals, "
                     "plot-demo)\n",
                     cl_.view.c_str());
        return 2;
      }
      current_ = i;
      select_request_ = i;
    }
  }
  if (!open_initial(error)) {
    if (cl_.headless()) {
      std::fprintf(stderr, "vaelab: cannot open %s: %s\n", cl_.source.c_str(), error.c_str());
      return 1;
    }
    toast(ToastKind::Error, "cannot open " + cl_.source + ": " + error);
  }
  for (const auto& other : cl_.compare)
    for (auto& v : views_) v->add_comparison(other);
  if (!cl_.screenshot.empty()) return run_screenshot();
  if (cl_.bench) return run_bench();
  return run_interactive();
}

int App::run_interactive() {
  while (!glfwWindowShouldClose(window_)) frame(false, nullptr);
  if (ImGui::GetIO().IniFilename) ImGui::SaveIniSettingsToDisk(ImGui::GetIO().IniFilename);
  return 0;
}

int App::run_screenshot() {
  if (cl_.train_steps > 0 && session_) {
    session_->step(cl_.train_steps);
    // Headless only: nobody is interacting, so waiting here is fine (with a limit).
    if (!session_->wait_until_not_running(300000)) {
      std::fprintf(stderr, "vaelab: training %lld steps did not finish within 300 s\n", (long long)cl_.train_steps);
      return 1;
    }
    // Let the trainer publish the final snapshot.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // Scripted input (tests): drops go through the drop handler, keys through the GLFW key callback, so both
  // take the same path as a person's input.
  for (const auto& path : cl_.drops) {
    dropped_.push_back(path);
    frame(false, nullptr);
  }
  for (const auto& key : cl_.keys) {
    std::string error;
    if (!inject_key(key, error)) {
      std::fprintf(stderr, "vaelab: --keys: %s\n", error.c_str());
      return 2;
    }
  }
  // Render until the layout has settled and asynchronous results have arrived (at most 120 s).
  const double deadline = now_seconds() + 120.0;
  int quiet = 0;
  for (int i = 0; i < 2000 && now_seconds() < deadline; ++i) {
    frame(false, nullptr);
    View* v = current_view();
    const bool busy = (v && v->busy()) || jobs_->pending() > 0 || !queue_.empty() || opening_;
    quiet = busy ? 0 : quiet + 1;
    if (i >= 4 && quiet >= 3) break;
    if (busy) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  RgbImage image;
  frame(true, &image);
  std::string error;
  if (!write_png(cl_.screenshot, image, error)) {
    std::fprintf(stderr, "vaelab: %s\n", error.c_str());
    return 1;
  }
  std::printf("wrote %s (%dx%d)\n", cl_.screenshot.c_str(), image.width, image.height);
  // The view's own exports, exactly as the Ctrl+E dialog runs them.
  int rc = 0;
  for (const auto& path : cl_.exports) {
    View* v = current_view();
    if (!v) break;
    const auto dot = path.rfind('.');
    const std::string ext = dot == std::string::npos ? "" : path.substr(dot);
    std::string err;
    bool ok = false;
    if (ext == ".svg") ok = v->export_svg(path, err);
    else if (ext == ".csv") ok = v->export_csv(path, err);
    else ok = v->export_png(path, export_scale_, err);
    if (!ok) {
      std::fprintf(stderr, "vaelab: export failed: %s\n", err.c_str());
      rc = 1;
    } else {
      std::printf("exported %s\n", path.c_str());
    }
  }
  if (!cl_.exports.empty()) {
    // Plot PNGs are read back from the next frame; errors there arrive as toasts.
    const size_t errors_before = std::count_if(toasts_.begin(), toasts_.end(), [](const Toast& t) { return t.kind == ToastKind::Error; });
    for (int i = 0; i < 3; ++i) frame(false, nullptr);
    const size_t errors_after = std::count_if(toasts_.begin(), toasts_.end(), [](const Toast& t) { return t.kind == ToastKind::Error; });
    if (errors_after > errors_before) rc = 1;
  }
  return rc;
}

bool App::inject_key(const std::string& spec, std::string& error) {
  std::string name = spec;
  const bool ctrl = name.rfind("ctrl+", 0) == 0;
  if (ctrl) name = name.substr(5);
  int key = -1;
  if (name == "space") key = GLFW_KEY_SPACE;
  else if (name.size() == 1 && name[0] >= 'a' && name[0] <= 'z') key = GLFW_KEY_A + (name[0] - 'a');
  if (key < 0) {
    error = "unknown key '" + spec + "' (space, a-z, ctrl+<letter>)";
    return false;
  }
  const int mods = ctrl ? GLFW_MOD_CONTROL : 0;
  if (ctrl) ImGui_ImplGlfw_KeyCallback(window_, GLFW_KEY_LEFT_CONTROL, 0, GLFW_PRESS, mods);
  ImGui_ImplGlfw_KeyCallback(window_, key, 0, GLFW_PRESS, mods);
  frame(false, nullptr);
  ImGui_ImplGlfw_KeyCallback(window_, key, 0, GLFW_RELEASE, mods);
  if (ctrl) ImGui_ImplGlfw_KeyCallback(window_, GLFW_KEY_LEFT_CONTROL, 0, GLFW_RELEASE, 0);
  frame(false, nullptr);
  // Let the app report what the key did (tests read this line).
  const RunState state = session_ ? session_->state() : RunState::Idle;
  std::printf("key %s -> state %s%s\n", spec.c_str(), to_string(state),
              ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel) ? ", export dialog open" : "");
  return true;
}

int App::run_bench() {
  if (!session_) {
    std::fprintf(stderr, "vaelab: --bench needs a run\n");
    return 1;
  }
  const int sliders = view_index("sliders");
  current_ = select_request_ = sliders;
  auto* view = dynamic_cast<SlidersView*>(views_[sliders].get());
  session_->start();
  // Warm up: a few frames and the first snapshot with a model.
  for (int i = 0; i < 30; ++i) frame(false, nullptr);
  std::vector<double> frame_ms, wall_ms;
  const double end = now_seconds() + cl_.bench_seconds;
  int64_t k = 0;
  while (now_seconds() < end) {
    // Drag latent 0 back and forth, as a user would (a new value every frame).
    if (view) view->bench_drag(0, static_cast<float>(2.5 * std::sin(0.15 * static_cast<double>(k++))));
    frame(false, nullptr);
    frame_ms.push_back(frame_cpu_ms_);
    wall_ms.push_back(frame_wall_ms_);
    frame_starts_.push_back(now_seconds() * 1000.0);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // ~vsync-like pacing without a monitor
  }
  session_->pause();
  auto pct = [](std::vector<double> v, double q) {
    if (v.empty()) return std::nan("");
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(q * (v.size() - 1) + 0.5))];
  };
  const auto snap = session_->snapshot();
  std::vector<double> lat = view ? view->bench_latencies_ms() : std::vector<double>{};
  std::printf("frames %zu, training steps %lld, %.0f samples/s\n", frame_ms.size(),
              (long long)(snap ? snap->progress.step : 0), snap ? snap->progress.samples_per_second : 0.0);
  std::printf("UI frame time (UI thread CPU time, excluding swap): p50 %.2f ms, p99 %.2f ms (goal <= 8 ms)\n",
              pct(frame_ms, 0.5), pct(frame_ms, 0.99));
  std::printf("  same frames in wall-clock time (includes waiting for a core while training): p50 %.2f ms, p99 %.2f ms\n",
              pct(wall_ms, 0.5), pct(wall_ms, 0.99));
  std::printf("slider drag -> decoded image in place: %zu decodes, p50 %.2f ms, p95 %.2f ms (goal <= 16 ms)\n",
              lat.size(), pct(lat, 0.5), pct(lat, 0.95));
  std::vector<double> dec = view ? view->bench_decode_ms() : std::vector<double>{};
  std::vector<double> period;
  for (size_t i = 1; i < frame_starts_.size(); ++i) period.push_back(frame_starts_[i] - frame_starts_[i - 1]);
  std::printf("  of which decoding (inline when cheap, else on a worker): p50 %.2f ms, p95 %.2f ms; frame period (incl. swap) p50 %.2f ms\n",
              pct(dec, 0.5), pct(dec, 0.95), pct(period, 0.5));
  session_->stop();
  return 0;
}

}  // namespace gui
}  // namespace vaelab
