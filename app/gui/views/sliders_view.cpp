#include "views/sliders_view.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "analysis/latent_grid.h"
#include "core/error.h"
#include "core/main_thread_tasks.h"
#include "models/prior_units.h"
#include "png_file.h"
#include "session/session.h"
#include "widgets/tooltip.h"

namespace vaelab {
namespace gui {
namespace {


// Standard-normal draws from our own generator: the GUI must not consume torch's global random stream,
// which the trainer's seeded run depends on.
std::vector<float> normal_draws(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = normal(rng);
  return v;
}

torch::Tensor code_tensor(const std::vector<float>& code, int64_t rows = 1) {
  return torch::from_blob(const_cast<float*>(code.data()), {rows, static_cast<int64_t>(code.size()) / rows},
                          torch::kFloat32)
      .clone();
}

std::vector<float> to_floats(const torch::Tensor& t) {
  auto c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

// u (standardised prior coordinates, one row) mapped to a code of the model.
std::vector<float> from_units(Model& model, const std::vector<float>& u, int64_t component) {
  torch::NoGradGuard no_grad;
  return to_floats(model.from_prior_units(code_tensor(u).to(model.device()), component));
}

}  // namespace

void SlidersView::update_prior(Model& model, int64_t step) {
  if (!prior_dirty_ && prior_step_ == step && prior_centre_.size() == code_.size()) return;
  torch::NoGradGuard no_grad;
  const PriorScale p = model.prior_scale(code_tensor(code_).to(model.device()), component_);
  prior_centre_ = to_floats(p.centre);
  prior_scale_ = to_floats(p.scale);
  prior_units_ = p.describe(model.latent_groups());
  prior_step_ = step;
  prior_dirty_ = false;
}

void SlidersView::reset() {
  code_.clear();
  sigma_.clear();
  prior_centre_.clear();
  prior_dirty_ = true;
  model_step_ = -1;
  decode_.invalidate();
  recent_decode_ms_.clear();  // another model: its cost is measured afresh
  encode_.invalidate();
  image_ = ImageGrid();
}

void SlidersView::bench_drag(int dim, float value) {
  bench_recording_ = true;
  if (dim < 0 || dim >= static_cast<int>(code_.size())) return;
  code_[static_cast<size_t>(dim)] = value;
  prior_dirty_ = true;
  if (!decode_.dirty()) changed_at_ = Clock::now();
  decode_.mark_dirty();
}

void SlidersView::decoded(const ImageBytes& image, double decode_ms, Clock::time_point changed_at, bool inline_decode) {
  if (inline_decode) {  // a worker's time includes waiting for a core while training runs: not the model's cost
    recent_decode_ms_.push_back(decode_ms);
    if (recent_decode_ms_.size() > 9) recent_decode_ms_.erase(recent_decode_ms_.begin());
  }
  image_.set(image, 1, 0);
  if (!bench_recording_) return;
  bench_decode_ms_.push_back(decode_ms);
  if (changed_at != Clock::time_point{})
    bench_latencies_ms_.push_back(std::chrono::duration<double, std::milli>(Clock::now() - changed_at).count());
}

void SlidersView::request_decode(ViewContext& ctx) {
  auto ms = ctx.snapshot->model;
  const bool conditional = ms->model->is_conditional();
  const int cls = class_;
  const auto code = code_;
  const auto t_change = changed_at_;
  const bool image = ms->spec.shape.is_image();
  model_step_ = ms->step;
  // Runs on the task's thread, or right here for cheap models (below); returns what lands on the UI thread.
  // While the median of the last inline decodes took under kInlineDecodeMs (the first three always run
  // inline, to measure), a decode runs right here, so the image follows the drag in the same frame (one
  // decode of the MLP VAE is ~0.4-0.7 ms; it reads the published snapshot model, never the training one,
  // so nothing here waits for a training step). Slower models go to a task and show up a frame later.
  constexpr double kInlineDecodeMs = 4.0;
  std::vector<double> recent = recent_decode_ms_;
  std::nth_element(recent.begin(), recent.begin() + recent.size() / 2, recent.end());
  const bool run_inline = recent.size() < 3 || recent[recent.size() / 2] < kInlineDecodeMs;
  auto decode = [this, ms, conditional, cls, code, t_change, image, run_inline]() -> std::function<void()> {
    torch::Tensor y;
    if (conditional) y = torch::full({1}, cls, torch::kLong);
    auto z = code_tensor(code);
    if (image) {
      const auto t0 = Clock::now();
      auto decoded_images = std::make_shared<ImageBytes>(decode_to_images(*ms->model, z, y));
      const double decode_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      return [this, decoded_images, t_change, decode_ms, run_inline] {
        decoded(*decoded_images, decode_ms, t_change, run_inline);
      };
    }
    auto v = decode_vectors(*ms->model, z, y);
    std::vector<float> values(v.data_ptr<float>(), v.data_ptr<float>() + v.numel());
    return [this, values] {
      // Vector data: show the decoded vector as a one-row "image" of its values mapped to grey.
      ImageBytes img = rgb_image(static_cast<int64_t>(values.size()), 1);
      for (size_t i = 0; i < values.size(); ++i)
        std::fill_n(img.pixels.begin() + 3 * i, 3, static_cast<uint8_t>(std::clamp(values[i], 0.0f, 1.0f) * 255));
      image_.set(std::move(img), static_cast<int>(values.size()), 1, 1, 1, 0);
      vector_values_ = values;
    };
  };
  if (run_inline) {
    decode_.mark_clean();
    decode()();
  } else {
    decode_.start(*ctx.tasks, [decode](TaskContext&) { return decode(); });
  }
}

void SlidersView::start_from(ViewContext& ctx, int mode) {
  const size_t H = code_.size();
  sigma_.clear();
  prior_dirty_ = true;
  Model& model = *ctx.snapshot->model->model;
  if (mode == 0) {  // prior mean: u = 0 (Ladder: the top-down means from z_L = 0)
    code_ = from_units(model, std::vector<float>(H, 0.0f), component_);
  } else if (mode == 1) {  // a prior sample: u ~ N(0, I) mapped back (Ladder: ancestral)
    code_ = from_units(model, normal_draws(H, seed_++ * 7919), component_);
  } else {  // encode a dataset image (test split)
    auto ms = ctx.snapshot->model;
    auto data = ctx.session->data();
    const int64_t n = data->test.size();
    if (n == 0) return;
    if (mode == 3) image_index_ = static_cast<int>(std::mt19937_64(seed_++)() % static_cast<uint64_t>(n));
    const int64_t index = std::clamp<int64_t>(image_index_, 0, n - 1);
    encode_.start(*ctx.tasks, [this, ms, data, index](TaskContext&) -> std::function<void()> {
      torch::NoGradGuard no_grad;
      const Batch b = data->test.batch(index, index + 1, ms->model->device());
      const Posterior q = ms->model->encode(b);
      auto mu = q.mu.to(torch::kCPU).contiguous();
      std::vector<float> m(mu.data_ptr<float>(), mu.data_ptr<float>() + mu.numel()), s;
      if (q.logvar.defined()) {
        auto sd = (0.5 * q.logvar).exp().to(torch::kCPU).contiguous();
        s.assign(sd.data_ptr<float>(), sd.data_ptr<float>() + sd.numel());
      }
      int64_t label = -1;
      if (b.y.defined()) label = b.y.to(torch::kCPU).item<int64_t>();
      return [this, m, s, label] {
        if (m.size() != code_.size()) return;
        code_ = m;
        sigma_ = s;
        center_ = m;
        prior_dirty_ = true;
        if (label >= 0) class_ = static_cast<int>(label);
        decode_.mark_dirty();
      };
    });
    return;
  }
  center_ = code_;
  decode_.mark_dirty();
}

void SlidersView::export_class_grid(ViewContext& ctx) {
  auto ms = ctx.snapshot->model;
  const int64_t classes = std::max<int64_t>(1, ctx.session->data()->train.num_classes() > 0
                                                   ? ctx.session->data()->train.num_classes()
                                                   : ms->spec.num_classes);
  const int64_t n = grid_samples_;
  const int64_t H = static_cast<int64_t>(code_.size());
  const std::string path = grid_path_;
  auto toast = ctx.toast;
  std::string error;
  if (!check_writable(path, error)) {
    toast(ToastKind::Error, error);
    return;
  }
  const uint64_t seed = seed_++;
  grid_export_.start(*ctx.tasks, [ms, classes, n, H, path, toast, seed](TaskContext&) -> std::function<void()> {
    // Row c: class c; column j: the same prior draw z_j for every class (style fixed, class varies).
    const auto draws = normal_draws(static_cast<size_t>(n * H), seed * 104729);
    auto z = code_tensor(draws, n).repeat({classes, 1});
    auto y = torch::arange(classes, torch::kLong).repeat_interleave(n);
    const auto imgs = decode_to_images(*ms->model, z, y);
    std::string err;
    const bool ok = write_png(path, compose_mosaic(imgs, static_cast<int>(n), 1), err);
    return [ok, err, path, toast] {
      if (ok) toast(ToastKind::Info, "wrote " + path + " (classes x samples)");
      else toast(ToastKind::Error, err);
    };
  });
}

void SlidersView::draw(ViewContext& ctx) {
  if (!ctx.snapshot || !ctx.snapshot->model || !ctx.snapshot->model->model) {
    ImGui::TextDisabled("Waiting for the first model snapshot ...");
    return;
  }
  auto ms = ctx.snapshot->model;
  Model& model = *ms->model;
  const size_t H = static_cast<size_t>(model.latent_dim());
  if (code_.size() != H) {
    if (component_ >= model.prior_components()) component_ = -1;
    code_ = from_units(model, std::vector<float>(H, 0.0f), component_);  // the prior's centre (u = 0)
    center_ = code_;
    sigma_.clear();
    prior_dirty_ = true;
    decode_.mark_dirty();
  }
  if (component_ >= model.prior_components()) component_ = -1, prior_dirty_ = true;
  update_prior(model, ms->step);
  const float fs = ImGui::GetFontSize();
  const float left_w = std::max(fs * 24, ImGui::GetContentRegionAvail().x * 0.45f);

  ImGui::BeginChild("controls", ImVec2(left_w, 0), true);
  ImGui::TextDisabled("start from:");
  ImGui::SameLine();
  if (ImGui::Button("prior mean")) start_from(ctx, 0);
  tip("u = 0 in prior units: z = the prior's centre (Ladder: the top-down means from z_L = 0; VaDE: the mixture's "
      "mean or the chosen cluster's).");
  ImGui::SameLine();
  if (ImGui::Button("prior sample")) start_from(ctx, 1);
  tip("u ~ N(0, I) mapped back through the prior (Ladder: an ancestral sample; VaDE: from the mixture's moments or "
      "the chosen cluster) (also: Randomise).");
  ImGui::SameLine();
  if (ImGui::Button("random image")) start_from(ctx, 3);
  tip("Encode a random test image: z = mu(x), the posterior mean of q(z|x).");
  ImGui::SetNextItemWidth(fs * 6);
  ImGui::InputInt("##idx", &image_index_, 0);
  tip("Index of a test-set image.");
  ImGui::SameLine();
  if (ImGui::Button("encode image")) start_from(ctx, 2);
  tip("Encode the test image with this index: z = mu(x), and sliders ranges may follow its sigma(x).");
  ImGui::SameLine();
  if (ImGui::Button("reset")) start_from(ctx, 0);
  tip("Back to the prior mean.");
  ImGui::SameLine();
  if (ImGui::Button("randomise")) start_from(ctx, 1);
  tip("A fresh prior sample (u ~ N(0, I) mapped back through the prior).");

  ImGui::RadioButton("+-k prior sd", &range_mode_, 0);
  tip("Each slider spans centre_i +- k sd_i of its dimension's prior at the current code (k = 3: 99.7 % of a "
      "Gaussian prior's mass); the line below names the prior.");
  ImGui::SameLine();
  ImGui::RadioButton("+-k posterior sigma", &range_mode_, 1);
  tip("Each slider spans mu_i +- k sigma_i of the encoded image's posterior q(z|x) (after 'encode image').");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fs * 6);
  ImGui::SliderFloat("k", &range_k_, 0.5f, 10.0f, "%.1f");
  if (model.prior_components() > 0) {
    ImGui::SetNextItemWidth(fs * 10);
    const std::string cur = component_ < 0 ? "mixture" : "cluster " + std::to_string(component_);
    if (ImGui::BeginCombo("prior", cur.c_str())) {
      if (ImGui::Selectable("mixture", component_ < 0)) component_ = -1, prior_dirty_ = true;
      for (int c = 0; c < static_cast<int>(model.prior_components()); ++c)
        if (ImGui::Selectable(("cluster " + std::to_string(c)).c_str(), c == component_)) component_ = c, prior_dirty_ = true;
      ImGui::EndCombo();
    }
    tip("Ranges, prior mean and prior samples in the units of the whole mixture (its mean and sd per dimension) "
        "or of one cluster's Gaussian.");
    update_prior(model, ms->step);
  }
  ImGui::TextDisabled("units: %s", prior_units_.c_str());
  tip("The prior each slider's range is measured in (Model::prior_scale at the current code).");
  if (model.is_conditional()) {
    const auto& names = ctx.session->data()->train.class_names;
    const int classes = static_cast<int>(names.empty() ? ms->spec.num_classes : names.size());
    ImGui::SetNextItemWidth(fs * 10);
    const std::string cur = class_ < static_cast<int>(names.size()) ? names[class_] : std::to_string(class_);
    if (ImGui::BeginCombo("class y", cur.c_str())) {
      for (int c = 0; c < classes; ++c) {
        const std::string label = c < static_cast<int>(names.size()) ? names[c] : std::to_string(c);
        if (ImGui::Selectable(label.c_str(), c == class_)) class_ = c, decode_.mark_dirty(), changed_at_ = Clock::now();
      }
      ImGui::EndCombo();
    }
    tip("The label y the conditional decoder p(x|z, y) is given.");
    ImGui::SetNextItemWidth(fs * 5);
    ImGui::SliderInt("samples", &grid_samples_, 2, 16);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 12);
    ImGui::InputText("##gridpath", &grid_path_);
    ImGui::SameLine();
    ImGui::BeginDisabled(grid_export_.in_flight());
    if (ImGui::Button("export class x sample grid")) export_class_grid(ctx);
    ImGui::EndDisabled();
    tip("PNG: one row per class, one column per prior draw z_j (the same z in every row).");
  }
  ImGui::Separator();

  ImGui::BeginChild("sliders");
  const auto groups = model.latent_groups();
  for (const auto& g : groups) {
    bool open = true;
    if (groups.size() > 1) {
      open = ImGui::CollapsingHeader((g.name + " (" + std::to_string(g.size) + ")").c_str(),
                                     ImGuiTreeNodeFlags_DefaultOpen);
    }
    if (!open) continue;
    for (int64_t i = g.offset; i < g.offset + g.size && i < static_cast<int64_t>(H); ++i) {
      const size_t k = static_cast<size_t>(i);
      float lo = prior_centre_[k] - range_k_ * prior_scale_[k], hi = prior_centre_[k] + range_k_ * prior_scale_[k];
      if (range_mode_ == 1 && !sigma_.empty()) {
        lo = center_[i] - range_k_ * sigma_[i];
        hi = center_[i] + range_k_ * sigma_[i];
      }
      ImGui::PushID(static_cast<int>(i));
      char label[32];
      std::snprintf(label, sizeof label, "z%lld", static_cast<long long>(i));
      ImGui::SetNextItemWidth(-fs * 3);
      float value = code_[k];
      if (ImGui::SliderFloat(label, &value, std::min(lo, code_[k]), std::max(hi, code_[k]), "%.2f")) {
        // The layers below (hierarchical priors) follow in their own prior units.
        torch::NoGradGuard no_grad;
        const auto z = code_tensor(code_).to(model.device());
        code_ = to_floats(move_latent(model, z, i, torch::full({1}, value), component_));
        prior_dirty_ = true;
        if (!decode_.dirty()) changed_at_ = Clock::now();
        decode_.mark_dirty();
      }
      if (ImGui::IsItemHovered()) {
        if (!sigma_.empty())
          ImGui::SetTooltip("z_%lld: posterior mu = %.3f, sigma = %.3f (sigma near 1: the dimension is unused, "
                            "its KL ~ 0)",
                            static_cast<long long>(i), center_[i], sigma_[i]);
        else
          ImGui::SetTooltip("latent dimension %lld of group %s: prior centre %.3f, sd %.3f at this code "
                            "(double-click to type a value)",
                            static_cast<long long>(i), g.name.c_str(), prior_centre_[k], prior_scale_[k]);
      }
      ImGui::PopID();
    }
  }
  ImGui::EndChild();
  ImGui::EndChild();

  ImGui::SameLine();
  ImGui::BeginChild("image", ImVec2(0, 0), true);
  ImGui::Text("decoded: E[p(x|z)]  (model at step %lld)", static_cast<long long>(ms->step));
  // Keep the image up to date with the code and with training (a new snapshot model).
  if (ms->step != model_step_) decode_.mark_dirty();
  if (decode_.due() && !encode_.in_flight() && ctx.tasks) request_decode(ctx);
  if (!vector_values_.empty() && !ms->spec.shape.is_image()) {
    for (size_t i = 0; i < vector_values_.size(); ++i) ImGui::Text("x_%zu = %.4f", i, vector_values_[i]);
  } else {
    // Big enough to see pixels, small enough to keep the eye on the sliders (28x28 -> 16x = 448 px).
    const float cap = 448.0f * ctx.ui_scale;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    image_.draw(ImVec2(std::min(avail.x, cap), std::min(avail.y, cap)));
  }
  ImGui::EndChild();
}

bool SlidersView::export_png(const std::string& path, float scale, std::string& error) {
  return image_.export_png(path, scale, error);
}

}  // namespace gui
}  // namespace vaelab

namespace vaelab {
namespace gui {
std::unique_ptr<View> make_sliders_view() { return std::make_unique<SlidersView>(); }
}  // namespace gui
}  // namespace vaelab
