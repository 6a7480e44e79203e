// The interpolation view (issue 17): rows of decoded paths between the posterior means mu(x_a), mu(x_b)
// of two test inputs, each row flanked by the two inputs themselves. The first pair is chosen by index
// (or at random); the remaining rows are random pairs from the view's own generator. Paths run in the
// prior's standardised coordinates (analysis/latent_interpolation.h): "linear" a straight line in u,
// "spherical" a slerp of u's direction with its norm interpolated linearly; "both" shows a linear and a
// spherical row per pair. A path's first and last points are the two codes exactly. CVAE: the whole row
// is decoded with x_a's label (the latent carries what the label does not).
// Threading: encoding, paths and decoding run in a LatestTask on the snapshot's model (view.h); the grid
// follows training (throttled).
#include <imgui.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>

#include <fmt/format.h>

#include "analysis/latent_grid.h"
#include "analysis/latent_interpolation.h"
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


struct InterpolationResult {
  ImageBytes images;  // rows x (steps + 2): input a, the path, input b
  int rows = 0, cols = 0;
  std::vector<std::string> row_labels;
  std::string units;
  int64_t step = -1;
  int64_t test_size = 0;
};

class InterpolationView : public View {
 public:
  const char* name() const override { return "interpolation"; }
  const char* title() const override { return "Interpolation"; }
  bool busy() const override { return refresh_.in_flight() || wants_refresh_; }
  void reset() override {
    refresh_.invalidate();
    grid_ = ImageGrid();
    result_.reset();
    follower_.reset();
    error_.clear();
  }
  // Inputs sent from another view (the clusters view's selection): the first two become the first row's
  // pair, one index only replaces input a. Indices are rows of the evaluation set (the test split when
  // there is one), as index_a_ and index_b_ are; draw() clamps them to the set.
  bool take_inputs(const std::vector<int64_t>& indices) override {
    if (indices.empty()) return false;
    index_a_ = static_cast<int>(indices[0]);
    if (indices.size() >= 2) index_b_ = static_cast<int>(indices[1]);
    refresh_.mark_dirty();
    return true;
  }
  bool export_png(const std::string& path, float scale, std::string& error) override {
    if (grid_.empty()) {
      error = "interpolation: nothing to export yet";
      return false;
    }
    return grid_.export_png(path, scale, error);
  }

  void draw(ViewContext& ctx) override {
    wants_refresh_ = false;
    if (!has_model_to_show(ctx)) return;
    const auto& ms = *ctx.snapshot->model;
    if (!ms.spec.shape.is_image()) {
      ImGui::TextDisabled("Interpolations are decoded images; this run's data are vectors (%s).", ms.spec.shape.str().c_str());
      return;
    }
    auto data = ctx.session->data();
    const int64_t n = data ? (data->test.size() > 0 ? data->test.size() : data->train.size()) : 0;
    if (n < 2) {
      ImGui::TextDisabled("Interpolation needs at least two inputs in the evaluation set.");
      return;
    }
    const float fs = ImGui::GetFontSize();
    bool changed = false;
    ImGui::SetNextItemWidth(fs * 6);
    changed |= ImGui::InputInt("input a", &index_a_);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 6);
    changed |= ImGui::InputInt("input b", &index_b_);
    tip("Indices of the two test inputs of the first row; the path runs between their posterior means mu(x).");
    ImGui::SameLine();
    if (ImGui::Button("random pair")) {
      std::mt19937_64 rng(static_cast<uint64_t>(pair_seed_) * 7919u + 13u);
      std::uniform_int_distribution<int64_t> pick(0, n - 1);
      index_a_ = static_cast<int>(pick(rng));
      do index_b_ = static_cast<int>(pick(rng));
      while (index_b_ == index_a_);
      ++pair_seed_;
      changed = true;
    }
    tip("A random first pair, and new random pairs for the other rows.");
    index_a_ = static_cast<int>(std::clamp<int64_t>(index_a_, 0, n - 1));
    index_b_ = static_cast<int>(std::clamp<int64_t>(index_b_, 0, n - 1));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 6);
    changed |= ImGui::SliderInt("steps", &steps_, 3, 20);
    tip("Points on each path, both endpoints included.");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 6);
    changed |= ImGui::SliderInt("pairs", &pairs_, 1, 10);
    tip("Rows: the chosen pair, then random pairs.");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 7);
    static const char* kPaths[] = {"linear", "spherical", "both"};
    changed |= ImGui::Combo("path", &path_, kPaths, 3);
    tip("linear: a straight line in prior units u. spherical: u's direction slerped, its norm interpolated "
        "linearly (stays off the low-probability middle of a high-dimensional Gaussian). both: two rows per pair.");
    if (changed) refresh_.mark_dirty();

    const bool training = ctx.snapshot->progress.state == RunState::Running;
    if (follower_.stale(ms.step, training))
      refresh_.mark_dirty();
    if (refresh_.due() && ctx.tasks) request(ctx);
    wants_refresh_ = refresh_.dirty();

    if (!error_.empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", error_.c_str());
    if (!result_) {
      ImGui::TextDisabled("Encoding and decoding paths ...");
      return;
    }
    ImGui::TextDisabled("left and right columns: the inputs x_a, x_b; between: decoded path from mu(x_a) to mu(x_b), "
                        "%d points   (model at step %lld)%s", steps_, static_cast<long long>(result_->step),
                        refresh_.in_flight() ? "  (updating ...)" : "");
    ImGui::TextDisabled("path in prior units: sd of %s", result_->units.c_str());
    const float label_w = fs * 11;
    const int hovered = grid_.draw(ImVec2(-label_w, -1), true);
    const ScreenRect r = grid_.rect();
    auto* dl = ImGui::GetWindowDrawList();
    const float row_h = r.h / static_cast<float>(std::max(1, result_->rows));
    for (int i = 0; i < result_->rows && i < static_cast<int>(result_->row_labels.size()); ++i)
      dl->AddText(ImVec2(r.x + r.w + fs * 0.5f, r.y + (i + 0.5f) * row_h - fs * 0.5f), ImGui::GetColorU32(ImGuiCol_Text),
                  result_->row_labels[static_cast<size_t>(i)].c_str());
    if (hovered >= 0 && result_->cols > 0) {
      const int row = hovered / result_->cols, col = hovered % result_->cols;
      const int steps = result_->cols - 2;
      if (col == 0) ImGui::SetTooltip("input x_a");
      else if (col == result_->cols - 1) ImGui::SetTooltip("input x_b");
      else if (steps > 1) ImGui::SetTooltip("%s, t = %.3f", result_->row_labels[static_cast<size_t>(row)].c_str(),
                                           static_cast<double>(col - 1) / (steps - 1));
    }
  }

 private:
  void request(ViewContext& ctx) {
    auto ms = ctx.snapshot->model;
    auto data = ctx.session->data();
    const int64_t a = index_a_, b = index_b_;
    const int steps = steps_, pairs = pairs_, path = path_;
    const uint64_t seed = static_cast<uint64_t>(pair_seed_);
    follower_.requested(ms->step);
    refresh_.start(*ctx.tasks, [this, ms, data, a, b, steps, pairs, path, seed](TaskContext&) -> std::function<void()> {
      auto out = std::make_shared<InterpolationResult>();
      std::string error;
      try {
        compute(*ms, *data, a, b, steps, pairs, path, seed, *out);
      } catch (const std::exception& e) {
        error = e.what();
      }
      return [this, out, error] {
        error_ = error;
        if (!error.empty()) return;
        result_ = out;
        grid_.set(out->images, out->cols, 1);
      };
    });
  }

  static void compute(const ModelSnapshot& ms, const DatasetSplit& data, int64_t a, int64_t b, int steps, int pairs,
                      int path, uint64_t seed, InterpolationResult& out) {
    torch::NoGradGuard no_grad;
    Model& model = *ms.model;
    const Dataset& set = data.test.size() > 0 ? data.test : data.train;
    const int64_t n = set.size();
    // Pairs: the chosen one, then random distinct pairs from the view's own generator.
    std::vector<int64_t> ia{std::clamp<int64_t>(a, 0, n - 1)}, ib{std::clamp<int64_t>(b, 0, n - 1)};
    std::mt19937_64 rng(seed * 104729u + 1u);
    std::uniform_int_distribution<int64_t> pick(0, n - 1);
    while (static_cast<int>(ia.size()) < pairs) {
      const int64_t x = pick(rng);
      int64_t y = pick(rng);
      while (y == x) y = pick(rng);
      ia.push_back(x);
      ib.push_back(y);
    }
    const auto device = model.device();
    const Batch ba = set.batch(torch::tensor(ia, torch::kLong), device);
    const Batch bb = set.batch(torch::tensor(ib, torch::kLong), device);
    const auto za = model.encode(ba).mu, zb = model.encode(bb).mu;
    const ImageBytes xa = to_image_bytes(ba.x), xb = to_image_bytes(bb.x);

    std::vector<InterpolationPath> kinds;
    if (path == 0 || path == 2) kinds.push_back(InterpolationPath::Linear);
    if (path == 1 || path == 2) kinds.push_back(InterpolationPath::Spherical);
    const int P = static_cast<int>(ia.size());
    const int cols = steps + 2;
    // Decode every path: {kinds, P * steps, H} in pair-major order per kind.
    std::vector<ImageBytes> decoded;
    for (auto kind : kinds) {
      const auto z = prior_interpolation_codes(model, za, zb, steps, kind);
      torch::Tensor y;
      if (model.is_conditional() && ba.y.defined()) y = ba.y.to(torch::kLong).flatten().repeat_interleave(steps);
      decoded.push_back(decode_to_images(model, z, y));
    }
    const ImageBytes& first = decoded.front();
    if (first.channels != xa.channels || first.width != xa.width || first.height != xa.height)
      throw std::runtime_error("interpolation: decoded images and inputs differ in shape");
    const int rows = P * static_cast<int>(kinds.size());
    ImageBytes all;
    all.count = static_cast<int64_t>(rows) * cols;
    all.channels = first.channels;
    all.height = first.height;
    all.width = first.width;
    all.pixels.resize(static_cast<size_t>(all.count * all.bytes_per_image()));
    const size_t per = static_cast<size_t>(all.bytes_per_image());
    int row = 0;
    for (int p = 0; p < P; ++p)
      for (size_t k = 0; k < kinds.size(); ++k, ++row) {
        uint8_t* dst = all.image(static_cast<int64_t>(row) * cols);
        std::memcpy(dst, xa.image(p), per);
        for (int s = 0; s < steps; ++s)
          std::memcpy(dst + per * static_cast<size_t>(1 + s), decoded[k].image(static_cast<int64_t>(p) * steps + s), per);
        std::memcpy(dst + per * static_cast<size_t>(cols - 1), xb.image(p), per);
        out.row_labels.push_back(fmt::format("{} {} -> {}", to_string(kinds[k]), ia[static_cast<size_t>(p)],
                                             ib[static_cast<size_t>(p)]));
      }
    out.images = std::move(all);
    out.rows = rows;
    out.cols = cols;
    out.units = model.prior_scale(za.slice(0, 0, 1)).describe(model.latent_groups());
    const std::string at = "at the current code", with = "at each point's upper layers";
    for (auto pos = out.units.find(at); pos != std::string::npos; pos = out.units.find(at, pos + with.size()))
      out.units.replace(pos, at.size(), with);
    out.step = ms.step;
    out.test_size = n;
  }

  ImageGrid grid_;
  std::shared_ptr<InterpolationResult> result_;
  LatestTask refresh_{"decode interpolations"};
  bool wants_refresh_ = false;
  SnapshotFollower follower_;
  std::string error_;

  int index_a_ = 0;
  int index_b_ = 1;
  int steps_ = 10;
  int pairs_ = 4;
  int path_ = 2;  // both
  int pair_seed_ = 1;
};

}  // namespace

std::unique_ptr<View> make_interpolation_view() { return std::make_unique<InterpolationView>(); }

}  // namespace gui
}  // namespace vaelab
