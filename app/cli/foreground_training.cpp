#include "foreground_training.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "commands.h"
#include "interrupt_flag.h"
#include "core/error.h"

namespace vaelab::cli {

namespace {

bool is_running_state(RunState s) { return s == RunState::Idle || s == RunState::Running; }

std::string duration_text(double seconds) {
  if (!(seconds >= 0) || seconds > 360000) return "--";
  const auto s = static_cast<int64_t>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

// "loss 251.3 recon 230.1 kl 21.2" for one epoch column of a series.
std::string terms_text(const MetricHistory& m, const std::vector<std::vector<float>>& series, size_t epoch) {
  std::string out;
  for (size_t t = 0; t < m.names.size() && t < series.size(); ++t) {
    if (epoch >= series[t].size()) continue;
    if (!out.empty()) out += ' ';
    out += fmt::format("{} {:.4g}", m.names[t], series[t][epoch]);
  }
  return out;
}

class ProgressDisplay {
 public:
  explicit ProgressDisplay(int64_t first_epoch) : tty_(isatty(STDOUT_FILENO) == 1), printed_epochs_(first_epoch) {}

  void update(const TrainerSnapshot& snap) {
    const auto& p = snap.progress;
    if (snap.metrics) print_new_epochs(*snap.metrics, p.epochs);
    if (!tty_) return;
    const int64_t total_steps = p.epochs * p.steps_per_epoch;
    const double fraction = total_steps > 0 ? std::min(1.0, double(p.step) / double(total_steps)) : 0.0;
    constexpr int kWidth = 28;
    const int filled = static_cast<int>(fraction * kWidth + 0.5);
    std::string bar(filled, '#');
    bar += std::string(kWidth - filled, '.');
    std::string loss;
    if (snap.metrics && !snap.metrics->per_step.empty() && !snap.metrics->per_step[0].empty())
      loss = fmt::format("  loss {:.4g}", snap.metrics->per_step[0].back());
    std::printf("\r\x1b[K[%s] %3.0f%%  epoch %lld/%lld  step %lld%s  %.0f samples/s  ETA %s", bar.c_str(),
                100.0 * fraction, static_cast<long long>(std::min(p.epoch + 1, p.epochs)),
                static_cast<long long>(p.epochs), static_cast<long long>(p.step), loss.c_str(),
                p.samples_per_second, duration_text(p.eta_seconds).c_str());
    std::fflush(stdout);
    bar_shown_ = true;
  }

  void finish() {
    if (bar_shown_) std::printf("\r\x1b[K");
    std::fflush(stdout);
    bar_shown_ = false;
  }

 private:
  void print_new_epochs(const MetricHistory& m, int64_t epochs) {
    const int64_t done = m.epoch_train.empty() ? 0 : static_cast<int64_t>(m.epoch_train[0].size());
    for (; printed_epochs_ < done; ++printed_epochs_) {
      if (bar_shown_) std::printf("\r\x1b[K");
      bar_shown_ = false;
      const auto e = static_cast<size_t>(printed_epochs_);
      std::string test = terms_text(m, m.epoch_test, e);
      std::printf("epoch %lld/%lld  train: %s%s%s\n", static_cast<long long>(printed_epochs_ + 1),
                  static_cast<long long>(epochs), terms_text(m, m.epoch_train, e).c_str(),
                  test.empty() ? "" : "  | test: ", test.c_str());
      std::fflush(stdout);
    }
  }

  bool tty_;
  int64_t printed_epochs_;
  bool bar_shown_ = false;
};

}  // namespace

void train_in_foreground(Session& session, const std::string& out_dir, int64_t epochs_done) {
  InterruptFlag sigint;
  ProgressDisplay display(epochs_done);
  const auto t0 = std::chrono::steady_clock::now();

  session.start();
  bool interrupted = false;
  int64_t saved_epoch = epochs_done;
  int idle_polls = 0;  // start() is asynchronous: Idle is normal for a moment, not for ever
  while (true) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (sigint.raised()) {
      interrupted = true;
      session.stop();
      break;
    }
    auto snap = session.snapshot();
    if (snap) display.update(*snap);
    const RunState now = session.state();
    if (!is_running_state(now)) break;
    if (snap && snap->progress.epoch > saved_epoch) {  // a kill or a crash loses one epoch at most
      session.save_run(out_dir);
      saved_epoch = snap->progress.epoch;
    }
    if (now == RunState::Idle && ++idle_polls > 150) throw Error("the trainer did not start within 30 s");
  }
  auto last = session.snapshot();
  if (last) display.update(*last);
  display.finish();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const RunState state = session.state();
  const std::string message = last ? last->progress.message : std::string();

  if (state == RunState::Failed)
    throw Error(fmt::format("training failed: {}", message.empty() ? "no reason given" : message));

  session.save_run(out_dir);
  const int64_t epoch = last ? last->progress.epoch : 0;
  const int64_t step = last ? last->progress.step : 0;
  if (interrupted) {
    std::printf("interrupted at epoch %lld, step %lld; saved the run to %s (continue with: vaelab-cli resume --run %s)\n",
                static_cast<long long>(epoch), static_cast<long long>(step), out_dir.c_str(), out_dir.c_str());
    std::fflush(stdout);
    throw CommandExit{130};
  }
  if (state == RunState::Diverged)
    throw Error(fmt::format("training diverged: {} (the last finite state is saved in {})", message, out_dir));
  std::printf("%s after %lld epochs, %lld steps in %s; saved %s/{checkpoint.pt,metrics.csv,summary.json}\n",
              to_string(state), static_cast<long long>(epoch), static_cast<long long>(step),
              duration_text(wall).c_str(), out_dir.c_str());
  std::fflush(stdout);
}

}  // namespace vaelab::cli
