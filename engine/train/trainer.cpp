#include "train/trainer.h"

#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <future>
#include <limits>
#include <mutex>
#include <thread>

#include "analysis/evaluation.h"
#include "analysis/likelihood_kind.h"
#include "core/device.h"
#include "core/error.h"
#include "core/heap_retention.h"
#include "core/step_cancellation.h"
#include "core/task.h"
#include "data/dequantization.h"
#include "models/registry.h"
#include "optim/make_optimizer.h"
#include "optim/released_gradients.h"
#include "train/checkpoint.h"
#include "train/divergence_guard.h"
#include "train/output_bias_init.h"

namespace vaelab {

// [SECTION] Impl: everything below the command queue is touched by the training thread only (and by
// the constructor before that thread starts).

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

struct Trainer::Impl {
  struct Command {
    enum Kind { Start, Pause, Resume, Stop, Step, Save, Load, Quit };
    Command(Kind k) : kind(k) {}  // NOLINT: implicit so that post({Command::Start}, ...) reads well
    Kind kind;
    int64_t n = 0;
    std::string path;
    std::shared_ptr<std::promise<void>> done;
  };

  // --- fixed after construction ---
  Preset preset;
  ModelSpec spec;
  std::shared_ptr<const DatasetSplit> data;
  TrainerOptions options;
  torch::Device device{torch::kCPU};
  BatchOrder order{0, 0};
  int64_t steps_per_epoch = 0;
  int64_t batch_size = 0;
  // How batches are drawn (data/dequantization.h): training with fresh noise from the run's stream,
  // the per-epoch test pass with noise seeded by the preset's seed (the same inputs every epoch).
  Dequantization train_draw, test_draw;

  // --- training thread state ---
  std::shared_ptr<Model> model;
  std::function<std::shared_ptr<Model>(Model&)> cloner;  // null: no model snapshots
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  int64_t step = 0, epoch = 0, epoch_step = 0;
  int64_t perm_epoch = -1;
  torch::Tensor perm;
  MetricHistory history;
  bool history_dirty = true;
  torch::Tensor rng_state;  // the trainer's own CPU random stream, swapped in around each step
  int64_t steps_remaining = -1;  // -1: no limit
  std::string message;
  DivergenceGuard guard;
  double elapsed = 0.0;             // seconds spent Running, before the current run segment
  Clock::time_point running_since;  // valid while Running
  Clock::time_point last_publish;
  Clock::time_point rate_since;
  int64_t rate_samples = 0;
  int64_t samples_trained = 0;  // since construction (or the last load), for the overall rate
  double samples_per_second = 0.0;
  torch::Tensor probe_x, probe_y;
  std::shared_ptr<const ImageStrip> probe;
  std::shared_ptr<const ModelSnapshot> model_snapshot;
  std::shared_ptr<const MetricHistory> metrics_snapshot;
  int64_t probe_step = -1, model_step = -1;
  bool foreign = false;  // trained elsewhere: shown, never trained (use_foreign_model)

  // --- shared between threads ---
  std::atomic<RunState> state{RunState::Idle};
  // The state of the latest published snapshot: waiters use it, so that a caller woken by a state
  // change also finds that state in snapshot().
  std::atomic<RunState> published_state{RunState::Idle};
  std::atomic<bool> stop_requested{false};
  std::atomic<int64_t> pending{0};  // commands posted and not yet handled
  std::mutex cmd_mutex;
  std::condition_variable cmd_cv;
  std::deque<Command> commands;
  std::mutex state_mutex;
  std::condition_variable state_cv;
  mutable std::mutex snapshot_mutex;
  std::shared_ptr<const TrainerSnapshot> snapshot;
  std::thread thread;

  // [SECTION] setup
  // The preset's "dequantize" applied to this model and data (analysis/likelihood_kind.h).
  void configure_dequantization() {
    const bool on = dequantization_applies(preset.dequantize, spec, data->train);
    train_draw = Dequantization{on, -1};
    test_draw = Dequantization{on, static_cast<int64_t>(preset.seed & 0x7fffffffffffffffULL)};
  }

  void build_model(std::shared_ptr<Model> m) {
    model = std::move(m);
    model->to(device);
    model->train();
    optimizer = foreign ? nullptr : make_optimizer(preset.optimizer, model->trainable_parameters());
    guard.reset(*model);
    probe_step = model_step = -1;
  }

  void prepare_probe() {
    const Dataset& src = data->test.size() > 0 ? data->test : data->train;
    const int64_t n = std::min<int64_t>(options.probe_count, src.size());
    if (!src.shape.is_image() || n <= 0) return;
    const Batch probe_batch = src.batch(0, n, device);
    probe_x = probe_batch.x;
    probe_y = probe_batch.y;
  }

  // [SECTION] state and publishing
  void set_state(RunState s) {
    const RunState old = state.load();
    if (old == RunState::Running && s != RunState::Running)
      elapsed += std::chrono::duration<double>(Clock::now() - running_since).count();
    if (old != RunState::Running && s == RunState::Running) {
      running_since = Clock::now();
      rate_since = running_since;
      rate_samples = 0;
    }
    state.store(s);
  }

  Progress progress() const {
    Progress p;
    p.state = state.load();
    p.epoch = epoch;
    p.epochs = preset.epochs;
    p.step = step;
    p.steps_per_epoch = steps_per_epoch;
    p.samples_per_second = samples_per_second;
    p.lr = preset.optimizer.lr_at_epoch(std::min(epoch, std::max<int64_t>(preset.epochs - 1, 0)));
    p.elapsed_seconds = elapsed;
    if (p.state == RunState::Running) p.elapsed_seconds += std::chrono::duration<double>(Clock::now() - running_since).count();
    // Short runs end before the first rate window closes: fall back to the overall rate.
    if (p.samples_per_second <= 0 && p.elapsed_seconds > 0)
      p.samples_per_second = static_cast<double>(samples_trained) / p.elapsed_seconds;
    const int64_t left = std::max<int64_t>(preset.epochs * steps_per_epoch - step, 0);
    if (samples_per_second > 0) p.eta_seconds = static_cast<double>(left * batch_size) / samples_per_second;
    p.message = message;
    return p;
  }

  void publish() {
    auto now = Clock::now();
    const double dt = std::chrono::duration<double>(now - rate_since).count();
    if (state.load() == RunState::Running && dt >= 0.2 && rate_samples > 0) {
      samples_per_second = static_cast<double>(rate_samples) / dt;
      rate_since = now;
      rate_samples = 0;
    }
    auto snap = std::make_shared<TrainerSnapshot>();
    if (history_dirty || !metrics_snapshot) {
      metrics_snapshot = std::make_shared<const MetricHistory>(history);
      history_dirty = false;
    }
    snap->metrics = metrics_snapshot;
    torch::NoGradGuard no_grad;
    if (cloner && model_step != step) {
      auto copy = cloner(*model);
      copy->eval();
      auto ms = std::make_shared<ModelSnapshot>();
      ms->model = std::move(copy);
      ms->spec = spec;
      ms->step = step;
      model_snapshot = ms;
      model_step = step;
    }
    if (probe_x.defined() && probe_step != step) {
      auto strip = std::make_shared<ImageStrip>();
      strip->inputs = to_image_bytes(probe_x);
      torch::Tensor recon;
      if (model_snapshot && model_snapshot->step == step) {
        recon = model_snapshot->model->reconstruct({probe_x, probe_y});
      } else {
        model->eval();
        recon = model->reconstruct({probe_x, probe_y});
        model->train();
      }
      strip->reconstructions = to_image_bytes(recon.reshape(probe_x.sizes()));
      strip->step = step;
      probe = strip;
      probe_step = step;
    }
    snap->probe = probe;
    snap->model = model_snapshot;
    snap->progress = progress();
    {
      std::lock_guard<std::mutex> lock(snapshot_mutex);
      snapshot = snap;
    }
    {
      std::lock_guard<std::mutex> lock(state_mutex);
      published_state.store(snap->progress.state);
    }
    state_cv.notify_all();
    last_publish = Clock::now();
  }

  // [SECTION] random stream: the trainer's own CPU generator state, swapped in around its work so that
  // other users of the global generator between steps (snapshots, the GUI) do not change the series.
  void swap_rng_in() {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(rng_state);
  }
  void swap_rng_out() {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    rng_state = gen.get_state();
  }

  // [SECTION] one step
  void diverge(const std::string& what) {
    guard.restore();
    optimizer->zero_grad();
    message = what;
    if (guard.kept_step() >= 0 && guard.kept_step() != step)
      message += fmt::format(" (weights restored from step {})", guard.kept_step());
    steps_remaining = -1;
    set_state(RunState::Diverged);
  }

  void train_one_step() {
    if (epoch >= preset.epochs) {
      set_state(RunState::Finished);
      return;
    }
    if (perm_epoch != epoch) {
      perm = order.permutation(epoch);
      perm_epoch = epoch;
      for (auto& group : optimizer->param_groups()) group.options().set_lr(preset.optimizer.lr_at_epoch(epoch));
    }
    const int64_t begin = epoch_step * batch_size;
    const int64_t end = std::min(begin + batch_size, data->train.size());
    const StepInfo info{step, epoch};

    guard.keep_if_due(step);
    swap_rng_in();
    // After swap_rng_in: a dequantised batch draws its fresh noise from the run's own stream.
    const Batch batch = train_draw.batch(data->train, perm.slice(0, begin, end), device);
    model->train();
    LossTerms terms = [&] {
      const StepCancellationScope stop_scope(stop_requested);  // lets a long step see stop()
      return model->loss(batch, info);
    }();
    auto values = terms.values();
    if (diverged_term(values)) return;
    guard.loss_was_finite(step);
    ReleasedGradients released(*optimizer);  // zero_grad()'s result, without its fill and add
    terms.total.backward();
    released.restore_missing();
    if (auto bad = guard.first_non_finite_gradient(); !bad.empty())
      return diverge(fmt::format("gradient of '{}' became non-finite at step {}", bad, step));
    optimizer->step();
    const size_t n_terms = terms.terms.size();
    model->after_step(batch, info, terms);
    if (terms.terms.size() != n_terms) {
      values = terms.values();
      if (diverged_term(values)) return;
    }
    if (auto bad = guard.first_non_finite_state(); !bad.empty())
      return diverge(fmt::format("'{}' became non-finite after step {}", bad, step));
    swap_rng_out();
    history.record_step(step, epoch, values);
    history_dirty = true;
    ++step;
    ++epoch_step;
    rate_samples += end - begin;
    samples_trained += end - begin;
    if (steps_remaining > 0) --steps_remaining;
    if (epoch_step >= steps_per_epoch) end_epoch();
    if (state.load() == RunState::Running) {
      if (epoch >= preset.epochs) {
        message = fmt::format("finished {} epochs ({} steps)", epoch, step);
        set_state(RunState::Finished);
      } else if (steps_remaining == 0) {
        steps_remaining = -1;
        set_state(RunState::Paused);
      }
    }
  }

  // Diverges (and returns true) when a value of the step is not finite.
  bool diverged_term(const std::vector<std::pair<std::string, double>>& values) {
    const auto bad = DivergenceGuard::first_non_finite_term(values);
    if (bad < 0) return false;
    diverge(fmt::format("term '{}' became {} at step {}", values[bad].first,
                        DivergenceGuard::describe(values[bad].second), step));
    return true;
  }

  void end_epoch() {
    history.close_epoch(epoch_step);
    evaluate_test();
    ++epoch;
    epoch_step = 0;
    history_dirty = true;
    publish();
  }

  // Test-view terms (analysis/evaluation.h) over the first test_cap test samples, drawing from the
  // run's own random stream; a stop() during the pass leaves the epoch's test values NaN.
  void evaluate_test() {
    if (std::min<int64_t>(data->test.size(), options.test_cap) <= 0) return;
    swap_rng_in();
    const auto result = mean_loss_terms(*model, data->test, StepInfo{step, epoch}, batch_size, options.test_cap,
                                        [this](int64_t, int64_t) { return !stop_requested.load(); }, test_draw);
    swap_rng_out();
    if (result.complete) history.set_epoch_test(result.means);
  }

  // [SECTION] the thread
  // Returns false on Quit.
  bool handle(Command& c) {
    const RunState s = state.load();
    std::exception_ptr error;
    const bool final_state = s == RunState::Stopped || s == RunState::Failed || s == RunState::Finished;
    const bool trainable = !foreign;
    switch (c.kind) {
      case Command::Start:
      case Command::Resume:
        if (trainable && (s == RunState::Idle || s == RunState::Paused || s == RunState::Diverged)) {
          steps_remaining = -1;
          if (s == RunState::Diverged) message.clear();
          set_state(RunState::Running);
        }
        break;
      case Command::Pause:
        if (s == RunState::Running) {
          steps_remaining = -1;
          set_state(RunState::Paused);
        }
        break;
      case Command::Step:
        if (trainable && !final_state && c.n > 0) {
          steps_remaining = c.n;
          if (s == RunState::Diverged) message.clear();
          set_state(RunState::Running);
        }
        break;
      case Command::Stop:
        if (s != RunState::Stopped && s != RunState::Failed) {
          if (s != RunState::Finished) message = fmt::format("stopped at step {}", step);
          set_state(s == RunState::Finished ? RunState::Finished : RunState::Stopped);
        }
        break;
      case Command::Save:
        try {
          save(c.path);
        } catch (...) {
          error = std::current_exception();
        }
        break;
      case Command::Load:
        try {
          if (s == RunState::Running) throw Error("cannot load a checkpoint while training runs; pause first");
          load(c.path);
        } catch (...) {
          error = std::current_exception();
        }
        break;
      case Command::Quit:
        if (c.done) c.done->set_value();
        c.done.reset();
        return false;
    }
    // Publish before acknowledging, so that a caller returning from stop()/load_checkpoint() finds the
    // new state in snapshot().
    if (state.load() != s || (c.kind == Command::Load && !error)) publish();
    if (c.done) {
      if (error) c.done->set_exception(error);
      else c.done->set_value();
      c.done.reset();
    }
    return true;
  }

  void save(const std::string& path) {
    if (foreign) throw Error(fmt::format("cannot save \"{}\": {}", path, message));
    CheckpointMeta meta;
    meta.preset = preset.to_json();
    meta.spec = spec;
    meta.dataset = data->descriptor;
    meta.metrics = history;
    meta.step = step;
    meta.epoch = epoch;
    meta.epoch_step = epoch_step;
    meta.rng_state = rng_state;
    ::vaelab::save_checkpoint(path, *model, optimizer.get(), meta);
  }

  void load(const std::string& path) {
    auto meta = ::vaelab::load_checkpoint(path, *model, spec, optimizer.get());
    // The run goes on as it was trained: its saved "dequantize" setting (false for a run saved before
    // the key existed), whatever the preset this trainer was built from says.
    preset.dequantize = dequantize_setting_of_saved_preset(meta.preset);
    configure_dequantization();
    history = meta.metrics;
    history_dirty = true;
    step = meta.step;
    epoch = meta.epoch;
    epoch_step = meta.epoch_step;
    perm_epoch = -1;
    if (meta.rng_state.defined()) rng_state = meta.rng_state;
    guard.reset(*model);
    probe_step = model_step = -1;
    samples_trained = 0;
    elapsed = 0;
    message = fmt::format("resumed from \"{}\" at step {}", path, step);
  }

  void loop() {
    for (;;) {
      std::deque<Command> batch;
      {
        std::unique_lock<std::mutex> lock(cmd_mutex);
        if (state.load() != RunState::Running) cmd_cv.wait(lock, [&] { return !commands.empty(); });
        batch.swap(commands);
      }
      for (auto& c : batch) {
        const bool go_on = handle(c);
        pending.fetch_sub(1);
        if (!go_on) {
          for (auto& rest : batch)
            if (rest.done) rest.done->set_value();
          return;
        }
      }
      if (state.load() != RunState::Running) continue;
      try {
        train_one_step();
      } catch (const TaskCancelled&) {
        // A long step (VaDE's prior fit) saw the stop request: the step is dropped whole (the run's RNG
        // state was not swapped out, no optimiser step ran); the queued Stop ends the run.
        continue;
      } catch (const std::exception& e) {
        message = fmt::format("training failed at step {}: {}", step, e.what());
        steps_remaining = -1;
        set_state(RunState::Failed);
        publish();
        continue;
      }
      if (state.load() != RunState::Running ||
          Clock::now() - last_publish >= std::chrono::milliseconds(options.snapshot_interval_ms))
        publish();
    }
  }

  // Posts a command; when `wait`, blocks until the training thread has handled it (rethrowing).
  void post(Command c, bool wait) {
    std::future<void> fut;
    if (wait) {
      c.done = std::make_shared<std::promise<void>>();
      fut = c.done->get_future();
    }
    {
      std::lock_guard<std::mutex> lock(cmd_mutex);
      pending.fetch_add(1);
      commands.push_back(std::move(c));
    }
    cmd_cv.notify_all();
    if (wait) fut.get();
  }
};

// [SECTION] Trainer

Trainer::Trainer(const Preset& preset, std::shared_ptr<const DatasetSplit> data, TrainerOptions options)
    : impl_(std::make_unique<Impl>()) {
  auto& d = *impl_;
  if (!data) throw Error("trainer: no dataset");
  if (data->train.size() <= 0) throw Error(fmt::format("dataset \"{}\" has no training samples", data->train.name));
  if (preset.batch_size <= 0) throw Error("preset key \"batch_size\": expected a positive integer");
  if (preset.epochs < 0) throw Error("preset key \"epochs\": expected a non-negative integer");
  d.preset = preset;
  d.data = std::move(data);
  d.options = options;
  d.device = resolve_device(options.device.empty() ? preset.device : options.device);
  if (options.threads > 0) set_threads(options.threads);
  retain_freed_heap_memory();  // no page faults on each step's buffers (core/heap_retention.h)
  d.spec = preset.model;
  d.spec.shape = d.data->train.shape;
  d.spec.num_classes = d.data->train.num_classes();
  d.batch_size = std::min<int64_t>(preset.batch_size, d.data->train.size());
  // The last partial batch is dropped (a batch of 1 breaks MMD/batch statistics); at least one step.
  d.steps_per_epoch = std::max<int64_t>(d.data->train.size() / d.batch_size, 1);
  d.order = BatchOrder(d.data->train.size(), preset.seed);
  d.configure_dequantization();

  // Seed a private stream: initialise the model from `seed`, keep the generator state that follows as
  // the trainer's own, and give the process its previous global state back.
  torch::Tensor outside_state;
  {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    outside_state = gen.get_state();
  }
  torch::manual_seed(preset.seed);
  {
    auto model = make_model(d.spec);
    // A fresh run's decoder starts at the training data's mean sample (train/output_bias_init.h);
    // a resumed run's checkpoint replaces these weights.
    initialize_output_bias(*model, d.spec.likelihood, mean_sample(d.data->train));
    d.build_model(std::move(model));
  }
  d.swap_rng_out();
  {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(outside_state);
  }
  const ModelSpec spec = d.spec;
  d.cloner = [spec](Model& m) { return clone_model(m, spec); };
  d.prepare_probe();
  d.last_publish = Clock::now();
  d.publish();
  d.thread = std::thread([&d] { d.loop(); });
}

Trainer::~Trainer() {
  impl_->stop_requested.store(true);
  impl_->post({Impl::Command::Quit}, false);
  if (impl_->thread.joinable()) impl_->thread.join();
}

void Trainer::start() { impl_->post({Impl::Command::Start}, false); }
void Trainer::pause() { impl_->post({Impl::Command::Pause}, false); }
void Trainer::resume() { impl_->post({Impl::Command::Resume}, false); }
void Trainer::stop() {
  impl_->stop_requested.store(true);
  impl_->post({Impl::Command::Stop}, true);
}
void Trainer::step(int64_t n) {
  Impl::Command c{Impl::Command::Step};
  c.n = n;
  impl_->post(std::move(c), false);
}

RunState Trainer::state() const { return impl_->state.load(); }

bool Trainer::wait_until_not_running(int64_t timeout_ms) const {
  // A command still queued may be about to change the state: wait for the queue to drain as well.
  auto settled = [&] {
    return impl_->pending.load() == 0 && impl_->published_state.load() != RunState::Running;
  };
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
  std::unique_lock<std::mutex> lock(impl_->state_mutex);
  for (;;) {
    lock.unlock();
    if (settled()) return true;
    lock.lock();
    if (timeout_ms >= 0 && Clock::now() >= deadline) return false;
    impl_->state_cv.wait_for(lock, std::chrono::milliseconds(20));
  }
}

std::shared_ptr<const TrainerSnapshot> Trainer::snapshot() const {
  std::lock_guard<std::mutex> lock(impl_->snapshot_mutex);
  return impl_->snapshot;
}

void Trainer::save_checkpoint(const std::string& path) {
  Impl::Command c{Impl::Command::Save};
  c.path = path;
  impl_->post(std::move(c), true);
}

void Trainer::load_checkpoint(const std::string& path) {
  Impl::Command c{Impl::Command::Load};
  c.path = path;
  impl_->post(std::move(c), true);
}

const Preset& Trainer::preset() const { return impl_->preset; }
const ModelSpec& Trainer::spec() const { return impl_->spec; }
torch::Device Trainer::device() const { return impl_->device; }
const std::shared_ptr<const DatasetSplit>& Trainer::data() const { return impl_->data; }

void Trainer::use_foreign_model(std::shared_ptr<Model> model, ModelSpec spec,
                                std::function<std::shared_ptr<Model>(Model&)> cloner, std::string note) {
  if (state() != RunState::Idle || impl_->pending.load() != 0)
    throw Error("use_foreign_model: only right after construction, before any command");
  std::lock_guard<std::mutex> lock(impl_->cmd_mutex);
  impl_->foreign = true;
  impl_->spec = std::move(spec);
  impl_->message = std::move(note);
  impl_->build_model(std::move(model));
  impl_->model->eval();
  impl_->cloner = std::move(cloner);
  impl_->model_snapshot.reset();
  impl_->publish();
}

bool Trainer::trained_elsewhere() const { return impl_->foreign; }

void Trainer::replace_model_for_testing(std::shared_ptr<Model> model,
                                        std::function<std::shared_ptr<Model>(Model&)> cloner) {
  if (state() != RunState::Idle || impl_->pending.load() != 0)
    throw Error("replace_model_for_testing: only right after construction, before any command");
  // The thread is idle, waiting on the command queue: holding the queue lock keeps it there while the
  // model is swapped.
  std::lock_guard<std::mutex> lock(impl_->cmd_mutex);
  impl_->build_model(std::move(model));
  impl_->cloner = std::move(cloner);
  impl_->model_snapshot.reset();
  impl_->publish();
}

}  // namespace vaelab
