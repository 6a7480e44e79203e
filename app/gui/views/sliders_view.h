#pragma once
// The sliders view: one slider per latent dimension (grouped by Model::latent_groups()), the decoded image
// following the drag. Decoding runs on the snapshot's model on a worker ("latest wins"), so dragging
// never waits on a decode and never touches the training model.
// Declared in a header (unlike the other views) so that `vaelab --bench` can drive a drag.
// Ranges are in the units of each dimension's prior at the current code (Model::prior_scale, issue 14):
// +-k prior standard deviations around the prior's centre (Ladder: p(z_l | z_{l+1}) at the current z_{l+1};
// VaDE: the mixture's moments or a chosen cluster; HEBAE: its empirical prior), or +-k posterior sigma of an
// encoded image. Dragging a dimension moves the code through models/prior_units.h, so the layers below a
// Ladder layer follow in their own prior units and the decoded image changes. One line names the units.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/latest_task.h"
#include "views/view.h"
#include "widgets/image_grid.h"

namespace vaelab {

class Model;

namespace gui {

class SlidersView : public View {
 public:
  const char* name() const override { return "sliders"; }
  const char* title() const override { return "Sliders"; }
  void draw(ViewContext& ctx) override;
  bool export_png(const std::string& path, float scale, std::string& error) override;
  bool busy() const override { return decode_.in_flight() || encode_.in_flight() || grid_export_.in_flight(); }
  void reset() override;

  // --bench: set latent `dim` to `value` as a drag would. The first call turns on the recording of the
  // figures below (nothing is recorded in normal use): latencies (ms) from each change to the decoded
  // image being in place on the UI thread, and the time of each decode alone (ms), the part of the
  // latency that is not waiting for a frame.
  void bench_drag(int dim, float value);
  const std::vector<double>& bench_latencies_ms() const { return bench_latencies_ms_; }
  const std::vector<double>& bench_decode_ms() const { return bench_decode_ms_; }

 private:
  using Clock = std::chrono::steady_clock;
  void request_decode(ViewContext& ctx);
  void decoded(const ImageBytes& image, double decode_ms, Clock::time_point changed_at, bool inline_decode);
  void start_from(ViewContext& ctx, int mode);
  void export_class_grid(ViewContext& ctx);
  void update_prior(Model& model, int64_t step);

  std::vector<float> code_;      // current z
  std::vector<float> sigma_;     // posterior sigma of the encoded image (empty: use 1)
  std::vector<float> center_;    // slider centre for the +-k sigma range (the encoded mu)
  std::vector<float> prior_centre_, prior_scale_;  // the prior at code_ (Model::prior_scale)
  std::string prior_units_;      // PriorScale::describe of that prior
  int64_t prior_step_ = -1;      // model step prior_* were computed for
  bool prior_dirty_ = true;      // code_ or the component changed since
  int component_ = -1;           // mixture component of the prior (VaDE cluster), -1: the prior itself
  std::vector<float> vector_values_;  // decoded vector (vector data)
  int64_t model_step_ = -1;
  // Dirty when the code changed since the last decode request; latest wins while dragging.
  LatestTask decode_{"decode the sliders' code"};
  LatestTask encode_{"encode a test image"};
  LatestTask grid_export_{"export the class x sample grid"};
  Clock::time_point changed_at_{};  // first change since the last decode request
  // The last few inline decodes' own times (newest last): their median decides inline or worker, so one
  // decode slowed by training taking the cores does not send the next ones to a worker thread (which waits
  // for a core itself: worker decodes took p50 16 ms against 0.7 ms inline, bench_gui_latency).
  std::vector<double> recent_decode_ms_;
  int range_mode_ = 0;           // 0: +-k sd of the prior at the code, 1: +-k sigma of the posterior
  float range_k_ = 3.0f;
  int image_index_ = 0;
  int class_ = 0;
  int grid_samples_ = 8;
  std::string grid_path_ = "vaelab-class-grid.png";
  uint64_t seed_ = 1;
  ImageGrid image_;
  bool bench_recording_ = false;
  std::vector<double> bench_latencies_ms_;
  std::vector<double> bench_decode_ms_;
};

}  // namespace gui
}  // namespace vaelab
