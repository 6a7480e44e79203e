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
//   all rounds while PyTorch drew one per round.
// - Two sgemm-bound limits, both measured in every round (a limit ignores all elementwise work:
//   activations, loss, Adam; no implementation can reach it):
//   (a) rate: torch::mm on the model's forward shapes (batch x in) * (in x out) gives GFLOP/s; the limit
//       is that rate / (3 x forward flops per sample), 3 x = forward + the input and weight gradients;
//   (b) exact: the 17 GEMMs one training step runs, in the layouts LibTorch's Linear runs them
//       (forward addmm(b, X, W^T); backward dX = dY W for all but the first layer, dW = dY^T X), timed
//       back to back; the limit is batch / that time. Backward layouts run faster here than the
//       forward ones, so (b) is the higher, stricter limit.
//   One 1024^3 square is timed once for reference.
//
// Usage: bench_training_throughput [--threads T] [--rounds R] [--steps N] [--warmup W] [--batch B]
//                                  [--python /usr/bin/python3] [--script path/to/pytorch_vae_reference.py]
//                                  [--pytorch-default-malloc] [--ours-only]
#include <torch/torch.h>

#include <algorithm>
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

#include "config/preset.h"
#include "core/error.h"
#include "core/heap_retention.h"
#include "models/registry.h"
#include "optim/fused_adam.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int rounds = 4;
  int steps = 200;
  int warmup = 20;
  int batch = 128;
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
    else if (a == "--python") o.python = value();
    else if (a == "--script") o.script = value();
    else if (a == "--pytorch-default-malloc") o.pytorch_default_malloc = true;
    else if (a == "--ours-only") o.ours_only = true;
    else throw std::runtime_error("unknown argument " + a);
  }
  return o;
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

// GFLOP/s of torch::mm on the model's forward shapes (batch x in) * (in x out), run back to back.
double sgemm_model_shapes(int batch) {
  std::vector<torch::Tensor> a, b;
  for (auto [in, out] : kLayers) {
    a.push_back(torch::rand({batch, in}));
    b.push_back(torch::rand({in, out}));
  }
  auto pass = [&] {
    for (size_t i = 0; i < a.size(); ++i) {
      auto c = torch::mm(a[i], b[i]);
    }
  };
  for (int i = 0; i < 20; ++i) pass();
  const double flops_per_pass = forward_flops_per_sample() * batch;
  int reps = 0;
  auto t0 = Clock::now();
  while (seconds_since(t0) < 1.0 || reps < 50) {
    pass();
    ++reps;
  }
  return flops_per_pass * reps / seconds_since(t0) / 1e9;
}

// Seconds for the GEMMs of one training step, in Linear's layouts (see (b) above), run back to back.
double step_gemm_seconds(int batch) {
  std::vector<torch::Tensor> x, w, b, dy;
  for (auto [in, out] : kLayers) {
    x.push_back(torch::rand({batch, in}));
    w.push_back(torch::rand({out, in}));
    b.push_back(torch::rand({out}));
    dy.push_back(torch::rand({batch, out}));
  }
  auto pass = [&] {
    for (size_t i = 0; i < kLayers.size(); ++i) {
      torch::addmm(b[i], x[i], w[i].t());        // forward
      if (i > 0) torch::mm(dy[i], w[i]);          // input gradient (the data needs none)
      torch::mm(dy[i].t(), x[i]);                 // weight gradient
    }
  };
  for (int i = 0; i < 20; ++i) pass();
  int reps = 0;
  auto t0 = Clock::now();
  while (seconds_since(t0) < 1.0 || reps < 50) {
    pass();
    ++reps;
  }
  return seconds_since(t0) / reps;
}

double sgemm_square(int64_t n) {
  auto a = torch::rand({n, n}), b = torch::rand({n, n});
  for (int i = 0; i < 3; ++i) torch::mm(a, b);
  int reps = 0;
  auto t0 = Clock::now();
  while (seconds_since(t0) < 1.0 || reps < 5) {
    auto c = torch::mm(a, b);
    ++reps;
  }
  return 2.0 * n * n * n * reps / seconds_since(t0) / 1e9;
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
    model->train();
    optimizer = std::make_unique<vaelab::FusedAdam>(model->trainable_parameters(),
                                                     torch::optim::AdamOptions(preset.optimizer.lr));
    batch.x = torch::rand({batch_size, 1, 28, 28});
  }

  void train_step() {
    vaelab::StepInfo info{step, 0};
    optimizer->zero_grad();
    auto terms = model->loss(batch, info);
    terms.total.backward();
    optimizer->step();
    model->after_step(batch, info, terms);
    ++step;
  }

  double samples_per_second(int warmup, int steps) {
    for (int i = 0; i < warmup; ++i) train_step();
    auto t0 = Clock::now();
    for (int i = 0; i < steps; ++i) train_step();
    return static_cast<double>(steps) * batch.x.size(0) / seconds_since(t0);
  }
};

// Runs cmd, parses the JSON line it prints, returns its "samples_per_second".
double samples_per_second_of(const std::string& cmd) {
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + cmd);
  std::string out;
  char buf[512];
  while (fgets(buf, sizeof buf, pipe)) out += buf;
  const int rc = pclose(pipe);
  if (rc != 0) throw std::runtime_error("'" + cmd + "' failed (status " + std::to_string(rc) + ")");
  return nlohmann::json::parse(out).at("samples_per_second").get<double>();
}

std::string step_arguments(const Options& o) {
  return " --threads " + std::to_string(o.threads) + " --batch " + std::to_string(o.batch) + " --steps " +
         std::to_string(o.steps) + " --warmup " + std::to_string(o.warmup);
}

double torch_reference(const Options& o) {
  // By default PyTorch runs with the same glibc heap settings our engine applies (the environment
  // variables equivalent to core/heap_retention.cpp's mallopt calls), so the two differ only in code.
  const std::string env = o.pytorch_default_malloc
                              ? ""
                              : "MALLOC_MMAP_THRESHOLD_=" + std::to_string(vaelab::kHeapMmapThreshold) +
                                    " MALLOC_TRIM_THRESHOLD_=" + std::to_string(vaelab::kHeapTrimThreshold) +
                                    " MALLOC_TOP_PAD_=" + std::to_string(vaelab::kHeapTopPad) + " ";
  return samples_per_second_of(env + o.python + " '" + o.script + "'" + step_arguments(o));
}

double ours_in_fresh_process(const Options& o) {
  static const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();  // not the shell's
  return samples_per_second_of("'" + self + "' --ours-only" + step_arguments(o));
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
    if (o.ours_only) {
      Ours ours(o.batch);
      std::printf("{\"samples_per_second\": %.3f}\n", ours.samples_per_second(o.warmup, o.steps));
      return 0;
    }
    std::printf("training throughput, fashion-vae (MLP 784-512-256-2x20, Bernoulli, Adam 1e-3), batch %d, "
                "%d threads, %d rounds of %d steps (+%d warm-up)\n",
                o.batch, o.threads, o.rounds, o.steps, o.warmup);
    std::printf("heap: ours retains freed memory (core/heap_retention.h); pytorch %s\n",
                o.pytorch_default_malloc ? "with glibc's default malloc settings (--pytorch-default-malloc)"
                                         : "with the same settings (MALLOC_*_ environment variables)");

    vaelab::retain_freed_heap_memory();  // the limits are measured under the same heap settings
    std::vector<double> ours_rates, torch_rates, sgemm_rates, exact_limits;
    for (int r = 0; r < o.rounds; ++r) {
      // sgemm, ours, torch in every round: a busy machine slows all three alike.
      sgemm_rates.push_back(sgemm_model_shapes(o.batch));
      exact_limits.push_back(o.batch / step_gemm_seconds(o.batch));
      ours_rates.push_back(ours_in_fresh_process(o));
      torch_rates.push_back(torch_reference(o));
      std::printf("  round %d: sgemm %6.1f GFLOP/s   step GEMMs %8.0f samples/s   ours %8.0f samples/s   "
                  "pytorch %8.0f samples/s\n",
                  r + 1, sgemm_rates.back(), exact_limits.back(), ours_rates.back(), torch_rates.back());
      std::fflush(stdout);
    }
    const double sgemm = median(sgemm_rates);
    const double square = sgemm_square(1024);

    const double flops_per_sample = 3.0 * forward_flops_per_sample();
    const double limit = sgemm * 1e9 / flops_per_sample;
    const double ours_rate = median(ours_rates), torch_rate = median(torch_rates);
    std::printf("sgemm, model shapes (batch %d, median): %.1f GFLOP/s; 1024^3 square: %.1f GFLOP/s\n", o.batch,
                sgemm, square);
    std::printf("flops per sample = 3 x 2 x sum(in x out) = %.0f (forward %.0f)\n", flops_per_sample,
                forward_flops_per_sample());
    const double exact = median(exact_limits);
    std::printf("sgemm-bound limit: (a) %.0f samples/s (model-shape rate), %.0f samples/s (square rate); "
                "(b) %.0f samples/s (the step's own GEMMs)\n",
                limit, square * 1e9 / flops_per_sample, exact);
    std::printf("ours    (median): %.0f samples/s\n", ours_rate);
    std::printf("pytorch (median): %.0f samples/s\n", torch_rate);
    std::printf("ours / pytorch: %.3f\n", ours_rate / torch_rate);
    std::printf("ours / sgemm-bound limit: (a) %.3f   (b) %.3f\n", ours_rate / limit, ours_rate / exact);
    std::printf("pytorch / sgemm-bound limit: (a) %.3f   (b) %.3f\n", torch_rate / limit, torch_rate / exact);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_training_throughput: error: %s\n", e.what());
    return 1;
  }
}
