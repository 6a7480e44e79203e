#pragma once
// The run view's model-health panel (the Tracy way: one feature of a view in a file of its own): the
// verdict and its sentence, every number with its threshold and a line on what it means, every finding,
// and which model the check saw (step, epoch) and when.
namespace vaelab {

struct TrainerSnapshot;

namespace gui {

class ModelHealthMonitor;

// Draws the panel into the current window at the cursor, as a collapsing section (open by default).
// `snapshot` (may be null) tells how far training has gone since the check.
void draw_model_health_panel(const ModelHealthMonitor& monitor, const TrainerSnapshot* snapshot);

}  // namespace gui
}  // namespace vaelab
