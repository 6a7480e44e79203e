#pragma once
// The desktop app: one GLFW window, the ImGui frame loop, the view switcher, shortcuts, toasts, exports,
// drag-and-drop, and the headless modes (--screenshot, --bench). One class, its members defined by
// concept:
//   app.cpp             construction, teardown, run() and the interactive loop
//   app_window.cpp      the window, ImGui set-up, UI scale, imgui.ini settings
//   app_runs.cpp        opening, saving and closing runs; dropped files; the recent-runs list
//   app_frame.cpp       one frame: shortcuts, menu bar (File, View, Help), view tabs, the model-health
//                       banner, the dialogs (export, New run, Open), toasts
//   app_automation.cpp  headless runs: --screenshot with scripted drops and keys, --bench
//
// Frame contract (Tracy model): at the start of each frame the app drains the main-thread queue, then
// takes the session's snapshot ONCE and hands it to the shown view. Nothing on the UI thread waits for a
// training step: opening a run, saving and closing the old run's trainer run as tasks (MainThreadTasks).
// The model's health is checked in the background on that snapshot (model_health_monitor.h) and shown
// as a banner above whichever view is open (health_banner.h), and in detail in the run view.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "command_line.h"
#include "core/main_thread_tasks.h"
#include "main_thread_queue.h"
#include "model_health_monitor.h"
#include "new_run_dialog.h"
#include "open_dialog.h"
#include "recent_runs.h"
#include "screen_capture.h"
#include "views/view.h"
#include "widgets/plot_demo.h"

struct GLFWwindow;

namespace vaelab {
namespace gui {

class App {
 public:
  explicit App(CommandLine command_line);
  ~App();
  // Runs until the window closes (or the headless job is done). Returns the process exit code.
  int run();

 private:
  struct Toast {
    ToastKind kind;
    std::string text;
    double shown_at;
  };

  // app_window.cpp
  bool init_window(std::string& error);
  void shutdown_window();
  void apply_ui_scale(float scale);

  // app_frame.cpp. `whole`, when not null, receives the rendered frame (read before the swap).
  void frame(ImageBytes* whole);
  void draw_main_window();
  void draw_menu_bar();
  void draw_health_banner_row();  // above the view's content, while the model is not healthy
  void draw_export_popup();
  void draw_dialogs();  // New run and Open
  void draw_help_menu();
  void draw_toasts();
  void handle_shortcuts();
  ViewContext make_context();
  View* current_view();
  int view_index(const std::string& name) const;

  void toast(ToastKind kind, const std::string& text);
  static double now_seconds();  // steady clock, seconds

  // app_runs.cpp. Opens a new run in a task; the old session is closed in a task too.
  void open_async(const std::string& source, const std::string& preset_json);
  // `place`: where the new run lives on disk ("" when nowhere yet; see open_run_place_).
  void install_session(std::shared_ptr<Session> session, const std::string& place);
  void save_run_async();
  bool open_initial(std::string& error);
  void listen_for_drops();  // GLFW drop callback -> dropped_
  void handle_drops();  // dropped files and paths chosen in the Open dialog: one path for both
  void remember_recent(const std::string& path);  // an opened or saved run, checkpoint, model or preset file

  int run_interactive();
  // app_automation.cpp
  int run_screenshot();
  void print_health_banner() const;  // after the screenshot: the health lines tests read
  void print_run() const;            // after the screenshot: "run: NAME (VARIANT) at step N"
  // Presses one key ("space", "a".."z", "enter", "escape", "tab", "backspace", "ctrl+<key>") through the
  // GLFW key callback, or types "type:TEXT" through the GLFW char callback, and renders two frames.
  bool inject_key(const std::string& spec, std::string& error);
  int run_bench();

  CommandLine cl_;
  GLFWwindow* window_ = nullptr;
  MainThreadQueue queue_;
  std::unique_ptr<MainThreadTasks> tasks_;  // destroyed before the views: their results then drop
  std::shared_ptr<Session> session_;
  std::shared_ptr<const TrainerSnapshot> snapshot_;
  ModelHealthMonitor health_;  // before views_: they keep a pointer to it
  std::string health_banner_;  // the banner drawn this frame ("" when none)
  ScreenRect health_banner_rect_;
  std::vector<std::unique_ptr<View>> views_;
  std::unique_ptr<PlotDemo> plot_demo_;
  bool show_plot_demo_ = false;
  int current_ = 0;
  int select_request_ = -1;  // tab to select on the next frame
  std::vector<Toast> toasts_;
  ScreenCaptures captures_;
  std::vector<std::string> dropped_;
  bool opening_ = false;
  std::string opening_what_;
  // Where the open run lives on disk: the run folder or checkpoint it was opened from, or the folder it was
  // last saved to; "" while it exists only in memory. When another run replaces it, the runs view keeps it
  // as a row (install_session).
  std::string open_run_place_;
  float ui_scale_ = 1.0f;
  float pending_ui_scale_ = 0.0f;
  bool export_popup_ = false;
  std::string export_path_;
  int export_format_ = 0;  // 0 png, 1 svg, 2 csv
  float export_scale_ = 2.0f;
  int64_t frame_ = 0;
  std::string ini_path_;
  RecentRuns recent_;  // file set in init_window (none in headless runs)
  NewRunDialog new_run_dialog_;
  OpenDialog open_dialog_;
  std::chrono::steady_clock::time_point t0_;
  double frame_cpu_ms_ = 0;   // last frame's UI-thread CPU time, excluding the buffer swap
  double frame_wall_ms_ = 0;  // the same span in wall-clock time
  std::vector<double> frame_starts_;  // --bench: end time of each measured frame (ms)

  friend void register_settings_handler(App* app);
  friend struct AppSettings;
};

}  // namespace gui
}  // namespace vaelab
