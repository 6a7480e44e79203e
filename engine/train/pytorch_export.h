#pragma once
// A run's model for PyTorch, readable there with torch.jit.load alone (issue "PyTorch interop" §2):
// one TorchScript archive whose state_dict() holds every parameter and buffer under its module name
// (encoder.1.weight, decoder.4.bias, sigma2, ...) and whose string attributes hold the description:
//   vaelab_export  format version (this file: "1")
//   vaelab_spec    the ModelSpec JSON (variant, latent, shape, architecture, likelihood, options)
//   vaelab_preset  the preset JSON the run trained with
//   vaelab_dataset the dataset descriptor
// In PyTorch:  m = torch.jit.load(path); state = m.state_dict(); spec = json.loads(m.vaelab_spec)
// tools/load_vaelab.py rebuilds the model from these (its PyTorch twin).
// The archive has no methods: the model's computation is the twin's, written from the spec.
#include <string>

namespace vaelab {

inline constexpr const char* kPytorchExportVersion = "1";

// Reads the run (folder or checkpoint file), loads its weights and writes `out` atomically. Throws
// vaelab::Error for a bad run, a checkpoint that does not load, or an unwritable out.
void export_for_pytorch(const std::string& run, const std::string& out);

}  // namespace vaelab
