// Training throughput of the fashion-vae model in our engine against the same model in PyTorch, and both
// against what this machine's sgemm allows.
//
// - Ours: the model and optimiser the trainer builds (preset fashion-vae -> ModelSpec -> make_model, and
//   optim/fused_adam.h), one step = Model::loss + backward + Adam step + Model::after_step, on a fixed
//   synthetic batch.
// - PyTorch: bench/pytorch_vae_reference.py under /usr/bin/python3 (Debian's python3-torch: the same
//   LibTorch build and BLAS; torch.optim.Adam with its defaults), same threads, batch, step count.
// - Rounds alternate (ours, torch, ours, torch, ...) so that load from other processes hits both alike;
//   we report the median of each. Each round runs each side in a fresh process (ours: this program
//   re-run with --ours-only): on this VM a process lands in a fast (~7 ms/step) or a slow (~10.5 ms)
//   mode for its whole life, for both engines alike, so one long-lived process would draw one mode for
//   all rounds while PyTorch drew one per round. For the same reason each process also measures the two
//   limits below itself, and each rate is set against the limits of its own process.
// - Two sgemm-bound limits, measured in every process (a limit ignores all elementwise work:
//   activations, loss, Adam; no implementation can reach it):
//   (a) rate: torch::mm on the model's forward shapes (batch x in) * (in x out) gives GFLOP/s; the limit
//       is that rate / (3 x forward flops per sample), 3 x = forward + the input and weight gradients;
//   (b) exact: the 17 GEMMs one training step runs, in the layouts LibTorch's Linear runs them
//       (forward addmm(b, X, W^T); backward dX = dY W for all but the first layer, dW = dY^T X), timed
//       back to back; the limit is batch / that time.
//   One 1024^3 square is timed once for reference.
// - Where a step of ours goes, measured in this process every round: forward + loss, backward, optimiser,
//   each next to its GEMMs run back to back; and the floor under any exact float32 Adam step, a one-pass
//   loop with Adam's memory traffic (read 4, write 3 arrays of the parameter count) and no arithmetic.
//   The ceiling printed last is the fraction of the limit an implementation would reach whose GEMMs ran
//   as fast as back to back, whose Adam ran at that floor, and whose elementwise work cost nothing.
//
// - --device cuda runs both sides, the limits and the phases on the GPU (timings synchronise the device);
//   the Adam memory-traffic floor and the ceiling built on it are CPU figures and are not printed then.
//
// Usage: bench_training_throughput [--threads T] [--rounds R] [--steps N] [--warmup W] [--batch B]
//                                  [--device cpu|cuda]
//                                  [--python /usr/bin/python3] [--script path/to/pytorch_vae_reference.py]
//                                  [--pytorch-default-malloc] [--ours-only]
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "adam_traffic_floor.h"
#include "train/preset.h"
#include "core/error.h"
#include "core/heap_retention.h"
#include "models/registry.h"
#include "optim/fused_adam.h"
#include "optim/released_gradients.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int rounds = 4;
  int steps = 200;
  int warmup = 20;
  int batch = 128;
  std::string device = "cpu";  // cpu | cuda: where both sides train and the limits run
  std::string python = "/usr/bin/python3";
  std::string script = std::string(VAELAB_SOURCE_ASSETS) + "/../bench/pytorch_vae_reference.py";
  bool pytorch_default_malloc = false;  // true: PyTorch without our heap settings (core/heap_retention.h)
  bool ours_only = false;               // one measurement of ours, printed as JSON (what each round runs)
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error("missing value after " + a);
      return argv[++i];
    };
    if (a == "--threads") o.threads = std::stoi(value());
    else if (a == "--rounds") o.rounds = std::stoi(value());
    else if (a == "--steps") o.steps = std::stoi(value());
    else if (a == "--warmup") o.warmup = std::stoi(value());
    else if (a == "--batch") o.batch = std::stoi(value());
    else if (a == "--device") o.device = value();
    else if (a == "--python") o.python = value();
    else if (a == "--script") o.script = value();
    else if (a == "--pytorch-default-malloc") o.pytorch_default_malloc = true;
    else if (a == "--ours-only") o.ours_only = true;
    else throw std::runtime_error("unknown argument " + a);
  }
  if (o.device != "cpu" && o.device != "cuda") throw std::runtime_error("--device: expected cpu or cuda");
  return o;
}

// Where tensors live (--device); on a GPU, a timing waits for the queued work first.
torch::Device g_device{torch::kCPU};

torch::TensorOptions on_device() { return torch::TensorOptions().device(g_device); }

void sync() {
  if (g_device.is_cuda()) torch::cuda::synchronize();
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// The six Linear layers of the fashion-vae MLP as (in, out).
const std::vector<std::pair<int64_t, int64_t>> kLayers = {
    {784, 512}, {512, 256}, {256, 40}, {20, 256}, {256, 512}, {512, 784}};

double forward_flops_per_sample() {
  double f = 0;
  for (auto [in, out] : kLayers) f += 2.0 * in * out;
  return f;
}

// Seconds per call of pass(), after 20 warm-up calls, over at least min_seconds and 50 calls.
template <class Pass>
double seconds_per_pass(Pass&& pass, double min_seconds) {
  for (int i = 0; i < 20; ++i) pass();
  sync();
  int reps = 0;
  auto t0 = Clock::now();
  while (seconds_since(t0) < min_seconds || reps < 50) {
    pass();
    ++reps;
  }
  sync();
  return seconds_since(t0) / reps;
}

// GFLOP/s of torch::mm on the model's forward shapes (batch x in) * (in x out), run back to back.
double sgemm_model_shapes(int batch) {
  std::vector<torch::Tensor> a, b;
  for (auto [in, out] : kLayers) {
    a.push_back(torch::rand({batch, in}, on_device()));
    b.push_back(torch::rand({in, out}, on_device()));
  }
  const double seconds = seconds_per_pass(
      [&] {
        for (size_t i = 0; i < a.size(); ++i) torch::mm(a[i], b[i]);
      },
      1.0);
  return forward_flops_per_sample() * batch / seconds / 1e9;
}

// Seconds for the GEMMs of one training step, in Linear's layouts (see (b) above), run back to back:
// {forward, backward}.
std::array<double, 2> step_gemm_seconds(int batch) {
  std::vector<torch::Tensor> x, w, b, dy;
  for (auto [in, out] : kLayers) {
    x.push_back(torch::rand({batch, in}, on_device()));
    w.push_back(torch::rand({out, in}, on_device()));
    b.push_back(torch::rand({out}, on_device()));
    dy.push_back(torch::rand({batch, out}, on_device()));
  }
  const double forward = seconds_per_pass(
      [&] {
        for (size_t i = 0; i < kLayers.size(); ++i) torch::addmm(b[i], x[i], w[i].t());
      },
      0.5);
  const double backward = seconds_per_pass(
      [&] {
        for (size_t i = 0; i < kLayers.size(); ++i) {
          if (i > 0) torch::mm(dy[i], w[i]);  // input gradient (the data needs none)
          torch::mm(dy[i].t(), x[i]);         // weight gradient
        }
      },
      0.5);
  return {forward, backward};
}

// A measurement in one process: its training rate (samples/s, 0 where none ran) and the two limits
// (samples/s) measured in that same process; on this VM a process keeps a fast or a slow mode for its
// whole life, so a rate is compared with the limits of its own process.
struct Measurement {
  double rate = 0, limit_a = 0, limit_b = 0;
};

Measurement limits_here(int batch) {
  const auto gemm = step_gemm_seconds(batch);
  return {0, sgemm_model_shapes(batch) * 1e9 / (3.0 * forward_flops_per_sample()), batch / (gemm[0] + gemm[1])};
}

double sgemm_square(int64_t n) {
  auto a = torch::rand({n, n}, on_device()), b = torch::rand({n, n}, on_device());
  return 2.0 * n * n * n / seconds_per_pass([&] { torch::mm(a, b); }, 1.0) / 1e9;
}

struct Ours {
  std::shared_ptr<vaelab::Model> model;
  std::unique_ptr<vaelab::FusedAdam> optimizer;
  vaelab::Batch batch;
  int64_t step = 0;

  explicit Ours(int batch_size) {
    vaelab::retain_freed_heap_memory();  // as the trainer does
    auto preset = vaelab::Preset::from_json(vaelab::read_preset_json("fashion-vae"));
    vaelab::ModelSpec spec = preset.model;
    spec.shape.channels = 1;
    spec.shape.height = 28;
    spec.shape.width = 28;
    spec.num_classes = 10;
    torch::manual_seed(1);
    model = vaelab::make_model(spec);
    model->to(g_device);
    model->train();
    optimizer = std::make_unique<vaelab::FusedAdam>(model->trainable_parameters(),
                                                     torch::optim::AdamOptions(preset.optimizer.lr));
    batch.x = torch::rand({batch_size, 1, 28, 28}, on_device());
  }

  // One training step; with phases, adds its seconds of {forward + loss, backward, optimiser step}.
  void train_step(std::array<double, 3>* phases = nullptr) {
    vaelab::StepInfo info{step, 0};
    if (phases) sync();
    const auto t0 = Clock::now();
    vaelab::ReleasedGradients released(*optimizer);  // as the trainer clears them
    auto terms = model->loss(batch, info);
    if (phases) sync();
    const auto t1 = Clock::now();
    terms.total.backward();
    released.restore_missing();
    if (phases) sync();
    const auto t2 = Clock::now();
    optimizer->step();
    model->after_step(batch, info, terms);
    if (phases) {
      sync();
      const auto t3 = Clock::now();
      (*phases)[0] += std::chrono::duration<double>(t1 - t0).count();
      (*phases)[1] += std::chrono::duration<double>(t2 - t1).count();
      (*phases)[2] += std::chrono::duration<double>(t3 - t2).count();
    }
    ++step;
  }

  // Seconds per step in each phase, over `steps` training steps in this process:
  // {forward + loss, backward, optimiser step}.
  std::array<double, 3> phase_seconds(int steps) {
    std::array<double, 3> t{0, 0, 0};
    for (int i = 0; i < 20; ++i) train_step();
    for (int i = 0; i < steps; ++i) train_step(&t);
    for (auto& x : t) x /= steps;
    return t;
  }

  // Seconds for one optimiser step alone, on the gradients of one training step.
  double adam_seconds() {
    train_step();
    return seconds_per_pass([&] { optimizer->step(); }, 0.5);
  }

  int64_t parameter_count() const {
    int64_t n = 0;
    for (const auto& p : model->trainable_parameters()) n += p.numel();
    return n;
  }

  double samples_per_second(int warmup, int steps) {
    for (int i = 0; i < warmup; ++i) train_step();
    sync();
    auto t0 = Clock::now();
    for (int i = 0; i < steps; ++i) train_step();
    sync();
    return static_cast<double>(steps) * batch.x.size(0) / seconds_since(t0);
  }
};

// Runs cmd and reads the JSON line it prints.
Measurement measurement_of(const std::string& cmd) {
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + cmd);
  std::string out;
  char buf[512];
  while (fgets(buf, sizeof buf, pipe)) out += buf;
  const int rc = pclose(pipe);
  if (rc != 0) throw std::runtime_error("'" + cmd + "' failed (status " + std::to_string(rc) + ")");
  const auto j = nlohmann::json::parse(out);
  return {j.at("samples_per_second").get<double>(), j.at("limit_a").get<double>(), j.at("limit_b").get<double>()};
}

std::string step_arguments(const Options& o) {
  return " --threads " + std::to_string(o.threads) + " --batch " + std::to_string(o.batch) + " --steps " +
         std::to_string(o.steps) + " --warmup " + std::to_string(o.warmup) +
         (o.device == "cpu" ? "" : " --device " + o.device);
}

Measurement torch_reference(const Options& o) {
  // By default PyTorch runs with the same glibc heap settings our engine applies (the environment
  // variables equivalent to core/heap_retention.cpp's mallopt calls), so the two differ only in code.
  const std::string env = o.pytorch_default_malloc
                              ? ""
                              : "MALLOC_MMAP_THRESHOLD_=" + std::to_string(vaelab::kHeapMmapThreshold) +
                                    " MALLOC_TRIM_THRESHOLD_=" + std::to_string(vaelab::kHeapTrimThreshold) +
                                    " MALLOC_TOP_PAD_=" + std::to_string(vaelab::kHeapTopPad) + " ";
  return measurement_of(env + o.python + " '" + o.script + "' --limits" + step_arguments(o));
}

Measurement ours_in_fresh_process(const Options& o) {
  static const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();  // not the shell's
  return measurement_of("'" + self + "' --ours-only" + step_arguments(o));
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    torch::set_num_threads(o.threads);
    if (o.device == "cuda") {
      if (!torch::cuda::is_available()) throw std::runtime_error("--device cuda: no CUDA device in this build/machine");
      g_device = torch::Device(torch::kCUDA);
    }
    if (o.ours_only) {
      Ours ours(o.batch);  // first: it applies the trainer's heap settings, under which the limits run
      const auto limits = limits_here(o.batch);
      std::printf("{\"samples_per_second\": %.3f, \"limit_a\": %.3f, \"limit_b\": %.3f}\n",
                  ours.samples_per_second(o.warmup, o.steps), limits.limit_a, limits.limit_b);
      return 0;
    }
    std::printf("training throughput, fashion-vae (MLP 784-512-256-2x20, Bernoulli, Adam 1e-3), batch %d, "
                "%d threads, %d rounds of %d steps (+%d warm-up)%s\n",
                o.batch, o.threads, o.rounds, o.steps, o.warmup, o.device == "cpu" ? "" : ", on cuda");
    std::printf("heap: ours retains freed memory (core/heap_retention.h); pytorch %s\n",
                o.pytorch_default_malloc ? "with glibc's default malloc settings (--pytorch-default-malloc)"
                                         : "with the same settings (MALLOC_*_ environment variables)");

    Ours probe(o.batch);  // ours in this process: where a step's time goes (and the trainer's heap settings)
    const int64_t parameters = probe.parameter_count();
    std::vector<double> ours_rates, torch_rates, ours_a, ours_b, torch_a, torch_b;
    std::vector<double> here_a, here_b, forward, backward, optimiser, gemm_forward, gemm_backward, adam_alone,
        traffic;
    for (int r = 0; r < o.rounds; ++r) {
      const auto ours = ours_in_fresh_process(o);
      const auto torch_side = torch_reference(o);
      ours_rates.push_back(ours.rate);
      torch_rates.push_back(torch_side.rate);
      ours_a.push_back(ours.rate / ours.limit_a);
      ours_b.push_back(ours.rate / ours.limit_b);
      torch_a.push_back(torch_side.rate / torch_side.limit_a);
      torch_b.push_back(torch_side.rate / torch_side.limit_b);
      std::printf("  round %d: ours %6.0f samples/s, limits (a) %6.0f (b) %6.0f -> %.3f %.3f   "
                  "pytorch %6.0f, limits (a) %6.0f (b) %6.0f -> %.3f %.3f\n",
                  r + 1, ours.rate, ours.limit_a, ours.limit_b, ours_a.back(), ours_b.back(), torch_side.rate,
                  torch_side.limit_a, torch_side.limit_b, torch_a.back(), torch_b.back());
      std::fflush(stdout);

      const auto here = limits_here(o.batch);
      const auto gemm = step_gemm_seconds(o.batch);
      const auto phases = probe.phase_seconds(o.steps);
      here_a.push_back(here.limit_a);
      here_b.push_back(here.limit_b);
      gemm_forward.push_back(gemm[0]);
      gemm_backward.push_back(gemm[1]);
      forward.push_back(phases[0]);
      backward.push_back(phases[1]);
      optimiser.push_back(phases[2]);
      adam_alone.push_back(probe.adam_seconds());
      if (!g_device.is_cuda()) traffic.push_back(vaelab_bench::adam_traffic_seconds(parameters));
    }
    const double square = sgemm_square(1024);
    const double flops_per_sample = 3.0 * forward_flops_per_sample();
    const double ours_rate = median(ours_rates), torch_rate = median(torch_rates);
    std::printf("flops per sample = 3 x 2 x sum(in x out) = %.0f (forward %.0f); a 1024^3 square runs at "
                "%.1f GFLOP/s, a limit of %.0f samples/s\n",
                flops_per_sample, forward_flops_per_sample(), square, square * 1e9 / flops_per_sample);
    std::printf("ours    (median): %.0f samples/s\n", ours_rate);
    std::printf("pytorch (median): %.0f samples/s\n", torch_rate);
    std::printf("ours / pytorch: %.3f\n", ours_rate / torch_rate);
    std::printf("ours / sgemm-bound limit of its own process (median of the rounds): (a) %.3f   (b) %.3f\n",
                median(ours_a), median(ours_b));
    std::printf("pytorch / sgemm-bound limit of its own process (median of the rounds): (a) %.3f   (b) %.3f\n",
                median(torch_a), median(torch_b));

    // Where ours spends a step (in this process), against the GEMMs run back to back, and the floor
    // under any exact float32 Adam: one pass over every parameter's four arrays, memory-bound (the
    // GEMMs keep both cores busy, so nothing runs beside them).
    const double ms = 1e3;
    const double f = median(forward), b = median(backward), u = median(optimiser);
    const double gf = median(gemm_forward), gb = median(gemm_backward);
    const double limit = median(here_a), exact = median(here_b);
    std::printf("in this process (median): limits (a) %.0f (b) %.0f samples/s; a step of ours %.3f ms = %.0f "
                "samples/s = (a) %.3f (b) %.3f\n",
                limit, exact, (f + b + u) * ms, o.batch / (f + b + u), o.batch / (f + b + u) / limit,
                o.batch / (f + b + u) / exact);
    if (g_device.is_cuda()) {
      std::printf("  forward + loss %.3f ms (its GEMMs back to back %.3f) + backward %.3f (%.3f) + optimiser %.3f "
                  "(Adam alone %.3f); each phase waits for the GPU\n",
                  f * ms, gf * ms, b * ms, gb * ms, u * ms, median(adam_alone) * ms);
      return 0;
    }
    const double floor = median(traffic);
    std::printf("  forward + loss %.3f ms (its GEMMs back to back %.3f) + backward %.3f (%.3f) + optimiser %.3f "
                "(Adam alone %.3f; memory-traffic floor %.3f = %.1f GB/s)\n",
                f * ms, gf * ms, b * ms, gb * ms, u * ms, median(adam_alone) * ms, floor * ms,
                7.0 * 4.0 * static_cast<double>(parameters) / floor / 1e9);
    const double t_a = o.batch / limit, t_b = o.batch / exact;
    std::printf("ceiling of ours / limit for any exact float32 Adam, all elementwise work free and the GEMMs "
                "as fast as back to back: (a) %.3f   (b) %.3f\n",
                t_a / (t_a + floor), t_b / (t_b + floor));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_training_throughput: error: %s\n", e.what());
    return 1;
  }
}
