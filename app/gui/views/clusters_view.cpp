// The clusters view: latent means of the evaluation set (up to 70k points) projected on two chosen
// dimensions, by PCA, or by t-SNE; coloured by label, by k-means cluster, or (VaDE) by q(c|x); a legend
// with counts; hovering a point shows its input image. The wheel zooms about the mouse, right- (or, in
// pan mode, left-) drag pans, double-click fits. Zoomed in far enough that at most "images at most"
// points are in view, each of them is drawn as its input image. A box (Shift+drag, or the box mode) or
// a lasso selects points; the strip under the plot shows their images and sends the first two to the
// interpolation view or the first to the delta-sigma view (ViewContext::send_inputs).
//
// [SECTION] state and helpers
// [SECTION] background work: encoding + PCA (Task), k-means (LatestTask), t-SNE (Task)
// [SECTION] drawing: controls, zoom, pan and selection, thumbnails, point cloud (our GL point
//           renderer), legend, hover
// [SECTION] scripting (headless runs, clusters_scripting.h)
// [SECTION] exports
//
// Threading: encoding (analysis/cluster_projection.h) and t-SNE are polled Tasks (progress + cancel),
// polled once per frame; k-means is a LatestTask whose result closure lands on the UI thread. All of them read the published model snapshot and a
// shared_ptr to the dataset, never the training model; the UI thread never waits on them.
//
// Frame cost with 70k points: the points are one GL draw call (point_renderer.h), never ImGui vertices.
// Per frame the UI thread makes one pass over the shown points to count those in view (and, zoomed in,
// list them); the thumbnails are ImGui quads from one atlas texture (sprite_atlas.h), at most
// "images at most" of them, and at most kUploadsPerFrame inputs are read and uploaded per frame (the
// rest on the next frames), so zooming into a dense region never stalls a frame.
// Indices: selections hold rows of the codes; what is sent is the evaluation set's rows (codes.index),
// the test split when there is one: the same inputs the interpolation and delta-sigma views index.
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
#include "gl/sprite_atlas.h"
#include "gl/texture.h"
#include "screen_capture.h"
#include "session/session.h"
#include "stats/kmeans.h"
#include "stats/tsne.h"
#include "text_file.h"
#include "views/clusters_scripting.h"
#include "views/view.h"
#include "widgets/plot.h"
#include "widgets/point_selection.h"
#include "widgets/tooltip.h"

namespace vaelab {
namespace gui {
namespace {

// [SECTION] state and helpers

constexpr int64_t kPointChoices[] = {1000, 5000, 10000, 20000, 70000};
const char* kPointLabels = "1k\0" "5k\0" "10k\0" "20k\0" "70k (all)\0";

enum Projection { kTwoDims = 0, kPca = 1, kTsne = 2 };
enum ColorBy { kByLabel = 0, kByKMeans = 1, kByVade = 2, kByNothing = 3 };
enum DragMode { kDragPans = 0, kDragBox = 1, kDragLasso = 2 };
enum DragAction { kNoDrag, kPanning, kBoxing, kLassoing };

// Inputs read and uploaded into the thumbnail atlas per frame. Measured (--bench, 70k 64 x 64 shapes,
// llvmpipe): the frame that uploaded 64 took 16 ms, most of it the atlas's first allocation; 32 keeps
// the frames that fill in a freshly zoomed-in region (a few of them) well under 16 ms.
constexpr int kUploadsPerFrame = 32;
// Thumbnails in the selection strip (the rest are counted as "+N more").
constexpr int64_t kStripImages = 120;
// Atlas cells are at most this many pixels on a side: larger inputs (64 x 64 shapes) are averaged down
// by a whole factor, so that thousands fit one 2048 x 2048 texture.
constexpr int kMaxCellSide = 48;

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

class ClustersView : public View, public ClustersScripting {
 public:
  const char* name() const override { return "clusters"; }
  const char* title() const override { return "Clusters"; }
  void draw(ViewContext& ctx) override;
  bool export_png(const std::string& path, float scale, std::string& error) override;
  bool supports_csv() const override { return true; }
  bool export_csv(const std::string& path, std::string& error) override;
  bool busy() const override {
    return wants_encoding_ || (encode_task_ && !encode_task_->done()) || (tsne_task_ && !tsne_task_->done()) ||
           kmeans_task_.in_flight() || sprites_pending_ || script_pending();
  }
  void reset() override;

  // clusters_scripting.h
  void script_point_count(int64_t count) override;
  void script_zoom(double factor, double fx, double fy) override { script_zooms_.push_back({factor, fx, fy}); }
  void script_select_box(double fx0, double fy0, double fx1, double fy1) override {
    script_boxes_.push_back({fx0, fy0, fx1, fy1});
  }
  bool script_pending() const override { return !script_zooms_.empty() || !script_boxes_.empty() || restart_encoding_; }
  std::vector<int64_t> selected_inputs() const override;
  bool send_selection(ViewContext& ctx, const std::string& view, std::vector<int64_t>& sent) override;
  ClustersFigures figures() const override;

 private:
  void start_encoding(ViewContext& ctx);
  void poll_tasks(ViewContext& ctx);
  void start_kmeans(ViewContext& ctx);
  void start_tsne();
  void rebuild_points();
  void recolor_points();
  void draw_controls(ViewContext& ctx);
  void draw_cloud(ViewContext& ctx, ImVec2 size);
  void handle_mouse(ViewContext& ctx, bool hovered, bool active);
  void draw_images(ViewContext& ctx, ImDrawList* dl);
  void draw_selection_strip(ViewContext& ctx, float width);
  void draw_legend();
  // The plot's transform this frame: data (x, y) <-> screen.
  ImVec2 to_screen(double x, double y) const;
  void to_data(ImVec2 p, double& x, double& y) const;
  // Zoom and pan change zoom_ and the centre; update_view_box() turns them into this frame's box, so a
  // wheel turn after the points were drawn shows from the next frame on, points and images alike.
  void zoom_about(ImVec2 screen, double factor);
  void fit_view();
  void update_view_box();
  void select_shown(const std::vector<int64_t>& shown, bool add);  // indices into xy_ / rows_
  void clear_selection();
  // The atlas cell of evaluation-set row `data_row` when it is in the atlas; otherwise false, and the row
  // is queued for upload_images() (read and uploaded within this frame's budget).
  bool input_image(ViewContext& ctx, int64_t data_row, SpriteUv& uv);
  void upload_images(ViewContext& ctx);
  const Dataset& shown_set() const {
    return encoded_->split == "test" ? encoded_->data->test : encoded_->data->train;
  }
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
  int drag_mode_ = kDragPans;
  bool images_on_ = true;
  int max_images_ = 300;
  float image_px_ = 32.0f;
  std::string last_error_;
  bool restart_encoding_ = false;  // script_point_count: encode again with the new count

  // rendering state
  PointRenderer renderer_;
  bool points_dirty_ = true;
  std::vector<float> xy_;          // shown points, data units
  std::vector<int64_t> rows_;      // codes row of each shown point
  std::vector<uint8_t> rgba_;      // colour of each shown point (as given to the renderer)
  double box_[4] = {0, 0, 1, 1};   // x0, y0, x1, y1 of the data
  bool colors_dirty_ = false;      // colours only (selection, k-means result): the positions stay

  // zoom and pan: the data box fitted to the plot (equal aspect), shrunk by zoom_ about the centre
  double zoom_ = 1.0;
  double center_x_ = 0, center_y_ = 0;
  bool view_fitted_ = false;        // false: centre on the data at the next draw
  double vx0_ = 0, vy0_ = 0, vx1_ = 1, vy1_ = 1;  // data box shown this frame
  ImVec2 plot_origin_{0, 0}, plot_size_{1, 1};

  // mouse drags
  DragAction action_ = kNoDrag;
  ImVec2 drag_start_{0, 0};
  std::vector<ImVec2> lasso_;       // screen points of the lasso being drawn

  // selection: rows of the codes, ascending; mask by codes row
  std::vector<int64_t> selected_;
  std::vector<uint8_t> selected_mask_;

  // thumbnails
  SpriteAtlas atlas_;
  const void* atlas_data_ = nullptr;  // the Dataset the atlas holds images of
  int atlas_factor_ = 1;              // input pixels averaged per cell pixel, per side
  std::vector<int64_t> in_view_;      // shown-point indices inside the plot, while few enough for images
  int64_t in_view_count_ = 0;
  int64_t images_drawn_ = 0;
  std::vector<int64_t> wanted_rows_;  // evaluation-set rows asked for this frame and not in the atlas
  bool sprites_pending_ = false;

  // scripted requests (clusters_scripting.h), applied when the plot is laid out
  struct ScriptZoom { double factor, fx, fy; };
  struct ScriptBox { double fx0, fy0, fx1, fy1; };
  std::vector<ScriptZoom> script_zooms_;
  std::vector<ScriptBox> script_boxes_;
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
  clear_selection();
  atlas_data_ = nullptr;
  view_fitted_ = false;
  action_ = kNoDrag;
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
      if (color_by_ == kByKMeans) colors_dirty_ = true;
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
      // The same count of first rows: the selection still names the same inputs.
      if (!encoded_ || encoded_->projection.codes.size() != encode_out_->projection.codes.size()) clear_selection();
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
  recolor_points();
  view_fitted_ = false;

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

void ClustersView::recolor_points() {
  colors_dirty_ = false;
  const int64_t n = static_cast<int64_t>(rows_.size());
  // Category per point, read through a raw pointer (item() per point would be slow for 70k).
  const torch::Tensor cat = encoded_ ? categories() : torch::Tensor();
  rgba_.assign(static_cast<size_t>(4 * n), 0);
  const uint8_t alpha = n > 20000 ? 110 : (n > 5000 ? 160 : 220);
  // With a selection, the rest fade so that the selected points stand out.
  const bool any = !selected_.empty();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t row = rows_[static_cast<size_t>(i)];
    const int64_t k = cat.defined() ? cat.data_ptr<int64_t>()[row] : -1;
    auto c = category_color(k);
    const bool chosen = any && row < static_cast<int64_t>(selected_mask_.size()) && selected_mask_[static_cast<size_t>(row)];
    c[3] = !any ? alpha : (chosen ? 255 : static_cast<uint8_t>(alpha / 3));
    std::copy(c.begin(), c.end(), rgba_.begin() + 4 * i);
  }
  renderer_.set_points(xy_, rgba_);
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
    colors_dirty_ = true;
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

  ImGui::TextUnformatted("drag:");
  ImGui::SameLine();
  ImGui::RadioButton("pan", &drag_mode_, kDragPans);
  tip("Left-drag pans. Shift+drag selects a box in any mode; right-drag always pans; the wheel zooms; "
      "double-click fits the data.");
  ImGui::SameLine();
  ImGui::RadioButton("box select", &drag_mode_, kDragBox);
  tip("Left-drag selects the points in a box (Ctrl+drag adds to the selection).");
  ImGui::SameLine();
  ImGui::RadioButton("lasso select", &drag_mode_, kDragLasso);
  tip("Left-drag draws a lasso; the points inside it are selected (Ctrl+drag adds to the selection).");
  ImGui::SameLine(0, 20 * ctx.ui_scale);
  ImGui::Checkbox("images", &images_on_);
  tip("Zoomed in so that few points are in view, each point is drawn as its input image.");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90 * ctx.ui_scale);
  ImGui::SliderInt("at most", &max_images_, 20, 1000);
  tip("Images are drawn once at most this many points are in view.");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90 * ctx.ui_scale);
  ImGui::SliderFloat("image size", &image_px_, 12.0f, 112.0f, "%.0f px");
  if (encoded_) {
    ImGui::SameLine();
    ImGui::TextDisabled("%lld of %lld points in view, zoom %.3gx", static_cast<long long>(in_view_count_),
                        static_cast<long long>(rows_.size()), zoom_);
  }
}

// [SECTION] drawing: zoom, pan and selection

ImVec2 ClustersView::to_screen(double x, double y) const {
  return ImVec2(static_cast<float>(plot_origin_.x + (x - vx0_) / (vx1_ - vx0_) * plot_size_.x),
                static_cast<float>(plot_origin_.y + (vy1_ - y) / (vy1_ - vy0_) * plot_size_.y));
}

void ClustersView::to_data(ImVec2 p, double& x, double& y) const {
  x = vx0_ + (p.x - plot_origin_.x) / plot_size_.x * (vx1_ - vx0_);
  y = vy1_ - (p.y - plot_origin_.y) / plot_size_.y * (vy1_ - vy0_);
}

void ClustersView::fit_view() {
  zoom_ = 1.0;
  center_x_ = 0.5 * (box_[0] + box_[2]);
  center_y_ = 0.5 * (box_[1] + box_[3]);
  view_fitted_ = true;
}

void ClustersView::zoom_about(ImVec2 screen, double factor) {
  // The data point under `screen` stays under it.
  double x = 0, y = 0;
  to_data(screen, x, y);
  const double old = zoom_;
  zoom_ = std::clamp(zoom_ * factor, 0.5, 1e5);
  const double keep = old / zoom_;  // the shown box's new size relative to the old
  center_x_ = x + (center_x_ - x) * keep;
  center_y_ = y + (center_y_ - y) * keep;
}

void ClustersView::update_view_box() {
  // Equal aspect: same data units per pixel on both axes (projections are distance-preserving-ish).
  // The data box fitted to the plot, then shrunk by the zoom about the view's centre.
  const double ux = (box_[2] - box_[0]) / plot_size_.x, uy = (box_[3] - box_[1]) / plot_size_.y;
  const double unit = std::max(ux, uy) / zoom_;  // data units per pixel
  vx0_ = center_x_ - 0.5 * unit * plot_size_.x;
  vx1_ = center_x_ + 0.5 * unit * plot_size_.x;
  vy0_ = center_y_ - 0.5 * unit * plot_size_.y;
  vy1_ = center_y_ + 0.5 * unit * plot_size_.y;
}

void ClustersView::clear_selection() {
  const bool had = !selected_.empty();
  selected_.clear();
  selected_mask_.clear();
  if (had) colors_dirty_ = true;
}

void ClustersView::select_shown(const std::vector<int64_t>& shown, bool add) {
  if (!encoded_) return;
  if (!add) selected_.clear();
  selected_mask_.assign(static_cast<size_t>(encoded_->projection.codes.size()), 0);
  for (int64_t row : selected_) selected_mask_[static_cast<size_t>(row)] = 1;
  for (int64_t i : shown) {
    const int64_t row = rows_[static_cast<size_t>(i)];
    if (!selected_mask_[static_cast<size_t>(row)]) selected_.push_back(row);
    selected_mask_[static_cast<size_t>(row)] = 1;
  }
  std::sort(selected_.begin(), selected_.end());
  colors_dirty_ = true;
}

void ClustersView::handle_mouse(ViewContext& ctx, bool hovered, bool active) {
  ImGuiIO& io = ImGui::GetIO();
  const ImVec2 m = io.MousePos;
  if (hovered && io.MouseWheel != 0.0f) zoom_about(m, std::pow(1.2, static_cast<double>(io.MouseWheel)));
  if (hovered && action_ == kNoDrag) {
    if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left) && !io.KeyShift && drag_mode_ == kDragPans) {
      fit_view();
    } else if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
      action_ = io.KeyShift || drag_mode_ == kDragBox ? kBoxing : (drag_mode_ == kDragLasso ? kLassoing : kPanning);
      drag_start_ = m;
      lasso_.assign(1, m);
    } else if (ImGui::IsMouseClicked(ImGuiMouseButton_Right) || ImGui::IsMouseClicked(ImGuiMouseButton_Middle)) {
      action_ = kPanning;
    }
  }
  if (action_ == kNoDrag) return;
  if (active) {
    if (action_ == kPanning) {
      center_x_ -= io.MouseDelta.x / plot_size_.x * (vx1_ - vx0_);
      center_y_ += io.MouseDelta.y / plot_size_.y * (vy1_ - vy0_);
    } else if (action_ == kLassoing) {
      const ImVec2 last = lasso_.back();
      // A vertex every 3 px: enough for any hand-drawn outline, and few vertices to test points against.
      if ((m.x - last.x) * (m.x - last.x) + (m.y - last.y) * (m.y - last.y) >= 9.0f * ctx.ui_scale * ctx.ui_scale)
        lasso_.push_back(m);
    }
    return;
  }
  // Released: the box or lasso takes its points.
  if (action_ == kBoxing) {
    double x0, y0, x1, y1;
    to_data(drag_start_, x0, y0);
    to_data(m, x1, y1);
    // A click without a drag selects nothing and leaves the selection as it was.
    if (std::abs(m.x - drag_start_.x) >= 2 && std::abs(m.y - drag_start_.y) >= 2)
      select_shown(points_in_rect(xy_, x0, y0, x1, y1), io.KeyCtrl);
  } else if (action_ == kLassoing && lasso_.size() >= 3) {
    std::vector<SelectionVertex> polygon;
    polygon.reserve(lasso_.size());
    for (const ImVec2& p : lasso_) {
      SelectionVertex v;
      to_data(p, v.x, v.y);
      polygon.push_back(v);
    }
    select_shown(points_in_polygon(xy_, polygon), io.KeyCtrl);
  }
  action_ = kNoDrag;
  lasso_.clear();
}

// [SECTION] drawing: thumbnails

bool ClustersView::input_image(ViewContext& ctx, int64_t data_row, SpriteUv& uv) {
  const Dataset& set = shown_set();
  if (!set.shape.is_image()) return false;
  if (atlas_data_ != &set) {
    const int side = static_cast<int>(std::max(set.shape.height, set.shape.width));
    atlas_factor_ = std::max(1, (side + kMaxCellSide - 1) / kMaxCellSide);
    atlas_.reset(static_cast<int>(set.shape.width) / atlas_factor_, static_cast<int>(set.shape.height) / atlas_factor_);
    atlas_data_ = &set;
  }
  if (atlas_.find(data_row, ctx.frame, uv)) return true;
  if (std::find(wanted_rows_.begin(), wanted_rows_.end(), data_row) == wanted_rows_.end() &&
      static_cast<int>(wanted_rows_.size()) < kUploadsPerFrame)
    wanted_rows_.push_back(data_row);
  else if (static_cast<int>(wanted_rows_.size()) >= kUploadsPerFrame)
    sprites_pending_ = true;  // more than this frame's budget: the next frames take the rest
  return false;
}

void ClustersView::upload_images(ViewContext& ctx) {
  if (wanted_rows_.empty()) return;
  torch::Tensor x = shown_set().inputs(torch::tensor(wanted_rows_, torch::kLong));
  // Averaged down to the cell size (a whole factor: every input pixel counts once).
  if (atlas_factor_ > 1) x = torch::avg_pool2d(x.to(torch::kFloat), atlas_factor_, atlas_factor_);
  const ImageBytes images = to_image_bytes(x);
  SpriteUv uv;
  for (size_t i = 0; i < wanted_rows_.size(); ++i)
    atlas_.put(wanted_rows_[i], images.image(static_cast<int64_t>(i)), static_cast<int>(images.channels), ctx.frame, uv);
  // Drawn from the next frame on; until then busy() keeps headless screenshots waiting.
  sprites_pending_ = true;
  wanted_rows_.clear();
}

void ClustersView::draw_images(ViewContext& ctx, ImDrawList* dl) {
  images_drawn_ = 0;
  if (!images_on_ || in_view_.empty() || in_view_count_ > max_images_ || !shown_set().shape.is_image()) return;
  const auto index = encoded_->projection.codes.index.contiguous();
  const int64_t* data_row = index.data_ptr<int64_t>();
  const float half = 0.5f * image_px_ * ctx.ui_scale;
  // Images first (one draw command from the atlas), then their frames in the point's colour, selected
  // ones in white; all clipped to the plot.
  std::vector<std::pair<ImVec2, size_t>> drawn;
  for (size_t k = 0; k < in_view_.size(); ++k) {
    const size_t i = static_cast<size_t>(in_view_[k]);
    SpriteUv uv;
    if (!input_image(ctx, data_row[rows_[i]], uv)) continue;
    const ImVec2 p = to_screen(xy_[2 * i], xy_[2 * i + 1]);
    dl->AddImage(atlas_.imgui_id(), ImVec2(p.x - half, p.y - half), ImVec2(p.x + half, p.y + half), ImVec2(uv.u0, uv.v0),
                 ImVec2(uv.u1, uv.v1));
    drawn.emplace_back(p, i);
  }
  for (const auto& [p, i] : drawn) {
    const int64_t row = rows_[i];
    const bool chosen = row < static_cast<int64_t>(selected_mask_.size()) && selected_mask_[static_cast<size_t>(row)];
    const ImU32 col = chosen ? IM_COL32(255, 255, 255, 255) : IM_COL32(rgba_[4 * i], rgba_[4 * i + 1], rgba_[4 * i + 2], 255);
    dl->AddRect(ImVec2(p.x - half, p.y - half), ImVec2(p.x + half, p.y + half), col, 0.0f, 0, chosen ? 2.0f : 1.0f);
  }
  images_drawn_ = static_cast<int64_t>(drawn.size());
}

void ClustersView::draw_selection_strip(ViewContext& ctx, float width) {
  const int64_t n = static_cast<int64_t>(selected_.size());
  const auto inputs = selected_inputs();
  ImGui::Text("%lld selected", static_cast<long long>(n));
  ImGui::SameLine();
  std::vector<int64_t> sent;
  ImGui::BeginDisabled(n < 2);
  if (ImGui::Button("Interpolate first two")) send_selection(ctx, "interpolation", sent);
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled) && n >= 2)
    ImGui::SetTooltip("Interpolation view: the path between inputs %lld and %lld.", static_cast<long long>(inputs[0]),
                      static_cast<long long>(inputs[1]));
  ImGui::SameLine();
  if (ImGui::Button("delta-sigma of first")) send_selection(ctx, "delta-sigma", sent);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Variants (delta sigma) view of input %lld.", static_cast<long long>(inputs[0]));
  ImGui::SameLine();
  if (ImGui::Button("Clear selection")) clear_selection();
  const float thumb = std::round(48.0f * ctx.ui_scale);
  const float h = thumb + ImGui::GetStyle().ScrollbarSize + 2 * ImGui::GetStyle().WindowPadding.y;
  ImGui::BeginChild("selection strip", ImVec2(width, h), true, ImGuiWindowFlags_HorizontalScrollbar);
  const bool images = shown_set().shape.is_image();
  for (int64_t k = 0; k < std::min(n, kStripImages); ++k) {
    const int64_t row = inputs[static_cast<size_t>(k)];
    SpriteUv uv;
    if (images && input_image(ctx, row, uv)) {
      ImGui::Image(atlas_.imgui_id(), ImVec2(thumb, thumb), ImVec2(uv.u0, uv.v0), ImVec2(uv.u1, uv.v1));
    } else {
      ImGui::PushID(static_cast<int>(k));
      ImGui::Button(std::to_string(row).c_str(), ImVec2(images ? thumb : 0, thumb));
      ImGui::PopID();
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("input %lld", static_cast<long long>(row));
    ImGui::SameLine();
  }
  if (n > kStripImages) ImGui::TextDisabled("+%lld more", static_cast<long long>(n - kStripImages));
  else ImGui::NewLine();
  ImGui::EndChild();
}

void ClustersView::draw_cloud(ViewContext& ctx, ImVec2 size) {
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float axis_h = ImGui::GetTextLineHeightWithSpacing();
  ImVec2 image_size(std::max(size.x, 50.0f), std::max(size.y - axis_h, 50.0f));
  if (!view_fitted_) fit_view();
  plot_origin_ = origin;
  plot_size_ = image_size;
  update_view_box();
  // Scripted zooms and boxes (headless runs), now that the plot's place and box are known.
  for (const auto& z : script_zooms_) {
    zoom_about(ImVec2(static_cast<float>(origin.x + z.fx * image_size.x), static_cast<float>(origin.y + z.fy * image_size.y)),
               z.factor);
    update_view_box();
  }
  script_zooms_.clear();
  for (const auto& b : script_boxes_) {
    double bx0, by0, bx1, by1;
    to_data(ImVec2(static_cast<float>(origin.x + b.fx0 * image_size.x), static_cast<float>(origin.y + b.fy0 * image_size.y)),
            bx0, by0);
    to_data(ImVec2(static_cast<float>(origin.x + b.fx1 * image_size.x), static_cast<float>(origin.y + b.fy1 * image_size.y)),
            bx1, by1);
    select_shown(points_in_rect(xy_, bx0, by0, bx1, by1), false);
  }
  script_boxes_.clear();
  if (colors_dirty_) recolor_points();
  const double x0 = vx0_, y0 = vy0_, x1 = vx1_, y1 = vy1_;

  // Points in view: one pass over the shown points (70k: well under a millisecond); their list is kept
  // only while few enough for images.
  in_view_.clear();
  in_view_count_ = 0;
  {
    const size_t n = xy_.size() / 2;
    const float fx0 = static_cast<float>(x0), fx1 = static_cast<float>(x1);
    const float fy0 = static_cast<float>(y0), fy1 = static_cast<float>(y1);
    for (size_t i = 0; i < n; ++i) {
      const float x = xy_[2 * i], y = xy_[2 * i + 1];
      if (x >= fx0 && x <= fx1 && y >= fy0 && y <= fy1) {
        if (images_on_ && in_view_count_ < max_images_) in_view_.push_back(static_cast<int64_t>(i));
        ++in_view_count_;
      }
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
  // The plot takes the mouse (an invisible button over the image): wheel, drags, double-click.
  ImGui::SetCursorScreenPos(origin);
  ImGui::InvisibleButton("##cloud", image_size,
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight | ImGuiButtonFlags_MouseButtonMiddle);
  const bool hovered = ImGui::IsItemHovered();
  handle_mouse(ctx, hovered, ImGui::IsItemActive());
  cloud_rect_ = {origin.x, origin.y, image_size.x, image_size.y};
  auto* dl = ImGui::GetWindowDrawList();
  const ImVec2 corner(origin.x + image_size.x, origin.y + image_size.y);
  dl->PushClipRect(origin, corner, true);
  draw_images(ctx, dl);
  // The box or lasso being drawn.
  const ImU32 outline = IM_COL32(255, 255, 255, 220), fill = IM_COL32(255, 255, 255, 30);
  if (action_ == kBoxing) {
    const ImVec2 m = ImGui::GetMousePos();
    const ImVec2 a(std::min(m.x, drag_start_.x), std::min(m.y, drag_start_.y));
    const ImVec2 b(std::max(m.x, drag_start_.x), std::max(m.y, drag_start_.y));
    dl->AddRectFilled(a, b, fill);
    dl->AddRect(a, b, outline, 0.0f, 0, 1.5f);
  } else if (action_ == kLassoing && lasso_.size() >= 2) {
    dl->AddPolyline(lasso_.data(), static_cast<int>(lasso_.size()), outline, ImDrawFlags_None, 1.5f);
    dl->AddLine(lasso_.back(), lasso_.front(), IM_COL32(255, 255, 255, 90), 1.0f);
  }
  dl->PopClipRect();
  dl->AddRect(origin, corner, IM_COL32(90, 90, 100, 255));
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

  // Hover: nearest shown point within 10 px, in screen space (not while dragging).
  hover_row_ = -1;
  if (hovered && action_ == kNoDrag && !xy_.empty()) {
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
  if (restart_encoding_ && ctx.session->data()) {
    if (encode_task_) encode_task_->cancel();
    restart_encoding_ = false;
    last_error_.clear();
    start_encoding(ctx);
  } else if (!encoding && ctx.session->data() && last_error_.empty() &&
             (!encoded_ || (!training && encoded_->step != ctx.snapshot->model->step))) {
    start_encoding(ctx);
  }
  wants_encoding_ = !encoded_ && last_error_.empty();
  if (encoded_ && color_by_ == kByKMeans && kmeans_k_done_ != k_) start_kmeans(ctx);
  if (points_dirty_) rebuild_points();
  if (colors_dirty_) recolor_points();
  wanted_rows_.clear();
  sprites_pending_ = false;

  draw_controls(ctx);
  if (!last_error_.empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", last_error_.c_str());
  if (!encoded_) {
    ImGui::TextDisabled("Encoding the evaluation set ...");
    return;
  }
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float legend_w = 210.0f * ctx.ui_scale;
  const ImVec2 start = ImGui::GetCursorScreenPos();
  const float cloud_w = avail.x - legend_w - ImGui::GetStyle().ItemSpacing.x;
  // The selection strip under the plot: a line of buttons and a row of thumbnails.
  const ImGuiStyle& style = ImGui::GetStyle();
  const float strip_h = selected_.empty() ? 0.0f
                                          : ImGui::GetFrameHeightWithSpacing() + std::round(48.0f * ctx.ui_scale) +
                                                style.ScrollbarSize + 2 * style.WindowPadding.y + style.ItemSpacing.y;
  ImGui::BeginGroup();
  draw_cloud(ctx, ImVec2(cloud_w, avail.y - style.ItemSpacing.y - strip_h));
  if (!selected_.empty()) draw_selection_strip(ctx, cloud_w);
  upload_images(ctx);
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginChild("legend", ImVec2(legend_w, avail.y), false);
  draw_legend();
  ImGui::EndChild();
  export_rect_ = {start.x, start.y, avail.x, avail.y};
}

// [SECTION] scripting

void ClustersView::script_point_count(int64_t count) {
  int choice = static_cast<int>(std::size(kPointChoices)) - 1;
  for (int i = 0; i < static_cast<int>(std::size(kPointChoices)); ++i)
    if (kPointChoices[i] >= count) {
      choice = i;
      break;
    }
  points_choice_ = choice;
  restart_encoding_ = true;
}

std::vector<int64_t> ClustersView::selected_inputs() const {
  std::vector<int64_t> out;
  if (!encoded_ || selected_.empty()) return out;
  const auto index = encoded_->projection.codes.index.contiguous();
  const int64_t* rows = index.data_ptr<int64_t>();
  out.reserve(selected_.size());
  for (int64_t row : selected_) out.push_back(rows[row]);
  return out;
}

bool ClustersView::send_selection(ViewContext& ctx, const std::string& view, std::vector<int64_t>& sent) {
  sent = selected_inputs();
  const size_t wanted = view == "interpolation" ? 2 : (view == "delta-sigma" ? 1 : sent.size());
  if (sent.size() > wanted) sent.resize(wanted);
  if (sent.empty() || !ctx.send_inputs) return false;
  const bool taken = ctx.send_inputs(view, sent);
  if (!taken && ctx.toast) ctx.toast(ToastKind::Error, "the " + view + " view takes no inputs");
  return taken;
}

ClustersFigures ClustersView::figures() const {
  ClustersFigures f;
  f.encoded = encoded_ ? encoded_->projection.codes.size() : 0;
  f.shown = static_cast<int64_t>(rows_.size());
  f.in_view = in_view_count_;
  f.images_drawn = images_drawn_;
  f.selected = static_cast<int64_t>(selected_.size());
  f.plot = cloud_rect_;
  return f;
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
