// Training throughput of the many-op variants in our engine against their PyTorch twins
// (tools/vaelab_twins/), and where a step of ours goes.
//
// [SECTION] What is compared
// - Each case is a preset with --set overrides (cases() below): ph-vae (S = 5), hebae, noise-vae with
//   MoG-2 noise, mog-vae with an mlp trunk and with its ResNet trunk (both with the PatchGAN), factor-vae
//   and vade.
// - Ours: the preset -> ModelSpec (the data shape from the dataset's name, no data loaded) -> make_model,
//   the optimiser the trainer makes (optim/make_optimizer.h: the one-pass Adam) over
//   trainable_parameters(), the trainer's heap settings (core/heap_retention.h). One step =
//   gradients released (the trainer's optim/released_gradients.h), Model::loss, backward, optimiser step,
//   Model::after_step (discriminator steps), on a fixed synthetic batch (uniform [0, 1) inputs in the
//   data shape; uniform labels when the data set has classes).
// - PyTorch: bench/pytorch_variant_step.py under /usr/bin/python3 (Debian's python3-torch: the same
//   LibTorch build and BLAS) builds the twin from the same ModelSpec JSON and times
//   zero_grad(set_to_none=True) (PyTorch 2's default, equivalent to ours; --pytorch-zero-grad zeros gives
//   torch 1.13's default, a fill and an add more per step) + training_loss + backward + torch.optim step +
//   after_step, with the preset's optimiser settings, on the same kind of batch, with the same threads,
//   batch size, step count and glibc heap settings
//   (MALLOC_*_ variables equal to our mallopt calls).
// - The steady-state step is timed: both sides count steps from kFirstStep (past every preset's warm-up:
//   KL ramps, the noise VAE's single-Gaussian phase) and ours runs at epoch kFirstEpoch (past VaDE's
//   pre-training: its first warm-up step fits the GMM on that batch's codes; the twin is fitted on the
//   batch's encoder means before its warm-up). Warm-up steps (>= 1: optimisers and discriminator
//   optimisers create their state lazily) are not timed.
// - Rounds alternate (ours, PyTorch, ours, ...), each side in a fresh process every round (ours: this
//   program re-run with --ours-only), as bench_training_throughput does: on this VM a process lands in a
//   fast or a slow mode for its whole life. Medians over the rounds are reported.
// - Each process times its steps in kWindows consecutive windows and reports the whole run and its
//   fastest window: on a shared 2-core machine another process's burst of load stalls a 2-thread step
//   many times over (OpenMP's barriers wait for the descheduled thread), and the fastest window is the
//   figure least touched by that. The round lines print the load average.
// - Where a step goes, on both sides, from the timed loop itself (clock reads between the phases; on the
//   CPU nothing is queued, so the phases are exact): forward + loss, backward, optimiser, after_step, in
//   the fastest window.
// - A case whose twin does not exist yet (or raises NotImplementedError) is skipped with one line.
//
// Usage: bench_variant_throughput [--threads T] [--rounds R] [--steps N | --seconds S] [--warmup W]
//                                 [--batch B] [--variants a,b,c] [--python /usr/bin/python3]
//                                 [--script path/to/pytorch_variant_step.py] [--seed S] [--list]
//                                 [--trace-dir DIR] [--pytorch-zero-grad none|zeros] [--ours-only [--trace FILE]]
//   --steps 0 (default): steps per round chosen per case so that ours takes about --seconds (default 2)
//   per round, from a few steps of ours timed in this process. --batch 0 (default): each preset's own.
//   --trace-dir DIR: after the rounds, one more process per side and case whose steps, after the timed
//   ones, run under the autograd profiler (LibTorch's RecordProfile; torch.autograd.profiler), written as
//   DIR/<case>-ours.json and DIR/<case>-pytorch.json chrome traces: op by op, where the steps differ; then
//   the GEMMs' and convolutions' share of each step and two ceilings, the most that removing all our other
//   work could give: PyTorch's measured step over our GEMMs and convolutions plus the main optimiser's Adam
//   at its memory-traffic floor (adam_traffic_floor.h), and the same with PyTorch's own GEMM and
//   convolution times. The traced processes are not the timed ones: on this VM each process runs in a fast
//   or a slow mode, so a ceiling carries that difference (about ±15%).
#include <torch/csrc/autograd/profiler.h>
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "adam_traffic_floor.h"
#include "core/heap_retention.h"
#include "data/dataset_registry.h"
#include "data/shapes.h"
#include "models/registry.h"
#include "optim/make_optimizer.h"
#include "optim/released_gradients.h"
#include "train/preset.h"

namespace {

// [SECTION] cases and options
using Clock = std::chrono::steady_clock;

constexpr int64_t kFirstStep = 100000;  // past every warm-up (ph-vae 300, noise-vae 300, factor-vae 500)
constexpr int64_t kFirstEpoch = 1000;   // past VaDE's pre-training epochs
constexpr double kGoal = 1.3;           // ours / PyTorch, the issue's goal
constexpr int kWindows = 5;             // timed windows per process (the fastest is reported too)

struct Case {
  std::string name;
  std::string preset;
  std::vector<std::string> sets;  // --set overrides on the preset
  std::string timed;              // what a step holds beyond loss + backward + the main optimiser
};

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      {"ph-vae", "ph-vae-mnist", {"options.orders=5"}, "S = 5 encoders on x^1..x^5"},
      {"hebae", "hebae-mnist", {}, "batch empirical prior (H x H covariance, Cholesky) in the loss"},
      {"noise-vae-mog2", "noise-vae-mnist-mog2", {}, "one EM update of pi_k, sigma_k^2 in the loss (past warm-up)"},
      {"mog-vae-mlp",
       "mog-vae-fashion",
       {R"(architecture={"type":"mlp","hidden":[512,256],"activation":"relu"})"},
       "after_step: one PatchGAN step (its own Adam)"},
      {"mog-vae-resnet", "mog-vae-fashion", {}, "ResNetV2 trunk; after_step: one PatchGAN step (its own Adam)"},
      {"factor-vae", "factor-vae-shapes", {}, "TC through D in the loss; after_step: one D step (its own Adam)"},
      // The prior's initialisation is not timed; kmeans without refinement keeps it to a moment.
      {"vade", "vade-mnist", {"options.init=kmeans", "options.init_refine_steps=0"},
       "the ELBO with the GMM prior (after pre-training; the GMM fit itself untimed)"},
  };
  return all;
}

const Case& case_named(const std::string& name) {
  for (const auto& c : cases())
    if (c.name == name) return c;
  std::string known;
  for (const auto& c : cases()) known += (known.empty() ? "" : ", ") + c.name;
  throw std::runtime_error("unknown variant case '" + name + "' (known: " + known + ")");
}

struct Options {
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int rounds = 3;
  int steps = 0;         // 0: per case, about `seconds` of ours per round
  double seconds = 2.0;
  int warmup = 10;
  int batch = 0;         // 0: each preset's batch size
  uint64_t seed = 1;
  std::vector<std::string> variants;  // empty: every case
  std::string python = "/usr/bin/python3";
  std::string script = std::string(VAELAB_SOURCE_ASSETS) + "/../bench/pytorch_variant_step.py";
  std::string pytorch_zero_grad = "none";  // the twin's zero_grad: none (set_to_none=True) | zeros
  bool ours_only = false;  // one measurement of ours (one case in --variants), printed as JSON
  bool list = false;
  std::string trace_dir;  // non-empty: after the rounds, a chrome trace of each side's steps per case
  std::string trace;      // --ours-only: where to write that trace
};

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

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
    else if (a == "--seconds") o.seconds = std::stod(value());
    else if (a == "--warmup") o.warmup = std::stoi(value());
    else if (a == "--batch") o.batch = std::stoi(value());
    else if (a == "--seed") o.seed = std::stoull(value());
    else if (a == "--variants") o.variants = split_commas(value());
    else if (a == "--python") o.python = value();
    else if (a == "--script") o.script = value();
    else if (a == "--ours-only") o.ours_only = true;
    else if (a == "--trace-dir") o.trace_dir = value();
    else if (a == "--pytorch-zero-grad") o.pytorch_zero_grad = value();
    else if (a == "--trace") o.trace = value();
    else if (a == "--list") o.list = true;
    else throw std::runtime_error("unknown argument " + a);
  }
  if (o.warmup < 1) throw std::runtime_error("--warmup: at least 1 (the first step does one-time work)");
  if (o.pytorch_zero_grad != "none" && o.pytorch_zero_grad != "zeros")
    throw std::runtime_error("--pytorch-zero-grad: none or zeros");
  if (o.rounds < 1 || o.steps < 0 || o.batch < 0 || o.threads < 1) throw std::runtime_error("bad --rounds/--steps/--batch/--threads");
  for (const auto& v : o.variants) case_named(v);  // fails early on a typo
  if (o.variants.empty())
    for (const auto& c : cases()) o.variants.push_back(c.name);
  if (o.ours_only && o.variants.size() != 1) throw std::runtime_error("--ours-only: name one case in --variants");
  return o;
}

// [SECTION] the model of a case
struct Setup {
  vaelab::Preset preset;
  vaelab::ModelSpec spec;  // with the data shape and classes
  int64_t batch = 0;
};

// The shape and class count of a preset's data set, without loading the big ones.
void fill_data_shape(const nlohmann::json& dataset, vaelab::ModelSpec& spec) {
  const std::string name = dataset.value("name", "");
  if (name == "mnist" || name == "fashion-mnist") {
    spec.shape = vaelab::DataShape{1, 28, 28, 0};
    spec.num_classes = 10;
  } else if (name == "shapes") {
    spec.shape = vaelab::DataShape{1, vaelab::kShapesImageSide, vaelab::kShapesImageSide, 0};
    spec.num_classes = 3;  // square, ellipse, heart
  } else {
    const auto split = vaelab::load_dataset(dataset);
    spec.shape = split.train.shape;
    spec.num_classes = split.train.num_classes();
  }
}

Setup setup_of(const Case& c, int batch_override) {
  auto j = vaelab::read_preset_json(c.preset);
  for (const auto& s : c.sets) vaelab::apply_override(j, s);
  Setup s;
  s.preset = vaelab::Preset::from_json(j);
  s.spec = s.preset.model;
  fill_data_shape(s.preset.dataset, s.spec);
  s.batch = batch_override > 0 ? batch_override : s.preset.batch_size;
  return s;
}

// Seconds per step in each phase: forward + loss, backward, optimiser, after_step.
using Phases = std::array<double, 4>;
const std::array<const char*, 4> kPhaseNames = {"forward_loss", "backward", "optimiser", "after_step"};

struct Ours {
  std::shared_ptr<vaelab::Model> model;
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  vaelab::Batch batch;
  int64_t step = kFirstStep;

  Ours(const Setup& s, uint64_t seed) {
    vaelab::retain_freed_heap_memory();  // as the trainer does
    torch::manual_seed(seed);
    model = vaelab::make_model(s.spec);
    model->train();
    optimizer = vaelab::make_optimizer(s.preset.optimizer, model->trainable_parameters());
    batch.x = torch::rand(s.spec.shape.batch_shape(s.batch));
    if (s.spec.num_classes > 0) batch.y = torch::randint(s.spec.num_classes, {s.batch}, torch::kLong);
  }

  // One training step as the trainer runs it; with phases, adds each phase's seconds.
  void train_step(Phases* phases = nullptr) {
    const vaelab::StepInfo info{step, kFirstEpoch};
    const auto t0 = Clock::now();
    vaelab::ReleasedGradients released(*optimizer);  // as the trainer clears them
    auto terms = model->loss(batch, info);
    const auto t1 = Clock::now();
    terms.total.backward();
    released.restore_missing();
    const auto t2 = Clock::now();
    optimizer->step();
    const auto t3 = Clock::now();
    model->after_step(batch, info, terms);
    if (phases) {
      const auto t4 = Clock::now();
      (*phases)[0] += std::chrono::duration<double>(t1 - t0).count();
      (*phases)[1] += std::chrono::duration<double>(t2 - t1).count();
      (*phases)[2] += std::chrono::duration<double>(t3 - t2).count();
      (*phases)[3] += std::chrono::duration<double>(t4 - t3).count();
    }
    ++step;
  }

  int64_t parameter_count() {
    int64_t n = 0;
    for (const auto& p : model->trainable_parameters()) n += p.numel();
    return n;
  }
};

// [SECTION] measurements in fresh processes
struct Measurement {
  double rate = 0;         // samples/s over all timed steps
  Phases ms{0, 0, 0, 0};   // per step, over all timed steps
  double best_rate = 0;    // samples/s of the fastest window
  Phases best_ms{0, 0, 0, 0};  // per step in the fastest window
  int64_t parameters = 0;  // in the main optimiser
  std::string skipped;     // non-empty: why the PyTorch side did not run
};

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

// Runs cmd and parses the last line it prints as JSON.
nlohmann::json json_of(const std::string& cmd) {
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + cmd);
  std::string out;
  char buf[4096];
  while (fgets(buf, sizeof buf, pipe)) out += buf;
  const int rc = pclose(pipe);
  if (rc != 0) throw std::runtime_error("'" + cmd.substr(0, 200) + "...' failed (status " + std::to_string(rc) + ")");
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  const auto nl = out.rfind('\n');
  return nlohmann::json::parse(nl == std::string::npos ? out : out.substr(nl + 1));
}

Measurement measurement_from(const nlohmann::json& j) {
  Measurement m;
  if (j.contains("skipped")) {
    m.skipped = j.at("skipped").get<std::string>();
    return m;
  }
  m.parameters = j.value("parameters", int64_t{0});
  if (!j.contains("samples_per_second")) return m;  // a probe
  m.rate = j.at("samples_per_second").get<double>();
  const auto& best = j.at("fastest_window");
  m.best_rate = best.at("samples_per_second").get<double>();
  for (size_t k = 0; k < kPhaseNames.size(); ++k) {
    m.ms[k] = j.at("phases_ms").at(kPhaseNames[k]).get<double>();
    m.best_ms[k] = best.at("phases_ms").at(kPhaseNames[k]).get<double>();
  }
  return m;
}

std::string common_arguments(const Options& o, int64_t batch, int steps) {
  return " --threads " + std::to_string(o.threads) + " --batch " + std::to_string(batch) + " --steps " +
         std::to_string(steps) + " --warmup " + std::to_string(o.warmup) + " --seed " + std::to_string(o.seed);
}

Measurement torch_side(const Options& o, const Setup& s, int steps, bool probe, const std::string& trace = "") {
  // The glibc heap settings our engine applies, as the variables equivalent to its mallopt calls.
  const std::string env = "MALLOC_MMAP_THRESHOLD_=" + std::to_string(vaelab::kHeapMmapThreshold) +
                          " MALLOC_TRIM_THRESHOLD_=" + std::to_string(vaelab::kHeapTrimThreshold) +
                          " MALLOC_TOP_PAD_=" + std::to_string(vaelab::kHeapTopPad) + " ";
  return measurement_from(json_of(env + shell_quote(o.python) + " " + shell_quote(o.script) + " --spec " +
                                  shell_quote(s.spec.to_json().dump()) + " --optimizer " +
                                  shell_quote(s.preset.optimizer.to_json().dump()) + " --first-step " +
                                  std::to_string(kFirstStep) + " --zero-grad " + shell_quote(o.pytorch_zero_grad) +
                                  common_arguments(o, s.batch, steps) +
                                  (probe ? " --probe" : "") + (trace.empty() ? "" : " --trace " + shell_quote(trace))));
}

Measurement ours_in_fresh_process(const Options& o, const Case& c, const Setup& s, int steps,
                                  const std::string& trace = "") {
  static const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();  // not the shell's
  return measurement_from(json_of(shell_quote(self) + " --ours-only --variants " + c.name +
                                  common_arguments(o, s.batch, steps) +
                                  (trace.empty() ? "" : " --trace " + shell_quote(trace))));
}

// --ours-only: warm-up, then `steps` timed steps, printed as one JSON line.
// The timed steps run in kWindows consecutive windows; besides the whole run, the fastest window is
// reported (pytorch_variant_step.py does the same).
void run_ours_only(const Options& o) {
  const Case& c = case_named(o.variants.front());
  const Setup s = setup_of(c, o.batch);
  Ours ours(s, o.seed);
  for (int i = 0; i < o.warmup; ++i) ours.train_step();
  const int steps = o.steps > 0 ? o.steps : 20;
  const int windows = std::min(kWindows, steps);
  auto phases_json = [](const Phases& t, int n) {
    nlohmann::json j;
    for (size_t k = 0; k < kPhaseNames.size(); ++k) j[kPhaseNames[k]] = 1e3 * t[k] / n;
    return j;
  };
  Phases all{0, 0, 0, 0};
  double seconds = 0, best_rate = 0;
  nlohmann::json best_phases;
  for (int w = 0; w < windows; ++w) {
    const int n = steps / windows + (w < steps % windows ? 1 : 0);
    Phases t{0, 0, 0, 0};
    const auto t0 = Clock::now();
    for (int i = 0; i < n; ++i) ours.train_step(&t);
    const double dt = std::chrono::duration<double>(Clock::now() - t0).count();
    seconds += dt;
    for (size_t k = 0; k < t.size(); ++k) all[k] += t[k];
    if (static_cast<double>(n) * s.batch / dt > best_rate) {
      best_rate = static_cast<double>(n) * s.batch / dt;
      best_phases = phases_json(t, n);
    }
  }
  const nlohmann::json out = {{"samples_per_second", static_cast<double>(steps) * s.batch / seconds},
                              {"steps", steps},
                              {"seconds", seconds},
                              {"parameters", ours.parameter_count()},
                              {"phases_ms", phases_json(all, steps)},
                              {"fastest_window", {{"samples_per_second", best_rate}, {"phases_ms", best_phases}}}};
  if (!o.trace.empty()) {
    // LibTorch's profiler over `steps` more steps: every op with its inclusive time, as a chrome trace.
    torch::autograd::profiler::RecordProfile profile(o.trace);
    for (int i = 0; i < steps; ++i) ours.train_step();
  }
  std::printf("%s\n", out.dump().c_str());
}

// Steps per round so that ours takes about `seconds`: a few steps of ours timed here.
int calibrated_steps(const Options& o, const Setup& s) {
  Ours ours(s, o.seed);
  for (int i = 0; i < 2; ++i) ours.train_step();
  int n = 0;
  const auto t0 = Clock::now();
  double elapsed = 0;
  while (n < 3 || elapsed < 0.3) {
    ours.train_step();
    ++n;
    elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  }
  return static_cast<int>(std::clamp(std::lround(o.seconds * n / elapsed), 10L, 100000L));
}

// The machine's 1-minute load average (/proc/loadavg), printed with the figures: on a shared machine other
// processes' load changes both sides' rates (the ratio less so: the sides alternate).
std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  return in >> one ? one : "?";
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

Phases median_phases(const std::vector<Measurement>& ms, Phases Measurement::*which) {
  Phases out{0, 0, 0, 0};
  for (size_t k = 0; k < out.size(); ++k) {
    std::vector<double> v;
    for (const auto& m : ms) v.push_back((m.*which)[k]);
    out[k] = median(v);
  }
  return out;
}

// [SECTION] the table
struct Result {
  const Case* c = nullptr;
  int64_t batch = 0;
  int steps = 0;
  std::string skipped, failed;
  int64_t ours_parameters = 0, torch_parameters = 0;
  double ours_rate = 0, torch_rate = 0;            // medians over the rounds of whole runs
  double ours_best_rate = 0, torch_best_rate = 0;  // medians over the rounds of the fastest windows
  Phases ours_ms{0, 0, 0, 0}, torch_ms{0, 0, 0, 0};  // of the fastest windows
};

std::string describe_case(const Case& c) {
  std::string s = c.preset;
  for (const auto& set : c.sets) s += " --set " + set;
  return s;
}

double total(const Phases& p) { return p[0] + p[1] + p[2] + p[3]; }

void print_phase_row(const char* variant, const char* side, const Phases& p) {
  std::printf("  %-16s %-8s %9.2f %9.2f %9.2f %10.2f %9.2f\n", variant, side, p[0], p[1], p[2], p[3], total(p));
}

void print_tables(const std::vector<Result>& results, const Options& o) {
  std::printf("\ncases (preset and overrides; batch; steps per round; parameters in the main optimiser, ours / "
              "PyTorch's)\n");
  for (const auto& r : results) {
    std::printf("  %-16s %s\n", r.c->name.c_str(), describe_case(*r.c).c_str());
    if (!r.skipped.empty()) {
      std::printf("  %-16s skipped: %s\n", "", r.skipped.c_str());
      continue;
    }
    if (!r.failed.empty()) {
      std::printf("  %-16s failed: %s\n", "", r.failed.c_str());
      continue;
    }
    std::printf("  %-16s batch %lld, %d steps x %d rounds; parameters %lld / %lld%s; timed: %s\n", "",
                static_cast<long long>(r.batch), r.steps, o.rounds, static_cast<long long>(r.ours_parameters),
                static_cast<long long>(r.torch_parameters),
                r.ours_parameters != r.torch_parameters ? " (DIFFER)" : "", r.c->timed.c_str());
  }

  std::printf("\nthroughput, samples/s (medians of %d rounds, %d threads): whole runs, and each process's fastest of %d "
              "windows (less touched by other processes' bursts of load)\n",
              o.rounds, o.threads, kWindows);
  std::printf("  %-16s %9s %9s %7s | %9s %9s %7s | %5s\n", "variant", "ours", "pytorch", "ratio", "ours", "pytorch",
              "ratio", "goal");
  for (const auto& r : results) {
    if (!r.skipped.empty() || !r.failed.empty()) {
      std::printf("  %-16s %9s %9s %7s | %9s %9s %7s | %5.1f  (%s)\n", r.c->name.c_str(), "-", "-", "-", "-", "-",
                  "-", kGoal, r.skipped.empty() ? "failed" : "skipped: no twin");
      continue;
    }
    const double ratio = r.ours_rate / r.torch_rate, best = r.ours_best_rate / r.torch_best_rate;
    std::printf("  %-16s %9.0f %9.0f %7.2f | %9.0f %9.0f %7.2f | %5.1f  %s\n", r.c->name.c_str(), r.ours_rate,
                r.torch_rate, ratio, r.ours_best_rate, r.torch_best_rate, best, kGoal,
                ratio >= kGoal ? "met" : "BELOW");
  }

  std::printf("\nwhere a step goes (ms per step in the fastest window, median of the rounds; clock reads between "
              "the phases of the measured steps)\n");
  std::printf("  %-16s %-8s %9s %9s %9s %10s %9s\n", "variant", "side", "fwd+loss", "backward", "optimiser",
              "after_step", "total");
  for (const auto& r : results) {
    if (!r.skipped.empty() || !r.failed.empty()) continue;
    print_phase_row(r.c->name.c_str(), "ours", r.ours_ms);
    print_phase_row("", "pytorch", r.torch_ms);
  }

  bool any_below = false;
  for (const auto& r : results) {
    if (!r.skipped.empty() || !r.failed.empty()) continue;
    const double ratio = r.ours_rate / r.torch_rate;
    if (ratio >= kGoal) continue;
    if (!any_below) std::printf("\nbelow the goal of %.1fx: where ours' step goes\n", kGoal);
    any_below = true;
    const double t = total(r.ours_ms);
    std::printf("  %-16s %.2fx (fastest windows %.2fx): ours %.2f ms =", r.c->name.c_str(), ratio,
                r.ours_best_rate / r.torch_best_rate, t);
    for (size_t k = 0; k < r.ours_ms.size(); ++k)
      std::printf(" %s %.2f (%.0f%%)%s", kPhaseNames[k], r.ours_ms[k], 100 * r.ours_ms[k] / t,
                  k + 1 < r.ours_ms.size() ? "," : "");
    // What the goal asks of this step, and where ours already differs from PyTorch's.
    const double target = total(r.torch_ms) / kGoal;
    std::printf("; the goal needs <= %.2f ms (PyTorch's %.2f / %.1f), %.2f ms less; ours - PyTorch per phase:",
                target, total(r.torch_ms), kGoal, t - target);
    for (size_t k = 0; k < r.ours_ms.size(); ++k)
      std::printf(" %+.2f%s", r.ours_ms[k] - r.torch_ms[k], k + 1 < r.ours_ms.size() ? "," : "\n");
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    torch::set_num_threads(o.threads);
    if (o.list) {
      for (const auto& c : cases()) std::printf("%-16s %s\n", c.name.c_str(), describe_case(c).c_str());
      return 0;
    }
    if (o.ours_only) {
      run_ours_only(o);
      return 0;
    }
    vaelab::retain_freed_heap_memory();  // the calibration steps run under the trainer's settings too
    std::printf("variant training throughput: ours against the PyTorch twins (tools/vaelab_twins), %d threads, "
                "%d rounds, %s, warm-up %d steps; each side in a fresh process per round, alternating; steps "
                "counted from %lld (past warm-ups), epoch %lld; same glibc heap settings on both sides\n",
                o.threads, o.rounds,
                o.steps > 0 ? fmt::format("{} steps", o.steps).c_str()
                            : fmt::format("steps sized to ~{:g} s of ours", o.seconds).c_str(),
                o.warmup, static_cast<long long>(kFirstStep), static_cast<long long>(kFirstEpoch));
    std::printf("1-minute load average at the start: %s (%u CPUs)\n", load_average().c_str(),
                std::thread::hardware_concurrency());
    std::fflush(stdout);

    std::vector<Result> results;
    for (const auto& name : o.variants) {
      Result r;
      r.c = &case_named(name);
      try {
        const Setup s = setup_of(*r.c, o.batch);
        r.batch = s.batch;
        const auto probe = torch_side(o, s, 1, /*probe=*/true);
        if (!probe.skipped.empty()) {
          r.skipped = probe.skipped;
          std::printf("skip %s: %s\n", name.c_str(), probe.skipped.c_str());
          std::fflush(stdout);
          results.push_back(r);
          continue;
        }
        r.steps = o.steps > 0 ? o.steps : calibrated_steps(o, s);
        std::vector<Measurement> ours, theirs;
        std::vector<double> ours_rates, torch_rates;
        for (int round = 0; round < o.rounds; ++round) {
          ours.push_back(ours_in_fresh_process(o, *r.c, s, r.steps));
          theirs.push_back(torch_side(o, s, r.steps, /*probe=*/false));
          if (!theirs.back().skipped.empty()) throw std::runtime_error("PyTorch side: " + theirs.back().skipped);
          ours_rates.push_back(ours.back().rate);
          torch_rates.push_back(theirs.back().rate);
          std::printf("  %s round %d: ours %.0f samples/s (fastest window %.0f), pytorch %.0f (%.0f); load %s\n",
                      name.c_str(), round + 1, ours.back().rate, ours.back().best_rate, theirs.back().rate,
                      theirs.back().best_rate, load_average().c_str());
          std::fflush(stdout);
        }
        r.ours_parameters = ours.back().parameters;
        r.torch_parameters = theirs.back().parameters;
        r.ours_rate = median(ours_rates);
        r.torch_rate = median(torch_rates);
        std::vector<double> ours_best, torch_best;
        for (const auto& m : ours) ours_best.push_back(m.best_rate);
        for (const auto& m : theirs) torch_best.push_back(m.best_rate);
        r.ours_best_rate = median(ours_best);
        r.torch_best_rate = median(torch_best);
        r.ours_ms = median_phases(ours, &Measurement::best_ms);
        r.torch_ms = median_phases(theirs, &Measurement::best_ms);
      } catch (const std::exception& e) {
        r.failed = e.what();
        std::printf("failed %s: %s\n", name.c_str(), e.what());
        std::fflush(stdout);
      }
      results.push_back(r);
    }
    std::printf("1-minute load average at the end: %s\n", load_average().c_str());
    print_tables(results, o);
    if (!o.trace_dir.empty()) {
      std::filesystem::create_directories(o.trace_dir);
      for (const auto& r : results) {
        if (!r.skipped.empty() || !r.failed.empty()) continue;
        const Setup s = setup_of(*r.c, o.batch);
        const std::string base = (std::filesystem::path(o.trace_dir) / r.c->name).string();
        ours_in_fresh_process(o, *r.c, s, r.steps, base + "-ours.json");
        torch_side(o, s, r.steps, /*probe=*/false, base + "-pytorch.json");
        std::printf("\n%s: ops by self time under the profiler (%s-ours.json, %s-pytorch.json)\n", r.c->name.c_str(),
                    base.c_str(), base.c_str());
        std::fflush(stdout);
        const std::string cmd = shell_quote(o.python) + " " + shell_quote(o.script) + " --compare-traces " +
                                shell_quote(base + "-ours.json") + " " + shell_quote(base + "-pytorch.json") +
                                " --steps " + std::to_string(r.steps) +
                                fmt::format(" --pytorch-step-ms {:.3f} --adam-floor-ms {:.3f}", total(r.torch_ms),
                                            1e3 * vaelab_bench::adam_traffic_seconds(r.ours_parameters));
        if (std::system(cmd.c_str()) != 0) std::printf("    (could not compare the traces)\n");
      }
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_variant_throughput: error: %s\n", e.what());
    return 1;
  }
}
