#pragma once
// A VAE trained elsewhere (PyTorch), opened from a TorchScript file, behind the one Model interface so
// that evaluation, health, indicators and every view that needs only encode/decode work with it.
//
// The format (README "Opening PyTorch models"): a file written by torch.jit.script(model).save(path)
// whose module has
//   encode(x) -> (mu, logvar)   or mu alone for a deterministic encoder; x in data range [0, 1]
//   decode(z) -> x_hat          the decoder's mean in data range
//   latent_dim: int             attribute
// and optionally
//   input_shape: List[int]      what encode() takes per input, e.g. [784] or [1, 28, 28]; the dataset's
//                               inputs are reshaped to it (same number of values, else an error)
//   likelihood: str             "bernoulli" (decode gives probabilities; -log p is the binary cross-entropy,
//                               logs clamped at -100 as PyTorch's BCELoss) or "gaussian:<sigma2>" (fixed
//                               variance); without it there is no -log p: nelbo, loss and IWAE throw
//   name: str                   shown in the run view (default: the file name)
// The prior is N(0, I) (the interface's default). Such a model cannot be trained here: it has no
// trainable parameters of ours and loss() is computed without gradients.
//
// Errors are vaelab::Error naming the file and what is missing or wrong ("module has no method
// 'decode'", "encode returned a tuple of 3"); a file that is not TorchScript gets the message a bad
// checkpoint gets ("not a readable ... (corrupt or truncated)").
#include <torch/script.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "models/likelihood.h"
#include "models/model.h"
#include "models/model_spec.h"

namespace vaelab {

class TorchScriptModel final : public Model {
 public:
  static constexpr const char* kVariant = "torchscript";

  // Loads the module and checks its methods and attributes (what they return is checked by bind_data).
  static std::shared_ptr<TorchScriptModel> load(const std::string& path, torch::Device device = torch::kCPU);

  // Binds the model to a dataset's shape: checks input_shape against it ("input shape [3, 64, 64] does
  // not match dataset fashion-mnist [1, 28, 28]") and runs encode/decode on two zero inputs to check what
  // they return. decode() then gives batches in the dataset's shape.
  void bind_data(const DataShape& shape, const std::string& dataset_name);
  // The spec that describes it to the analyses (variant "torchscript", the bound shape, the likelihood).
  ModelSpec spec() const;

  const std::string& path() const { return path_; }
  const std::string& name() const { return name_; }
  const std::vector<int64_t>& input_shape() const { return input_shape_; }
  const std::optional<Likelihood>& likelihood() const { return likelihood_; }
  // The likelihood attribute as written in the file ("" when absent).
  const std::string& likelihood_text() const { return likelihood_text_; }

  std::string variant() const override { return kVariant; }
  int64_t latent_dim() const override { return latent_dim_; }
  Posterior encode(const Batch& batch) override;
  torch::Tensor decode(const torch::Tensor& z, const torch::Tensor& y = {}) override;
  // recon (-log p(x|z), one z sample) + kl (closed form to N(0, I)); no gradients. Throws without a
  // likelihood.
  LossTerms loss(const Batch& batch, const StepInfo& info) override;
  std::vector<torch::Tensor> trainable_parameters() override { return {}; }
  torch::Tensor log_likelihood(const Batch& batch, const torch::Tensor& z) override;

  // Moves the scripted module with the model.
  using Model::to;
  void to(torch::Device device, bool non_blocking = false) override;
  // An independent copy (its own module), for readers on other threads.
  std::shared_ptr<TorchScriptModel> clone() const;

 private:
  TorchScriptModel() = default;
  [[noreturn]] void fail(const std::string& what) const;
  torch::Tensor to_module_input(const torch::Tensor& x) const;
  Posterior parse_encoding(const c10::IValue& out, int64_t batch) const;

  torch::jit::Module module_;
  std::string path_;
  std::string name_;
  int64_t latent_dim_ = 0;
  std::vector<int64_t> input_shape_;
  std::optional<Likelihood> likelihood_;
  std::string likelihood_text_;
  std::optional<DataShape> data_shape_;
  torch::Tensor device_marker_;  // an empty buffer, so Model::device() follows the module
};

}  // namespace vaelab
