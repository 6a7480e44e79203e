// One frame of the app: input (shortcuts, drops), the menu bar (File, View, Help) with the run status,
// the view tabs with the model-health banner above the view's content, the dialogs (export Ctrl+E, New
// run Ctrl+N, Open Ctrl+O) and the toasts, then rendering and the screen captures asked for this frame.
#include "app.h"

// GL loader first: epoxy must come before GLFW's GL headers.
#include <epoxy/gl.h>
// clang-format off
#include <GLFW/glfw3.h>
// clang-format on
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui_internal.h>  // MarkIniSettingsDirty

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cstdio>
#include <time.h>

#include "health_banner.h"
#include "session/session.h"

namespace vaelab {
namespace gui {

namespace {

// CPU time of the calling thread (ms): what the UI thread itself spends, not time it waited for a core.
double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

}  // namespace

double App::now_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
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
  ctx.tasks = tasks_.get();
  ctx.capture = [this](ScreenRect r, CaptureDone done) { captures_.request(r, std::move(done)); };
  ctx.open_run = [this](const std::string& source) { open_async(source, ""); };
  ctx.open_preset_json = [this](const std::string& json) { open_async("", json); };
  ctx.send_inputs = [this](const std::string& view, const std::vector<int64_t>& indices) {
    const int i = view_index(view);
    if (i < 0 || !views_[i]->take_inputs(indices)) return false;
    select_request_ = i;
    return true;
  };
  ctx.overlay_run = [this](const std::string& source, bool shown) {
    const int i = view_index("curves");
    if (i < 0) return;
    if (shown) views_[i]->add_comparison(source);
    else views_[i]->remove_comparison(source);
  };
  ctx.ui_scale = ui_scale_;
  ctx.frame = frame_;
  ctx.headless = cl_.headless();
  return ctx;
}

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
  if (new_run_dialog_.is_open() || open_dialog_.is_open()) return;  // one dialog at a time
  if (io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_N, false)) new_run_dialog_.open(session_ ? session_->preset().name : "");
  if (io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_O, false)) open_dialog_.open();
}

void App::draw_menu_bar() {
  if (!ImGui::BeginMenuBar()) return;
  if (ImGui::BeginMenu("File")) {
    if (ImGui::MenuItem("New run...", "Ctrl+N")) new_run_dialog_.open(session_ ? session_->preset().name : "");
    if (ImGui::MenuItem("Open...", "Ctrl+O")) open_dialog_.open();
    ImGui::Separator();
    if (ImGui::MenuItem("Save run", "Ctrl+S", false, session_ != nullptr)) save_run_async();
    if (ImGui::MenuItem("Export view...", "Ctrl+E")) export_popup_ = true;
    ImGui::Separator();
    ImGui::TextDisabled("Or drop a checkpoint, run folder or image folder on the window to open it.");
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
  draw_help_menu();
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

// The keyboard shortcuts, each one an item that does what its key does (handle_shortcuts and the
// dialogs hold the keys themselves).
void App::draw_help_menu() {
  if (!ImGui::BeginMenu("Help")) return;
  ImGui::TextDisabled("Keyboard shortcuts");
  ImGui::Separator();
  if (ImGui::MenuItem("Start / pause / resume training", "Space", false, session_ != nullptr) && session_) {
    const RunState s = snapshot_ ? snapshot_->progress.state : RunState::Idle;
    if (s == RunState::Running) session_->pause();
    else if (s == RunState::Idle) session_->start();
    else session_->resume();
  }
  if (ImGui::MenuItem("New run...", "Ctrl+N")) new_run_dialog_.open(session_ ? session_->preset().name : "");
  if (ImGui::MenuItem("Open...", "Ctrl+O")) open_dialog_.open();
  if (ImGui::MenuItem("Save run", "Ctrl+S", false, session_ != nullptr)) save_run_async();
  if (ImGui::MenuItem("Export view...", "Ctrl+E")) export_popup_ = true;
  ImGui::Separator();
  ImGui::TextDisabled("In the New run dialog: Enter in the filter picks the first preset, Ctrl+Enter creates.");
  ImGui::TextDisabled("In the Open dialog: Enter on a typed path opens it (a plain folder: goes into it).");
  ImGui::TextDisabled("Escape closes a dialog; in New run, Ctrl+D goes to the dataset path. Dropping a file or folder on the window opens it.");
  ImGui::EndMenu();
}

void App::draw_dialogs() {
  new_run_dialog_.draw(ui_scale_, [this](const std::string& json) { open_async("", json); });
  // A path chosen in the Open dialog takes the drop path: one way to open a file, whichever way it came.
  open_dialog_.draw(ui_scale_, recent_.paths(), [this](const std::string& path) { dropped_.push_back(path); });
}

void App::draw_health_banner_row() {
  health_banner_ = session_ ? health_banner_text(health_.report()) : std::string();
  health_banner_rect_ = {};
  if (health_banner_.empty()) return;
  if (draw_health_banner(health_banner_, health_banner_rect_)) {
    const int run = view_index("run");
    if (current_ == -2) show_plot_demo_ = false;
    current_ = run;
    select_request_ = run;
  }
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
    draw_health_banner_row();
    plot_demo_->draw(ctx);
  } else if (ImGui::BeginTabBar("views")) {
    for (size_t i = 0; i < views_.size(); ++i) {
      ImGuiTabItemFlags f = select_request_ == static_cast<int>(i) ? ImGuiTabItemFlags_SetSelected : 0;
      if (ImGui::BeginTabItem(views_[i]->title(), nullptr, f)) {
        if (current_ != static_cast<int>(i)) ImGui::MarkIniSettingsDirty();
        current_ = static_cast<int>(i);
        draw_health_banner_row();  // one place for every view
        ImGui::BeginChild("view", ImVec2(0, 0), false);
        if (!session_ && !opening_) {
          ImGui::TextWrapped(
              "No run is open. File > New run (Ctrl+N) starts one from a preset; File > Open (Ctrl+O) or dropping "
              "a checkpoint, run folder or preset file on the window opens one.");
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

void App::frame(ImageBytes* whole) {
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
  health_.update(session_.get(), snapshot_, *tasks_);  // starts a check when due; never waits
  handle_shortcuts();
  draw_main_window();
  draw_export_popup();
  draw_dialogs();
  draw_toasts();
  ImGui::Render();
  int fb_w = 0, fb_h = 0;
  glfwGetFramebufferSize(window_, &fb_w, &fb_h);
  glViewport(0, 0, fb_w, fb_h);
  glClearColor(0.08f, 0.08f, 0.1f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  captures_.serve(window_, whole);  // back buffer, before the swap
  frame_wall_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_start).count();
  frame_cpu_ms_ = thread_cpu_ms() - cpu_start;
  glfwSwapBuffers(window_);
  ++frame_;
}

}  // namespace gui
}  // namespace vaelab
