#include "views/view.h"

#include <imgui.h>

#include "train/snapshot.h"

namespace vaelab::gui {

bool has_model_to_show(const ViewContext& ctx) {
  if (!ctx.session) {
    ImGui::TextDisabled("No run is open.");
    return false;
  }
  if (!ctx.snapshot || !ctx.snapshot->model || !ctx.snapshot->model->model) {
    ImGui::TextDisabled("Waiting for the first model snapshot ...");
    return false;
  }
  return true;
}

}  // namespace vaelab::gui
