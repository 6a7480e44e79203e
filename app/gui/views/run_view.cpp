// The run view: what is being trained (dataset, variant, architecture, hyper-parameters, device), the
// training controls, progress, checkpoints, the preset editor (validated as you type), the model-health
// panel (run_view_health.cpp) and a live strip of probe inputs and their reconstructions.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <map>

#include "core/error.h"
#include "core/main_thread_tasks.h"
#include "model_health_monitor.h"
#include "models/torchscript_model.h"
#include "session/session.h"
#include "views/run_view_health.h"
#include "views/view.h"
#include "widgets/image_grid.h"

namespace vaelab {
namespace gui {
namespace {

// What each option means in its paper; shown as the tooltip of the option's field.
const std::map<std::string, const char*>& option_meanings() {
  static const std::map<std::string, const char*> m = {
      {"beta", "beta: weight of the KL term (beta-VAE, Higgins et al. 2017); 1 = the plain VAE ELBO, >1 trades "
               "reconstruction for a more factorised code"},
      {"A", "A: sampling amplitude of PH-VAE, z = mu + A sigma eps (default 1)"},
      {"S", "S: polynomial order of PH-VAE; the encoder sees x^1..x^S and the loss averages the S KL terms "
            "(S = 1 is the plain VAE)"},
      {"lambda", "lambda: weight of the regulariser (HEBAE empirical-Bayes KL, default 1; WAE-MMD MMD^2, default 10)"},
      {"gamma", "gamma: weight of the total-correlation penalty in FactorVAE (Kim & Mnih 2018)"},
      {"beta1", "beta1: weight of KL_G, the Gaussian-mixture posterior KL (How to train your VAE, default 1)"},
      {"beta2", "beta2: weight of KL_I (default 0.5)"},
      {"beta3", "beta3: weight of the L1 reconstruction (default 5000)"},
      {"beta4", "beta4: weight of the PatchGAN adversarial loss (default 100)"},
      {"k", "k: importance samples per data point (IWAE bound L_k, Burda et al. 2016)"},
      {"components", "components: number of mixture components (noise model or posterior mixture)"},
      {"clusters", "clusters: number of Gaussian clusters c in the VaDE prior p(z|c)"},
      {"encoder_sharing", "encoder_sharing: PH-VAE per-order trunks (separate, the text) or one encoder (shared, "
                          "the listing)"},
      {"sigma2", "sigma^2: variance of the Gaussian likelihood; smaller = reconstruction weighs more than the KL"},
  };
  return m;
}

void tooltip(const char* text) {
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

std::string format_eta(double seconds) {
  if (!(seconds >= 0) || !std::isfinite(seconds)) return "--";
  char buf[32];
  const long s = std::lround(seconds);
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

class RunView : public View, public ShowsModelHealth {
 public:
  const char* name() const override { return "run"; }
  const char* title() const override { return "Run"; }
  void show_model_health(const ModelHealthMonitor* monitor) override { health_ = monitor; }

  void reset() override {
    editor_text_.clear();
    probe_step_ = -1;
    probe_grid_ = ImageGrid();
  }

  void draw(ViewContext& ctx) override {
    Session* s = ctx.session;
    if (!s) return;
    const Preset& preset = s->preset();
    const ModelSpec& spec = s->spec();
    if (editor_text_.empty()) {
      editor_text_ = preset.to_json().dump(2);
      validate();
    }
    const float fs = ImGui::GetFontSize();
    const float left_w = std::max(fs * 26, ImGui::GetContentRegionAvail().x * 0.42f);

    // ---- left: what is trained, and the preset editor ----
    ImGui::BeginChild("about", ImVec2(left_w, 0), true);
    ImGui::Text("%s", preset.name.c_str());
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", preset.description.c_str());
    ImGui::PopTextWrapPos();
    ImGui::Separator();
    if (ImGui::BeginTable("facts", 2, ImGuiTableFlags_SizingFixedFit)) {
      ImGui::TableSetupColumn("key", ImGuiTableColumnFlags_WidthFixed);
      ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
      auto row = [&](const char* k, const std::string& v, const char* tip) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextDisabled("%s", k);
        ImGui::TableNextColumn();
        ImGui::TextWrapped("%s", v.c_str());
        if (tip) tooltip(tip);
      };
      const auto& data = s->data();
      row("dataset", data->train.name + "  (" + spec.shape.str() + ")",
          "The data the model learns p(x) of; shape is channels x height x width, or features for vectors.");
      row("samples", std::to_string(data->train.size()) + " train / " + std::to_string(data->test.size()) + " test",
          "Training set size and the held-out test view used for the per-epoch test terms.");
      row("variant", spec.variant, "Which VAE objective is optimised (see the spec: VARIANTS.md).");
      row("latent", std::to_string(spec.latent),
          "H, the size of the latent code z; the prior is p(z) = N(0, I) unless the variant says otherwise.");
      if (s->trained_elsewhere()) {
        // What a TorchScript file says about itself (models/torchscript_model.h); its networks are its own.
        const auto snap_model = ctx.snapshot && ctx.snapshot->model ? ctx.snapshot->model->model : nullptr;
        const auto* file = dynamic_cast<const TorchScriptModel*>(snap_model.get());
        row("trained", "elsewhere (PyTorch, TorchScript)",
            "Opened from a TorchScript file: encode/decode are the file's own; vaelab cannot train it.");
        if (file) {
          row("likelihood", file->likelihood_text().empty() ? "none given (no -log p)" : file->likelihood_text(),
              "The file's 'likelihood' attribute: bernoulli or gaussian:<sigma2>; without it there is no ELBO.");
          row("input shape", file->input_shape().empty() ? "as the data" : fmt::format("[{}]", fmt::join(file->input_shape(), ", ")),
              "The file's 'input_shape' attribute: what encode() takes per input.");
        }
      } else {
        row("architecture", spec.architecture.to_json().dump(), "Encoder/decoder networks q(z|x) and p(x|z).");
        row("likelihood", spec.likelihood.to_json().dump(),
            "The decoder's observation model p(x|z): Bernoulli (cross-entropy), Gaussian (squared error / 2 sigma^2), "
            "Laplace (L1).");
        row("optimizer", preset.optimizer.type + ", lr " + std::to_string(preset.optimizer.lr),
            "Main optimiser and learning rate (Adam, Kingma & Ba 2015, is the default).");
        row("batch / epochs", std::to_string(preset.batch_size) + " / " + std::to_string(preset.epochs),
            "Mini-batch size M and the number of passes over the training set.");
      }
      row("device", s->trainer().device().str(), "Where training runs (auto picks CUDA when available).");
      for (const auto& [k, v] : spec.options.items()) {
        auto it = option_meanings().find(k);
        row(k.c_str(), v.dump(), it == option_meanings().end() ? "Variant option (see VARIANTS.md)." : it->second);
      }
      ImGui::EndTable();
    }
    ImGui::Separator();
    if (s->trained_elsewhere()) {
      ImGui::PushTextWrapPos(0);
      ImGui::TextDisabled("A model trained elsewhere has no preset. To train one here, open a preset or a run "
                          "(File, or drop it on the window).");
      ImGui::PopTextWrapPos();
      ImGui::EndChild();
      ImGui::SameLine();
      draw_controls(ctx, s);
      return;
    }
    ImGui::Text("Preset (edit, then Apply to start a new run)");
    tooltip("The whole preset as JSON. It is checked as you type (Preset::from_json); Apply opens a new run "
            "with it, discarding the current model.");
    const float editor_h = std::max(fs * 8, ImGui::GetContentRegionAvail().y - fs * 4.2f);
    if (ImGui::InputTextMultiline("##preset", &editor_text_, ImVec2(-1, editor_h))) validate();
    if (editor_error_.empty()) {
      ImGui::TextColored(ImVec4(0.5f, 0.9f, 0.5f, 1), "valid preset");
    } else {
      ImGui::PushTextWrapPos(0);
      ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", editor_error_.c_str());
      ImGui::PopTextWrapPos();
    }
    ImGui::BeginDisabled(!editor_error_.empty());
    if (ImGui::Button("Apply (new run)") && ctx.open_preset_json) ctx.open_preset_json(editor_text_);
    tooltip("Open a new run from the edited preset (the current run is closed; save it first if you want it).");
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Revert")) {
      editor_text_ = preset.to_json().dump(2);
      validate();
    }
    tooltip("Discard the edits and show the preset of the open run.");
    ImGui::EndChild();

    ImGui::SameLine();
    draw_controls(ctx, s);
  }

  bool export_png(const std::string& path, float scale, std::string& error) override {
    return probe_grid_.export_png(path, scale, error);
  }

 private:
  // ---- right: controls, progress, checkpoints, health, probe strip ----
  void draw_controls(ViewContext& ctx, Session* s) {
    const float fs = ImGui::GetFontSize();
    ImGui::BeginChild("train", ImVec2(0, 0), true);
    const auto& snap = ctx.snapshot;
    const Progress p = snap ? snap->progress : Progress{};
    const RunState st = p.state;
    // A model trained elsewhere (PyTorch) is shown, never trained: say so where the controls would be.
    const bool elsewhere = s->trained_elsewhere();
    if (elsewhere) {
      ImGui::PushTextWrapPos(0);
      ImGui::TextColored(ImVec4(1, 0.75f, 0.35f, 1), "%s", p.message.c_str());
      ImGui::TextWrapped("Every view that needs only encode and decode works on it; it has no training curves.");
      ImGui::PopTextWrapPos();
    }
    ImGui::BeginDisabled(elsewhere);
    ImGui::BeginDisabled(st != RunState::Idle);
    if (ImGui::Button("Train")) s->start();
    tooltip("Start training from step 0 (space).");
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(st != RunState::Running);
    if (ImGui::Button("Pause")) s->pause();
    tooltip("Pause after the current batch (space). The views keep working on the last snapshot.");
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(st != RunState::Paused && st != RunState::Diverged);
    if (ImGui::Button("Resume")) s->resume();
    tooltip("Continue training (space). After a divergence this trains on from the restored weights.");
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(st == RunState::Stopped || st == RunState::Finished || st == RunState::Failed);
    if (ImGui::Button("Stop")) stop_requested_ = true;
    tooltip("End this run for good (it can still be saved and analysed).");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 6);
    ImGui::InputScalar("##stepn", ImGuiDataType_S64, &step_n_);
    tooltip("How many optimiser steps Step runs.");
    ImGui::SameLine();
    if (ImGui::Button("Step")) s->step(std::max<int64_t>(1, step_n_));
    tooltip("Run exactly N optimiser steps, then pause: watch the model change step by step.");
    ImGui::EndDisabled();
    ImGui::EndDisabled();  // elsewhere
    if (stop_requested_) {
      // Trainer::stop waits for the thread (<= ~1 s): hand it to a task, never the UI thread.
      stop_requested_ = false;
      if (ctx.tasks) ctx.tasks->run("stop training", [s](TaskContext&) -> std::function<void()> {
        s->stop();
        return nullptr;
      });
    }

    ImGui::Text("state: %s", to_string(st));
    if (!p.message.empty() && !elsewhere) {
      ImGui::SameLine();
      ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), "%s", p.message.c_str());
    }
    const int64_t total = std::max<int64_t>(1, p.steps_per_epoch * p.epochs);
    const float frac = static_cast<float>(std::min<double>(1.0, double(p.step) / double(total)));
    char overlay[200];
    std::snprintf(overlay, sizeof overlay, "epoch %lld/%lld  step %lld/%lld  %.0f samples/s  ETA %s  lr %.2g",
                  (long long)p.epoch, (long long)p.epochs, (long long)p.step, (long long)total, p.samples_per_second,
                  format_eta(p.eta_seconds).c_str(), p.lr);
    ImGui::ProgressBar(frac, ImVec2(-1, 0), overlay);
    tooltip("Epochs completed, optimiser steps, throughput (training samples per second) and the time left.");
    if (snap && snap->metrics && !snap->metrics->per_step.empty() && !snap->metrics->steps.empty()) {
      const auto& m = *snap->metrics;
      std::string line;
      for (size_t t = 0; t < m.names.size(); ++t) {
        if (m.per_step[t].empty()) continue;
        char buf[64];
        std::snprintf(buf, sizeof buf, "%s %.4g   ", m.names[t].c_str(), m.per_step[t].back());
        line += buf;
      }
      ImGui::TextWrapped("last batch: %s", line.c_str());
    }

    ImGui::Separator();
    ImGui::BeginDisabled(elsewhere);
    ImGui::SetNextItemWidth(fs * 22);
    ImGui::InputText("##ckpt", &checkpoint_path_);
    tooltip("Checkpoint file (weights, optimiser, preset, metric history).");
    ImGui::SameLine();
    if (ImGui::Button("Save checkpoint") && ctx.tasks) {
      const std::string path = checkpoint_path_;
      auto toast = ctx.toast;
      ctx.tasks->run("save a checkpoint", [s, path, toast](TaskContext&) -> std::function<void()> {
        s->save_checkpoint(path);  // waits for the training thread between two batches: on a task
        return [toast, path] { toast(ToastKind::Info, "saved " + path); };
      });
    }
    tooltip("Write the checkpoint (atomically) without stopping training.");
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Load") && ctx.open_run) ctx.open_run(checkpoint_path_);
    tooltip("Open the checkpoint (or a run folder) as the current run.");

    if (health_) {
      ImGui::Separator();
      draw_model_health_panel(*health_, snap.get());
    }

    ImGui::Separator();
    ImGui::Text("Probe: test inputs, each with its reconstruction below");
    tooltip("A fixed batch of test images and the decoder mean of their posterior mean code, E[p(x|z=mu(x))], "
            "refreshed with every snapshot.");
    if (snap && snap->probe && snap->probe->step != probe_step_ && snap->probe->inputs.count > 0) {
      const auto& pr = *snap->probe;
      probe_step_ = pr.step;
      // Rows of up to 8: inputs, then their reconstructions right below, and so on.
      const int64_t count = pr.inputs.count;
      const int64_t cols = std::min<int64_t>(8, count);
      const size_t per = static_cast<size_t>(pr.inputs.bytes_per_image());
      ImageBytes b;
      b.channels = pr.inputs.channels;
      b.height = pr.inputs.height;
      b.width = pr.inputs.width;
      for (int64_t start = 0; start < count; start += cols) {
        const int64_t end = std::min(count, start + cols);
        for (const auto* src : {&pr.inputs.pixels, &pr.reconstructions.pixels}) {
          for (int64_t i = start; i < start + cols; ++i) {
            if (i < end) b.pixels.insert(b.pixels.end(), src->begin() + per * i, src->begin() + per * (i + 1));
            else b.pixels.insert(b.pixels.end(), per, 0);
          }
          b.count += cols;
        }
      }
      probe_grid_.set(b, static_cast<int>(cols), 2);
    }
    if (snap && snap->probe && snap->probe->inputs.height == 0) {
      ImGui::TextDisabled("(vector data: see the manifold view for generated vs. true samples)");
    } else {
      probe_grid_.draw(ImVec2(-1, -1));
    }
    ImGui::EndChild();
  }

  void validate() {
    try {
      Preset::from_json(nlohmann::json::parse(editor_text_));
      editor_error_.clear();
    } catch (const nlohmann::json::exception& e) {
      editor_error_ = std::string("JSON: ") + e.what();
    } catch (const std::exception& e) {
      editor_error_ = e.what();
    }
  }

  std::string editor_text_;
  std::string editor_error_;
  int64_t step_n_ = 100;
  bool stop_requested_ = false;
  std::string checkpoint_path_ = "vaelab-checkpoint.pt";
  int64_t probe_step_ = -1;
  ImageGrid probe_grid_;
  const ModelHealthMonitor* health_ = nullptr;  // the app's; outlives this view
};

}  // namespace

std::unique_ptr<View> make_run_view() { return std::make_unique<RunView>(); }

}  // namespace gui
}  // namespace vaelab
