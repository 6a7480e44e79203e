#pragma once
// What headless runs (tests, --bench) can ask of the clusters view: the same state changes a person
// makes with the points combo, the mouse wheel, a box drag and the selection strip's buttons, without
// synthesising mouse paths. The clusters view implements it; the app finds it with dynamic_cast on the
// view shown (app_automation.cpp: --clusters-points, --zoom, --select, --send-selection).
//
// Positions are fractions of the plot area, (0, 0) its top-left corner and (1, 1) its bottom-right, so a
// script needs no knowledge of the data's coordinates. Zoom and selection requests wait for the next
// frame that shows the plot (the codes encoded, the plot laid out); pending() is true until then.
#include <cstdint>
#include <string>
#include <vector>

#include "views/view.h"

namespace vaelab {
namespace gui {

struct ClustersFigures {
  int64_t encoded = 0;          // codes encoded
  int64_t shown = 0;            // points in the plot (t-SNE may subsample)
  int64_t in_view = 0;          // of those, inside the zoomed plot area
  int64_t images_drawn = 0;     // thumbnails drawn over the points in the last frame
  int64_t selected = 0;
  ScreenRect plot;              // the plot area in ImGui screen coordinates
};

class ClustersScripting {
 public:
  virtual ~ClustersScripting() = default;
  // Encodes the first `count` inputs (rounded up to one of the points combo's choices, 1k to 70k).
  virtual void script_point_count(int64_t count) = 0;
  // Zooms by `factor` (> 1 in) about the point at (fx, fy), as the wheel does about the mouse.
  virtual void script_zoom(double factor, double fx, double fy) = 0;
  // Replaces the selection by the points inside the box with corners (fx0, fy0) and (fx1, fy1).
  virtual void script_select_box(double fx0, double fy0, double fx1, double fy1) = 0;
  virtual bool script_pending() const = 0;
  // The selection as evaluation-set indices (the test split's rows, as send_inputs takes them).
  virtual std::vector<int64_t> selected_inputs() const = 0;
  // Does what the strip's button for `view` does ("interpolation": the first two selected,
  // "delta-sigma": the first): calls ctx.send_inputs, returns its answer and the indices sent.
  virtual bool send_selection(ViewContext& ctx, const std::string& view, std::vector<int64_t>& sent) = 0;
  virtual ClustersFigures figures() const = 0;
};

}  // namespace gui
}  // namespace vaelab
