// The δσ variants view (issue 17; how-to-train-your-vae.txt §4, Fig. 4): one test input x and a grid of
// decodings of its code with two entries moved, z_a = mu_a + delta_i sigma_a (rows) and z_b = mu_b +
// delta_j sigma_b (columns), for delta from a list (the paper's -20, 0, 20), every other entry held at
// mu (or, as the paper does, at one posterior sample). sigma is the input's own posterior sd, so the
// caption converts each step to the prior's units too: how far outside its posterior the decoder still
// draws this input. The two entries are the input's most informative ones unless chosen by hand.
// The arithmetic is analysis/delta_sigma_variants.h (tested there); for the Ladder the layers below a
// moved entry follow in prior units. CVAE: decoded with x's label.
// Threading: encoding and decoding run in a LatestTask on the snapshot's model (view.h); the grid
// follows training (throttled by SnapshotFollower).
#include <imgui.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <random>

#include <fmt/format.h>

#include "analysis/delta_sigma_variants.h"
#include "analysis/latent_grid.h"
#include "core/latest_task.h"
#include "core/main_thread_tasks.h"
#include "session/session.h"
#include "train/snapshot.h"
#include "views/snapshot_follower.h"
#include "views/view.h"
#include "widgets/image_grid.h"
#include "widgets/tooltip.h"

namespace vaelab {
namespace gui {
namespace {

struct DeltaSigmaResult {
  ImageBytes grid;   // n x n decodings, row i = deltas[i] on entry a, column j = deltas[j] on entry b
  ImageBytes input;  // x itself
  DeltaSigmaVariants v;
  std::vector<double> deltas;
  int64_t index = 0;
  int64_t step = -1;
};

class DeltaSigmaView : public View {
 public:
  const char* name() const override { return "delta-sigma"; }
  const char* title() const override { return "Variants (delta sigma)"; }
  bool busy() const override { return refresh_.in_flight() || wants_refresh_; }
  void reset() override {
    refresh_.invalidate();
    grid_ = ImageGrid();
    input_ = ImageGrid();
    result_.reset();
    follower_.reset();
    error_.clear();
  }
  // Inputs sent from another view (the clusters view's selection): the first becomes x. Indices are rows
  // of the evaluation set (the test split when there is one), as index_ is; draw() clamps it to the set.
  bool take_inputs(const std::vector<int64_t>& indices) override {
    if (indices.empty()) return false;
    index_ = static_cast<int>(indices[0]);
    refresh_.mark_dirty();
    return true;
  }
  bool export_png(const std::string& path, float scale, std::string& error) override {
    if (grid_.empty()) {
      error = "delta-sigma: nothing to export yet";
      return false;
    }
    return grid_.export_png(path, scale, error);
  }

  void draw(ViewContext& ctx) override {
    wants_refresh_ = false;
    if (!has_model_to_show(ctx)) return;
    const auto& ms = *ctx.snapshot->model;
    if (!ms.spec.shape.is_image()) {
      ImGui::TextDisabled("Variants are decoded images; this run's data are vectors (%s).", ms.spec.shape.str().c_str());
      return;
    }
    if (ms.model->latent_dim() < 2) {
      ImGui::TextDisabled("Variants move two latent entries; this model has one.");
      return;
    }
    auto data = ctx.session->data();
    const int64_t n = data ? (data->test.size() > 0 ? data->test.size() : data->train.size()) : 0;
    if (n < 1) {
      ImGui::TextDisabled("No inputs in the evaluation set.");
      return;
    }
    const int latent = static_cast<int>(ms.model->latent_dim());
    const float fs = ImGui::GetFontSize();
    bool changed = false;
    ImGui::SetNextItemWidth(fs * 6);
    changed |= ImGui::InputInt("input", &index_);
    tip("Index of the test input x whose variants are drawn.");
    ImGui::SameLine();
    if (ImGui::Button("random input")) {
      std::mt19937_64 rng(static_cast<uint64_t>(++pick_seed_) * 7919u + 5u);
      index_ = static_cast<int>(std::uniform_int_distribution<int64_t>(0, n - 1)(rng));
      changed = true;
    }
    index_ = static_cast<int>(std::clamp<int64_t>(index_, 0, n - 1));
    ImGui::SameLine();
    changed |= ImGui::Checkbox("most informative entries", &auto_pick_);
    tip("On: a and b are the two entries with the largest KL(q(z_h|x) || prior_h) for this input: the ones it "
        "pins down. Off: choose them.");
    if (!auto_pick_) {
      ImGui::SameLine();
      ImGui::SetNextItemWidth(fs * 5);
      changed |= ImGui::InputInt("a", &a_);
      ImGui::SameLine();
      ImGui::SetNextItemWidth(fs * 5);
      changed |= ImGui::InputInt("b", &b_);
      a_ = std::clamp(a_, 0, latent - 1);
      b_ = std::clamp(b_, 0, latent - 1);
      if (a_ == b_) b_ = (a_ + 1) % latent;
    }
    ImGui::SetNextItemWidth(fs * 12);
    if (ImGui::InputText("delta", delta_text_, sizeof(delta_text_))) changed = true;
    tip("Steps in units of the input's posterior sd sigma(x), rows for entry a and columns for entry b "
        "(the paper's Fig. 4: -20, 0, 20). Commas or spaces between values.");
    ImGui::SameLine();
    changed |= ImGui::Checkbox("rest from a posterior sample", &sample_rest_);
    tip("Off: the other entries stay at mu(x). On: they hold one posterior sample z' ~ q(z|x), as in the "
        "paper (seeded: the same sample until you press 'new sample').");
    if (sample_rest_) {
      ImGui::SameLine();
      if (ImGui::Button("new sample")) {
        ++sample_seed_;
        changed = true;
      }
    }
    std::vector<double> deltas;
    std::string parse_error;
    try {
      deltas = parse_delta_list(delta_text_);
    } catch (const std::exception& e) {
      parse_error = e.what();
    }
    if (!parse_error.empty()) {
      ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", parse_error.c_str());
    } else if (changed) {
      refresh_.mark_dirty();
    }

    const bool training = ctx.snapshot->progress.state == RunState::Running;
    if (follower_.stale(ms.step, training)) refresh_.mark_dirty();
    if (parse_error.empty() && refresh_.due() && ctx.tasks) request(ctx, deltas);
    wants_refresh_ = refresh_.dirty() && parse_error.empty();

    if (!error_.empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", error_.c_str());
    if (!result_) {
      ImGui::TextDisabled("Encoding and decoding variants ...");
      return;
    }
    const auto& v = result_->v;
    const double largest = std::max(std::abs(result_->deltas.front()), std::abs(result_->deltas.back()));
    if (v.deterministic) {
      ImGui::TextDisabled("This encoder is deterministic (no sigma(x)): delta is in the prior's sd instead.");
    }
    ImGui::Text("input %lld: rows move z%lld = %.3f + delta x %.3g, columns move z%lld = %.3f + delta x %.3g   "
                "(others at %s; model at step %lld)%s",
                static_cast<long long>(result_->index), static_cast<long long>(v.a), v.mu_a, v.step_a,
                static_cast<long long>(v.b), v.mu_b, v.step_b, v.sampled_rest ? "one posterior sample" : "mu(x)",
                static_cast<long long>(result_->step), refresh_.in_flight() ? "  (updating ...)" : "");
    ImGui::TextDisabled("scale: delta = %g moves z%lld by %.2f and z%lld by %.2f prior sd (sd of the prior at mu: "
                        "%.3g, %.3g)",
                        largest, static_cast<long long>(v.a), largest * v.step_a / v.prior_sd_a,
                        static_cast<long long>(v.b), largest * v.step_b / v.prior_sd_b, v.prior_sd_a, v.prior_sd_b);

    // The input on the left, the grid with its delta labels to the right.
    const float label_w = fs * 6.5f, col_label_h = fs * 1.6f;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float side = std::max(fs * 4, std::min(avail.y * 0.3f, fs * 8));
    ImGui::BeginGroup();
    ImGui::TextUnformatted("x (test input)");
    input_.draw(ImVec2(side, side));
    if (std::find(result_->deltas.begin(), result_->deltas.end(), 0.0) != result_->deltas.end()) {
      ImGui::TextDisabled("delta 0, 0: its code");
      ImGui::TextDisabled("%s decoded", result_->v.sampled_rest ? "(a sample)" : "mu(x)");
    }
    ImGui::EndGroup();
    ImGui::SameLine(0, fs * 1.5f);
    ImGui::BeginGroup();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(0, col_label_h));
    ImGui::Indent(label_w);
    const int hovered = grid_.draw(ImVec2(-1, -1), true);
    ImGui::Unindent(label_w);
    ImGui::EndGroup();
    const ScreenRect r = grid_.rect();
    auto* dl = ImGui::GetWindowDrawList();
    const int cells = static_cast<int>(result_->deltas.size());
    const float cw = r.w / static_cast<float>(std::max(1, cells)), ch = r.h / static_cast<float>(std::max(1, cells));
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
    for (int i = 0; i < cells; ++i) {
      const std::string d = fmt::format("{:g}", result_->deltas[static_cast<size_t>(i)]);
      dl->AddText(ImVec2(r.x + (i + 0.5f) * cw - ImGui::CalcTextSize(d.c_str()).x * 0.5f, origin.y), text, d.c_str());
      dl->AddText(ImVec2(r.x - label_w + fs * 0.3f, r.y + (i + 0.5f) * ch - fs * 0.5f), text, d.c_str());
    }
    const std::string col_axis = fmt::format("delta on z{}", v.b), row_axis = fmt::format("delta on z{}", v.a);
    dl->AddText(ImVec2(r.x + r.w + fs * 0.5f, origin.y), text, col_axis.c_str());
    dl->AddText(ImVec2(r.x - label_w + fs * 0.3f, r.y - fs * 1.2f), text, row_axis.c_str());
    if (hovered >= 0 && cells > 0) {
      const int row = hovered / cells, col = hovered % cells;
      const double da = result_->deltas[static_cast<size_t>(row)], db = result_->deltas[static_cast<size_t>(col)];
      ImGui::SetTooltip("z%lld = %.3f (delta %g), z%lld = %.3f (delta %g)", static_cast<long long>(v.a),
                        v.mu_a + da * v.step_a, da, static_cast<long long>(v.b), v.mu_b + db * v.step_b, db);
    }
  }

 private:
  void request(ViewContext& ctx, const std::vector<double>& deltas) {
    auto ms = ctx.snapshot->model;
    auto data = ctx.session->data();
    const int64_t index = index_;
    const int64_t a = auto_pick_ ? -1 : a_, b = auto_pick_ ? -1 : b_;
    const bool sample = sample_rest_;
    const uint64_t seed = static_cast<uint64_t>(sample_seed_);
    follower_.requested(ms->step);
    refresh_.start(*ctx.tasks, [this, ms, data, index, a, b, deltas, sample, seed](TaskContext&) -> std::function<void()> {
      auto out = std::make_shared<DeltaSigmaResult>();
      std::string error;
      try {
        torch::NoGradGuard no_grad;
        Model& model = *ms->model;
        const Dataset& set = data->test.size() > 0 ? data->test : data->train;
        const Batch one = set.batch(torch::tensor({index}, torch::kLong), model.device());
        out->v = delta_sigma_variants(model, one, a, b, deltas, sample, seed);
        torch::Tensor y;
        if (model.is_conditional() && one.y.defined())
          y = one.y.to(torch::kLong).flatten().repeat({out->v.codes.size(0)});
        out->grid = decode_to_images(model, out->v.codes, y);
        out->input = to_image_bytes(one.x);
        out->deltas = deltas;
        out->index = index;
        out->step = ms->step;
      } catch (const std::exception& e) {
        error = e.what();
      }
      return [this, out, error] {
        error_ = error;
        if (!error.empty()) return;
        result_ = out;
        grid_.set(out->grid, static_cast<int>(out->deltas.size()), 1);
        input_.set(out->input, 1, 0);
      };
    });
  }

  ImageGrid grid_, input_;
  std::shared_ptr<DeltaSigmaResult> result_;
  LatestTask refresh_{"decode delta-sigma variants"};
  bool wants_refresh_ = false;
  SnapshotFollower follower_;
  std::string error_;

  int index_ = 0;
  bool auto_pick_ = true;
  int a_ = 0, b_ = 1;
  char delta_text_[128] = "-20, 0, 20";
  bool sample_rest_ = false;
  int sample_seed_ = 1;
  int pick_seed_ = 0;
};

}  // namespace

std::unique_ptr<View> make_delta_sigma_view() { return std::make_unique<DeltaSigmaView>(); }

}  // namespace gui
}  // namespace vaelab
