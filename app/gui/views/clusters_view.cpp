// The clusters view: latent means of the evaluation set (up to 70k points) projected on two chosen
// dimensions, by PCA, or by t-SNE; coloured by label, by k-means cluster, or (VaDE) by q(c|x); a legend
// with counts; hovering a point shows its input image.
//
// [SECTION] state and helpers
// [SECTION] background work: encoding + PCA (Task), k-means (LatestTask), t-SNE (Task)
// [SECTION] drawing: controls, point cloud (our GL point renderer), legend, hover
// [SECTION] exports
//
// Threading: encoding (analysis/cluster_projection.h) and t-SNE are polled Tasks (progress + cancel),
// polled once per frame; k-means is a LatestTask whose result closure lands on the UI thread. All of them read the published model snapshot and a
// shared_ptr to the dataset, never the training model; the UI thread never waits on them.
#include <imgui.h>
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <map>
#include <cmath>
#include <fstream>
#include <memory>

#include <fmt/format.h>

#include "analysis/cluster_projection.h"
#include "core/latest_task.h"
#include "core/task.h"
#include "gl/point_renderer.h"
#include "gl/texture.h"
#include "screen_capture.h"
#include "session/session.h"
#include "stats/kmeans.h"
#include "stats/tsne.h"
#include "text_file.h"
#include "views/view.h"
#include "widgets/plot.h"

namespace vaelab {
namespace gui {
namespace {

// [SECTION] state and helpers

constexpr int64_t kPointChoices[] = {1000, 5000, 10000, 20000, 70000};
const char* kPointLabels = "1k\0" "5k\0" "10k\0" "20k\0" "70k (all)\0";

enum Projection { kTwoDims = 0, kPca = 1, kTsne = 2 };
enum ColorBy { kByLabel = 0, kByKMeans = 1, kByVade = 2, kByNothing = 3 };

// Colour of class/cluster k: the plot palette for the first ten, then evenly spaced hues.
std::array<uint8_t, 4> category_color(int64_t k) {
  if (k < 0) return {180, 180, 180, 255};
  if (k < 10) {
    const ImU32 c = plot_palette(static_cast<int>(k));
    return {static_cast<uint8_t>(c & 0xFF), static_cast<uint8_t>((c >> 8) & 0xFF),
            static_cast<uint8_t>((c >> 16) & 0xFF), 255};
  }
  float r, g, b;
  ImGui::ColorConvertHSVtoRGB(std::fmod(0.07f + 0.618034f * static_cast<float>(k), 1.0f), 0.55f, 0.95f, r, g, b);
  return {static_cast<uint8_t>(r * 255), static_cast<uint8_t>(g * 255), static_cast<uint8_t>(b * 255), 255};
}

ImU32 to_u32(const std::array<uint8_t, 4>& c) { return IM_COL32(c[0], c[1], c[2], c[3]); }

// What the encoding task produces, read on the UI thread once the task is done.
struct Encoded {
  ClusterProjection projection;
  int64_t step = -1;
  std::string split;           // "test" or "train"
  std::shared_ptr<const DatasetSplit> data;
};

class ClustersView : public View {
 public:
  const char* name() const override { return "clusters"; }
  const char* title() const override { return "Clusters"; }
  void draw(ViewContext& ctx) override;
  bool export_png(const std::string& path, float scale, std::string& error) override;
  bool supports_csv() const override { return true; }
  bool export_csv(const std::string& path, std::string& error) override;
  bool busy() const override {
    return wants_encoding_ || (encode_task_ && !encode_task_->done()) || (tsne_task_ && !tsne_task_->done()) ||
           kmeans_task_.in_flight();
  }
  void reset() override;

 private:
  void start_encoding(ViewContext& ctx);
  void poll_tasks(ViewContext& ctx);
  void start_kmeans(ViewContext& ctx);
  void start_tsne();
  void rebuild_points();
  void draw_controls(ViewContext& ctx);
  void draw_cloud(ViewContext& ctx, ImVec2 size);
  void draw_legend();
  std::string category_name(int64_t k) const;
  torch::Tensor categories() const;  // int64 [codes] for the chosen colouring, undefined when none yet

  // data
  std::shared_ptr<Encoded> encoded_;           // latest finished encoding
  std::shared_ptr<Task> encode_task_;
  std::shared_ptr<Encoded> encode_out_;
  std::shared_ptr<Task> tsne_task_;
  std::shared_ptr<TsneResult> tsne_out_;
  std::shared_ptr<TsneResult> tsne_;           // latest finished t-SNE of encoded_
  double tsne_perplexity_done_ = 0;
  KMeansResult kmeans_;
  int kmeans_k_done_ = -1;
  LatestTask kmeans_task_{"k-means"};        // invalidated when the codes change: stale results drop
  bool wants_encoding_ = false;                // the last frame had no codes yet (busy() for headless shots)

  // controls
  int points_choice_ = 2;
  int projection_ = kPca;
  int dim_x_ = 0, dim_y_ = 1;
  int color_by_ = kByLabel;
  int k_ = 10;
  float perplexity_ = 30.0f;
  int tsne_iterations_ = 1000;
  float point_size_ = 3.0f;
  std::string last_error_;

  // rendering state
  PointRenderer renderer_;
  bool points_dirty_ = true;
  std::vector<float> xy_;          // shown points, data units
  std::vector<int64_t> rows_;      // codes row of each shown point
  double box_[4] = {0, 0, 1, 1};   // x0, y0, x1, y1 of the data
  std::string x_caption_, y_caption_;
  ScreenRect cloud_rect_, export_rect_;
  int64_t hover_row_ = -1;
  Texture hover_texture_;
  int64_t hover_texture_row_ = -1;
  CaptureRequester capture_;
  Toaster toast_;
};

void ClustersView::reset() {
  if (encode_task_) encode_task_->cancel();
  if (tsne_task_) tsne_task_->cancel();
  encode_task_.reset();
  tsne_task_.reset();
  encoded_.reset();
  tsne_.reset();
  kmeans_ = {};
  kmeans_k_done_ = -1;
  kmeans_task_.invalidate();
  points_dirty_ = true;
  hover_row_ = hover_texture_row_ = -1;
}

// [SECTION] background work

void ClustersView::start_encoding(ViewContext& ctx) {
  auto ms = ctx.snapshot->model;
  auto data = ctx.session->data();
  const int64_t limit = kPointChoices[points_choice_];
  auto out = std::make_shared<Encoded>();
  encode_out_ = out;
  last_error_.clear();
  encode_task_ = run_task("encode evaluation set", [ms, data, limit, out](TaskContext& task) {
    const bool use_test = data->test.size() > 0;
    out->projection = project_clusters(*ms->model, use_test ? data->test : data->train, limit,
                                       [&task](float fraction, const std::string& status) {
                                         task.set_progress(fraction, status);
                                         return !task.cancelled();
                                       });
    out->step = ms->step;
    out->split = use_test ? "test" : "train";
    out->data = data;
  });
}

void ClustersView::start_kmeans(ViewContext& ctx) {
  if (!encoded_ || !ctx.tasks) return;
  auto enc = encoded_;
  const int k = std::min<int64_t>(k_, enc->projection.codes.size());
  kmeans_k_done_ = k_;  // requested; a change of k_ requests again
  kmeans_task_.start(*ctx.tasks, [this, enc, k](TaskContext&) -> std::function<void()> {
    auto result = std::make_shared<KMeansResult>(kmeans(enc->projection.codes.mu, k, /*seed=*/0));
    return [this, result] {
      kmeans_ = std::move(*result);
      if (color_by_ == kByKMeans) points_dirty_ = true;
    };
  });
}

void ClustersView::start_tsne() {
  if (!encoded_) return;
  auto mu = encoded_->projection.codes.mu;
  TsneOptions options;
  options.perplexity = perplexity_;
  options.iterations = tsne_iterations_;
  options.seed = 0;
  auto out = std::make_shared<TsneResult>();
  tsne_out_ = out;
  tsne_perplexity_done_ = perplexity_;
  tsne_task_ = run_task("t-SNE", [mu, options, out](TaskContext& task) {
    *out = tsne(mu, options, [&task](int64_t it, int64_t total, const std::string& status) {
      task.set_progress(0.05f + 0.95f * static_cast<float>(it) / static_cast<float>(total), status);
      return !task.cancelled();
    });
  });
}

void ClustersView::poll_tasks(ViewContext& ctx) {
  if (encode_task_ && encode_task_->done()) {
    if (encode_task_->failed()) {
      last_error_ = "encoding failed: " + encode_task_->error();
      if (ctx.toast) ctx.toast(ToastKind::Error, last_error_);
    } else if (!encode_task_->was_cancelled()) {
      encoded_ = encode_out_;
      kmeans_task_.invalidate();
      tsne_.reset();
      if (tsne_task_) tsne_task_->cancel();
      kmeans_ = {};
      kmeans_k_done_ = -1;
      const int64_t h = encoded_->projection.codes.mu.size(1);
      dim_x_ = std::min<int>(dim_x_, static_cast<int>(h - 1));
      dim_y_ = std::min<int>(dim_y_, static_cast<int>(h - 1));
      if (projection_ == kTsne) projection_ = kPca;  // a new t-SNE must be asked for
      points_dirty_ = true;
    }
    encode_task_.reset();
  }
  if (tsne_task_ && tsne_task_->done()) {
    if (tsne_task_->failed()) {
      last_error_ = "t-SNE failed: " + tsne_task_->error();
      if (ctx.toast) ctx.toast(ToastKind::Error, last_error_);
    } else if (!tsne_task_->was_cancelled()) {
      tsne_ = tsne_out_;
      projection_ = kTsne;
      points_dirty_ = true;
    }
    tsne_task_.reset();
  }
}

// [SECTION] drawing

torch::Tensor ClustersView::categories() const {
  const auto& codes = encoded_->projection.codes;
  if (color_by_ == kByLabel && codes.labels.defined()) return codes.labels.contiguous();
  if (color_by_ == kByKMeans && kmeans_.assignments.defined() && kmeans_.assignments.size(0) == codes.size())
    return kmeans_.assignments.contiguous();
  if (color_by_ == kByVade && encoded_->projection.vade_cluster.defined())
    return encoded_->projection.vade_cluster.contiguous();
  return {};
}

std::string ClustersView::category_name(int64_t k) const {
  if (color_by_ == kByLabel) {
    const auto& names = encoded_->split == "test" ? encoded_->data->test.class_names : encoded_->data->train.class_names;
    if (k >= 0 && k < static_cast<int64_t>(names.size())) return names[static_cast<size_t>(k)];
    return fmt::format("label {}", k);
  }
  return fmt::format("cluster {}", k);
}

void ClustersView::rebuild_points() {
  points_dirty_ = false;
  xy_.clear();
  rows_.clear();
  if (!encoded_) {
    renderer_.set_points({}, {});
    return;
  }
  torch::Tensor coords;  // [n, 2] float
  torch::Tensor rows;    // int64 [n]
  const auto& codes = encoded_->projection.codes;
  const auto& pca = encoded_->projection.pca;
  if (projection_ == kTsne && tsne_) {
    coords = tsne_->embedding;
    rows = tsne_->index;
    x_caption_ = "t-SNE 1";
    y_caption_ = fmt::format("t-SNE 2   (perplexity {:.0f}{})", tsne_perplexity_done_,
                             tsne_->subsampled ? fmt::format(", {} of {} points, subsampled", tsne_->index.size(0), codes.size())
                                               : std::string());
  } else if (projection_ == kTwoDims) {
    coords = torch::stack({codes.mu.select(1, dim_x_), codes.mu.select(1, dim_y_)}, 1);
    rows = torch::arange(codes.size(), torch::kLong);
    x_caption_ = fmt::format("z{}", dim_x_);
    y_caption_ = fmt::format("z{}", dim_y_);
  } else {
    coords = pca.projection;
    rows = torch::arange(codes.size(), torch::kLong);
    const double total = std::max(pca.total_variance, 1e-12);
    x_caption_ = fmt::format("PC1 ({:.0f}% of variance)", 100.0 * pca.explained_variance[0].item<double>() / total);
    y_caption_ = fmt::format("PC2 ({:.0f}% of variance)", 100.0 * pca.explained_variance[1].item<double>() / total);
  }
  coords = coords.to(torch::kFloat).contiguous();
  rows = rows.to(torch::kLong).contiguous();
  const int64_t n = coords.size(0);
  xy_.assign(coords.data_ptr<float>(), coords.data_ptr<float>() + 2 * n);
  rows_.assign(rows.data_ptr<int64_t>(), rows.data_ptr<int64_t>() + n);

  // Category per point, read through a raw pointer (item() per point would be slow for 70k).
  const torch::Tensor cat = categories();
  std::vector<uint8_t> rgba(static_cast<size_t>(4 * n));
  const uint8_t alpha = n > 20000 ? 110 : (n > 5000 ? 160 : 220);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t k = cat.defined() ? cat.data_ptr<int64_t>()[rows_[static_cast<size_t>(i)]] : -1;
    auto c = category_color(k);
    c[3] = alpha;
    std::copy(c.begin(), c.end(), rgba.begin() + 4 * i);
  }
  renderer_.set_points(xy_, std::move(rgba));

  // Box: data bounds with a margin.
  float x0 = 1e30f, x1 = -1e30f, y0 = 1e30f, y1 = -1e30f;
  for (int64_t i = 0; i < n; ++i) {
    x0 = std::min(x0, xy_[2 * i]);
    x1 = std::max(x1, xy_[2 * i]);
    y0 = std::min(y0, xy_[2 * i + 1]);
    y1 = std::max(y1, xy_[2 * i + 1]);
  }
  if (n == 0 || !std::isfinite(x0) || !std::isfinite(y0)) x0 = y0 = -1, x1 = y1 = 1;
  const double mx = 0.05 * std::max(1e-6f, x1 - x0), my = 0.05 * std::max(1e-6f, y1 - y0);
  box_[0] = x0 - mx;
  box_[2] = x1 + mx;
  box_[1] = y0 - my;
  box_[3] = y1 + my;
}

void ClustersView::draw_controls(ViewContext& ctx) {
  const bool encoding = encode_task_ && !encode_task_->done();
  const bool running_tsne = tsne_task_ && !tsne_task_->done();
  ImGui::SetNextItemWidth(110 * ctx.ui_scale);
  if (ImGui::Combo("points", &points_choice_, kPointLabels) && !encoding) start_encoding(ctx);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("How many evaluation inputs to encode (the test split when there is one).");
  ImGui::SameLine();
  if (encoding) {
    ImGui::ProgressBar(encode_task_->progress(), ImVec2(160 * ctx.ui_scale, 0), encode_task_->status().c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("cancel##encode")) encode_task_->cancel();
  } else if (ImGui::Button("Re-encode")) {
    start_encoding(ctx);
  }
  if (encoded_) {
    ImGui::SameLine();
    ImGui::TextDisabled("%lld %s inputs encoded", static_cast<long long>(encoded_->projection.codes.size()),
                        encoded_->split.c_str());
  }
  if (encoded_ && ctx.snapshot && ctx.snapshot->model && ctx.snapshot->model->step != encoded_->step) {
    ImGui::SameLine();
    ImGui::TextDisabled("(codes from step %lld, model at %lld)", static_cast<long long>(encoded_->step),
                        static_cast<long long>(ctx.snapshot->model->step));
  }

  ImGui::SetNextItemWidth(130 * ctx.ui_scale);
  int projection = projection_;
  if (ImGui::Combo("projection", &projection, "two dimensions\0PCA\0t-SNE\0")) {
    if (projection == kTsne && !tsne_ && !running_tsne) start_tsne();
    if (projection != kTsne || tsne_) projection_ = projection;
    points_dirty_ = true;
  }
  if (projection_ == kTwoDims && encoded_) {
    const int h = static_cast<int>(encoded_->projection.codes.mu.size(1));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(90 * ctx.ui_scale);
    if (ImGui::SliderInt("x dim", &dim_x_, 0, h - 1)) points_dirty_ = true;
    ImGui::SameLine();
    ImGui::SetNextItemWidth(90 * ctx.ui_scale);
    if (ImGui::SliderInt("y dim", &dim_y_, 0, h - 1)) points_dirty_ = true;
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110 * ctx.ui_scale);
  ImGui::SliderFloat("perplexity", &perplexity_, 5.0f, 100.0f, "%.0f");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90 * ctx.ui_scale);
  ImGui::SliderInt("iterations", &tsne_iterations_, 250, 2000);
  ImGui::SameLine();
  if (running_tsne) {
    ImGui::ProgressBar(tsne_task_->progress(), ImVec2(170 * ctx.ui_scale, 0), tsne_task_->status().c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("cancel##tsne")) tsne_task_->cancel();
  } else {
    ImGui::BeginDisabled(!encoded_);
    if (ImGui::Button("Run t-SNE")) start_tsne();
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
      ImGui::SetTooltip("Barnes-Hut t-SNE (theta 0.5) of the latent means; more than 20k points are subsampled.");
  }

  ImGui::SetNextItemWidth(130 * ctx.ui_scale);
  const bool has_vade = encoded_ && encoded_->projection.vade_cluster.defined();
  const char* color_items = has_vade ? "label\0k-means\0VaDE q(c|x)\0none\0" : "label\0k-means\0";
  int color = color_by_;
  if (!has_vade && color > kByKMeans) color = kByLabel;
  if (ImGui::Combo("colour", &color, color_items)) {
    color_by_ = color;
    points_dirty_ = true;
  }
  if (color_by_ == kByKMeans) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(100 * ctx.ui_scale);
    ImGui::SliderInt("k", &k_, 2, 20);
    if (kmeans_task_.in_flight()) {
      ImGui::SameLine();
      ImGui::TextDisabled("k-means ...");
    }
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90 * ctx.ui_scale);
  ImGui::SliderFloat("point size", &point_size_, 1.0f, 8.0f, "%.1f");
}

void ClustersView::draw_cloud(ViewContext& ctx, ImVec2 size) {
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float axis_h = ImGui::GetTextLineHeightWithSpacing();
  ImVec2 image_size(std::max(size.x, 50.0f), std::max(size.y - axis_h, 50.0f));
  // Equal aspect: same data units per pixel on both axes (projections are distance-preserving-ish).
  double x0 = box_[0], y0 = box_[1], x1 = box_[2], y1 = box_[3];
  {
    const double ux = (x1 - x0) / image_size.x, uy = (y1 - y0) / image_size.y;
    if (ux > uy) {
      const double c = 0.5 * (y0 + y1), half = 0.5 * ux * image_size.y;
      y0 = c - half;
      y1 = c + half;
    } else {
      const double c = 0.5 * (x0 + x1), half = 0.5 * uy * image_size.x;
      x0 = c - half;
      x1 = c + half;
    }
  }
  const ImVec2 fb_scale = ImGui::GetIO().DisplayFramebufferScale;
  const int pw = std::max(1, static_cast<int>(image_size.x * fb_scale.x));
  const int ph = std::max(1, static_cast<int>(image_size.y * fb_scale.y));
  const float background[4] = {0.09f, 0.09f, 0.11f, 1.0f};
  std::string error;
  if (!renderer_.render(pw, ph, x0, y0, x1, y1, point_size_ * fb_scale.x, background, error)) {
    ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", error.c_str());
    return;
  }
  ImGui::Image(renderer_.imgui_id(), image_size, ImVec2(0, 1), ImVec2(1, 0));
  const bool hovered = ImGui::IsItemHovered();
  cloud_rect_ = {origin.x, origin.y, image_size.x, image_size.y};
  auto* dl = ImGui::GetWindowDrawList();
  dl->AddRect(origin, ImVec2(origin.x + image_size.x, origin.y + image_size.y), IM_COL32(90, 90, 100, 255));
  // Axis captions below the cloud, and the data range at the corners.
  const ImU32 text_col = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 dim_col = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const std::string caption = fmt::format("x: {}    y: {}", x_caption_, y_caption_);
  dl->AddText(ImVec2(origin.x, origin.y + image_size.y + 2), text_col, caption.c_str());
  const std::string range = fmt::format("x [{:.2g}, {:.2g}]  y [{:.2g}, {:.2g}]", x0, x1, y0, y1);
  const float rw = ImGui::CalcTextSize(range.c_str()).x;
  const float cw = ImGui::CalcTextSize(caption.c_str()).x;
  if (cw + rw + 20 < image_size.x)
    dl->AddText(ImVec2(origin.x + image_size.x - rw, origin.y + image_size.y + 2), dim_col, range.c_str());
  ImGui::Dummy(ImVec2(image_size.x, axis_h));

  // Hover: nearest shown point within 10 px, in screen space.
  hover_row_ = -1;
  if (hovered && !xy_.empty()) {
    const ImVec2 m = ImGui::GetMousePos();
    const double sx = image_size.x / (x1 - x0), sy = image_size.y / (y1 - y0);
    double best = 100.0;
    int64_t best_i = -1;
    for (size_t i = 0; i < rows_.size(); ++i) {
      const double px = origin.x + (xy_[2 * i] - x0) * sx;
      const double py = origin.y + (y1 - xy_[2 * i + 1]) * sy;
      const double d2 = (px - m.x) * (px - m.x) + (py - m.y) * (py - m.y);
      if (d2 < best) {
        best = d2;
        best_i = static_cast<int64_t>(i);
      }
    }
    if (best_i >= 0) {
      hover_row_ = rows_[static_cast<size_t>(best_i)];
      const ImVec2 p(static_cast<float>(origin.x + (xy_[2 * best_i] - x0) * sx),
                     static_cast<float>(origin.y + (y1 - xy_[2 * best_i + 1]) * sy));
      dl->AddCircle(p, point_size_ + 4.0f, IM_COL32(255, 255, 255, 255), 0, 1.5f);
    }
  }
  if (hover_row_ >= 0 && encoded_) {
    const auto& set = encoded_->split == "test" ? encoded_->data->test : encoded_->data->train;
    const auto& codes = encoded_->projection.codes;
    const int64_t data_row = codes.index[hover_row_].item<int64_t>();
    ImGui::BeginTooltip();
    if (set.shape.is_image()) {
      if (hover_texture_row_ != hover_row_) {
        auto images = to_image_bytes(set.inputs(torch::tensor({data_row}, torch::kLong)));
        hover_texture_.upload(static_cast<int>(images.width), static_cast<int>(images.height),
                              static_cast<int>(images.channels), images.pixels.data(), true);
        hover_texture_row_ = hover_row_;
      }
      const float zoom = std::max(1.0f, std::floor(112.0f * ctx.ui_scale / std::max(1, hover_texture_.height())));
      ImGui::Image(hover_texture_.imgui_id(), ImVec2(hover_texture_.width() * zoom, hover_texture_.height() * zoom));
    }
    ImGui::Text("row %lld of %s", static_cast<long long>(data_row), set.name.c_str());
    if (codes.labels.defined()) {
      const int64_t label = codes.labels[hover_row_].item<int64_t>();
      const auto& names = set.class_names;
      ImGui::Text("label: %s", label >= 0 && label < static_cast<int64_t>(names.size())
                                   ? names[static_cast<size_t>(label)].c_str()
                                   : std::to_string(label).c_str());
    }
    if (kmeans_.assignments.defined() && kmeans_.assignments.size(0) == codes.size())
      ImGui::Text("k-means cluster: %lld", static_cast<long long>(kmeans_.assignments[hover_row_].item<int64_t>()));
    if (encoded_->projection.vade_cluster.defined())
      ImGui::Text("VaDE cluster: %lld",
                  static_cast<long long>(encoded_->projection.vade_cluster[hover_row_].item<int64_t>()));
    ImGui::EndTooltip();
  }
}

void ClustersView::draw_legend() {
  if (!encoded_) return;
  std::map<int64_t, int64_t> counts;
  const torch::Tensor cat = categories();
  if (!cat.defined()) {
    ImGui::TextDisabled(color_by_ == kByLabel ? "no labels" : (color_by_ == kByNothing ? "one colour" : "computing ..."));
    return;
  }
  for (int64_t row : rows_) counts[cat.data_ptr<int64_t>()[row]]++;
  ImGui::TextUnformatted(color_by_ == kByLabel ? "label" : (color_by_ == kByKMeans ? "k-means cluster" : "VaDE cluster"));
  auto* dl = ImGui::GetWindowDrawList();
  const float sq = ImGui::GetTextLineHeight() * 0.8f;
  for (const auto& [k, count] : counts) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float off = (ImGui::GetTextLineHeight() - sq) * 0.5f;
    dl->AddRectFilled(ImVec2(p.x, p.y + off), ImVec2(p.x + sq, p.y + off + sq), to_u32(category_color(k)));
    ImGui::Dummy(ImVec2(sq + 4, ImGui::GetTextLineHeight()));
    ImGui::SameLine();
    ImGui::Text("%s  (%lld)", category_name(k).c_str(), static_cast<long long>(count));
  }
  if (color_by_ == kByKMeans && kmeans_.centers.defined())
    ImGui::TextDisabled("inertia %.4g, %lld iterations", kmeans_.inertia, static_cast<long long>(kmeans_.iterations));
}

void ClustersView::draw(ViewContext& ctx) {
  capture_ = ctx.capture;
  toast_ = ctx.toast;
  wants_encoding_ = false;
  if (!has_model_to_show(ctx)) return;
  poll_tasks(ctx);
  const bool training = ctx.snapshot->progress.state == RunState::Running;
  const bool encoding = encode_task_ && !encode_task_->done();
  // Encode on first show, and again when training has stopped on a newer model than the codes'.
  if (!encoding && ctx.session->data() && last_error_.empty() &&
      (!encoded_ || (!training && encoded_->step != ctx.snapshot->model->step)))
    start_encoding(ctx);
  wants_encoding_ = !encoded_ && last_error_.empty();
  if (encoded_ && color_by_ == kByKMeans && kmeans_k_done_ != k_) start_kmeans(ctx);
  if (points_dirty_) rebuild_points();

  draw_controls(ctx);
  if (!last_error_.empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", last_error_.c_str());
  if (!encoded_) {
    ImGui::TextDisabled("Encoding the evaluation set ...");
    return;
  }
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float legend_w = 210.0f * ctx.ui_scale;
  const ImVec2 start = ImGui::GetCursorScreenPos();
  ImGui::BeginGroup();
  draw_cloud(ctx, ImVec2(avail.x - legend_w - ImGui::GetStyle().ItemSpacing.x, avail.y - ImGui::GetStyle().ItemSpacing.y));
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginChild("legend", ImVec2(legend_w, avail.y), false);
  draw_legend();
  ImGui::EndChild();
  export_rect_ = {start.x, start.y, avail.x, avail.y};
}

// [SECTION] exports

bool ClustersView::export_png(const std::string& path, float scale, std::string& error) {
  if (!encoded_) {
    error = "clusters: nothing to export yet (the evaluation set is still being encoded)";
    return false;
  }
  return export_screen_png(capture_, toast_, export_rect_, path, scale, error);
}

bool ClustersView::export_csv(const std::string& path, std::string& error) {
  if (!encoded_) {
    error = "clusters: nothing to export yet (the evaluation set is still being encoded)";
    return false;
  }
  return write_text_file(path, [&](std::ostream& out) {
    const auto& codes = encoded_->projection.codes;
    const bool km = kmeans_.assignments.defined() && kmeans_.assignments.size(0) == codes.size();
    const bool vade = encoded_->projection.vade_cluster.defined();
    // Raw pointers: item() per value would take seconds for 70k rows on the UI thread.
    auto index = codes.index.contiguous();
    auto labels = codes.labels.defined() ? codes.labels.contiguous() : torch::Tensor();
    auto assign = km ? kmeans_.assignments.contiguous() : torch::Tensor();
    auto vc = vade ? encoded_->projection.vade_cluster.contiguous() : torch::Tensor();
    out << "row,label," << (km ? "kmeans," : "") << (vade ? "vade," : "") << "x,y\n";
    for (size_t i = 0; i < rows_.size(); ++i) {
      const int64_t r = rows_[i];
      out << index.data_ptr<int64_t>()[r] << ',';
      if (labels.defined()) out << labels.data_ptr<int64_t>()[r];
      out << ',';
      if (km) out << assign.data_ptr<int64_t>()[r] << ',';
      if (vade) out << vc.data_ptr<int64_t>()[r] << ',';
      out << xy_[2 * i] << ',' << xy_[2 * i + 1] << '\n';
    }
  }, error);
}

}  // namespace

std::unique_ptr<View> make_clusters_view() { return std::make_unique<ClustersView>(); }

}  // namespace gui
}  // namespace vaelab
