#include "train/output_bias_init.h"

#include <torch/torch.h>

#include <algorithm>

namespace vaelab {

torch::Tensor mean_sample(const Dataset& data) {
  const int64_t n = data.size();
  if (n == 0) return {};
  constexpr int64_t kChunk = 4096;
  torch::Tensor sum;
  for (int64_t begin = 0; begin < n; begin += kChunk) {
    const auto part = data.inputs(begin, std::min(begin + kChunk, n)).to(torch::kDouble).sum(0);
    sum = sum.defined() ? sum + part : part;
  }
  return (sum / static_cast<double>(n)).to(torch::kFloat);
}

torch::Tensor raw_output_for_mean(const Likelihood& likelihood, const torch::Tensor& mean) {
  if (likelihood.kind != Likelihood::Kind::Bernoulli) return mean.clone();
  const auto p = mean.clamp(1e-3, 1.0 - 1e-3);
  return p.log() - (-p).log1p();
}

bool initialize_output_bias(Model& model, const Likelihood& likelihood, const torch::Tensor& mean) {
  if (!mean.defined()) return false;
  torch::nn::Module* decoder = nullptr;
  for (const auto& child : model.named_children())
    if (child.key() == "decoder") decoder = child.value().get();
  if (!decoder) return false;
  torch::Tensor bias;
  for (const auto& p : decoder->named_parameters(/*recurse=*/true)) {
    const std::string& name = p.key();
    if (name == "bias" || (name.size() > 5 && name.compare(name.size() - 5, 5, ".bias") == 0)) bias = p.value();
  }
  if (!bias.defined()) return false;
  torch::Tensor target;
  if (bias.numel() == mean.numel()) {
    target = mean.reshape({-1});
  } else if (mean.dim() == 3 && bias.numel() == mean.size(0)) {
    target = mean.mean({1, 2});
  } else {
    return false;
  }
  torch::NoGradGuard no_grad;
  // PH-VAE's decoder ends in a sigmoid whatever its recon (spec §2): its raw output is a logit.
  const Likelihood link = model.variant() == "ph-vae" ? Likelihood{} : likelihood;
  bias.copy_(raw_output_for_mean(link, target).to(bias.options()));
  return true;
}

}  // namespace vaelab
