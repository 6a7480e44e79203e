#include "session/trained_run.h"

#include <torch/torch.h>

#include "core/device.h"
#include "models/registry.h"

namespace vaelab {

std::shared_ptr<Model> load_trained_model(const std::string& checkpoint, const std::string& device,
                                          CheckpointMeta* meta_out) {
  CheckpointMeta meta = read_checkpoint_meta(checkpoint);
  auto model = make_model(meta.spec);
  const std::string wanted =
      device.empty() ? (meta.preset.contains("device") && meta.preset["device"].is_string()
                            ? meta.preset["device"].get<std::string>()
                            : std::string("auto"))
                     : device;
  model->to(resolve_device(wanted));
  load_checkpoint(checkpoint, *model, meta.spec, nullptr);
  model->eval();
  if (meta_out) *meta_out = std::move(meta);
  return model;
}

TrainedRun open_trained_run(const std::string& checkpoint, const std::string& device) {
  TrainedRun run;
  run.session = Session::open(checkpoint);
  run.model = load_trained_model(checkpoint, device.empty() ? run.session->preset().device : device, &run.meta);
  return run;
}

}  // namespace vaelab
