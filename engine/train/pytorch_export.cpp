#include "train/pytorch_export.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <map>
#include <memory>

#include "core/error.h"
#include "models/registry.h"
#include "train/checkpoint.h"
#include "train/run_folder.h"

namespace vaelab {

namespace {

// A module path ("encoder.1") as nested archives, so that the loaded module's state_dict() keys are the
// dotted names.
struct ArchiveNode {
  std::map<std::string, std::unique_ptr<ArchiveNode>> children;
  std::vector<std::tuple<std::string, torch::Tensor, bool>> tensors;

  ArchiveNode& child(const std::string& name) {
    auto& slot = children[name];
    if (!slot) slot = std::make_unique<ArchiveNode>();
    return *slot;
  }
  void insert(const std::string& dotted, const torch::Tensor& t, bool buffer) {
    const auto dot = dotted.find('.');
    if (dot == std::string::npos) tensors.emplace_back(dotted, t, buffer);
    else child(dotted.substr(0, dot)).insert(dotted.substr(dot + 1), t, buffer);
  }
  void write_to(torch::serialize::OutputArchive& archive) const {
    for (const auto& [name, t, buffer] : tensors) archive.write(name, t, buffer);
    for (const auto& [name, node] : children) {
      torch::serialize::OutputArchive sub;
      node->write_to(sub);
      archive.write(name, sub);
    }
  }
};

}  // namespace

void export_for_pytorch(const std::string& run, const std::string& out) {
  const std::string checkpoint = locate_run(run).checkpoint;
  const CheckpointMeta meta = read_checkpoint_meta(checkpoint);
  auto model = make_model(meta.spec);
  load_checkpoint(checkpoint, *model, meta.spec, nullptr);

  torch::NoGradGuard no_grad;
  ArchiveNode root;
  for (const auto& p : model->named_parameters(true)) root.insert(p.key(), p.value().detach().to(torch::kCPU).contiguous(), false);
  for (const auto& b : model->named_buffers(true)) root.insert(b.key(), b.value().detach().to(torch::kCPU).contiguous(), true);
  torch::serialize::OutputArchive archive;
  root.write_to(archive);
  archive.write("vaelab_export", c10::IValue(std::string(kPytorchExportVersion)));
  archive.write("vaelab_spec", c10::IValue(meta.spec.to_json().dump()));
  archive.write("vaelab_preset", c10::IValue(meta.preset.dump()));
  archive.write("vaelab_dataset", c10::IValue(meta.dataset.dump()));

  write_archive_atomically(archive, out, "export");
}

}  // namespace vaelab
