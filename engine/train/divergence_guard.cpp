#include "train/divergence_guard.h"

#include <torch/torch.h>

#include <cmath>

namespace vaelab {

namespace {

// Name of the first tensor with a non-finite value, or "" (one device sync in the common case).
std::string first_non_finite(const std::vector<std::pair<std::string, torch::Tensor>>& tensors) {
  std::vector<torch::Tensor> flags;
  std::vector<size_t> which;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const auto& t = tensors[i].second;
    if (!t.defined() || !t.is_floating_point() || t.numel() == 0) continue;
    flags.push_back(torch::isfinite(t).all());
    which.push_back(i);
  }
  if (flags.empty() || torch::stack(flags).all().item<bool>()) return "";
  for (size_t k = 0; k < flags.size(); ++k)
    if (!flags[k].item<bool>()) return tensors[which[k]].first;
  return "";
}

}  // namespace

void DivergenceGuard::reset(Model& model) {
  model_ = &model;
  int64_t scalars = 0;
  for (const auto& p : model.parameters()) scalars += p.numel();
  for (const auto& b : model.buffers()) scalars += b.numel();
  copy_every_step_ = scalars <= kCopyEveryStepMax;
  candidate_.clear();
  kept_.clear();
  candidate_step_ = copied_step_ = kept_step_ = -1;
}

std::vector<std::pair<std::string, torch::Tensor>> DivergenceGuard::live_state() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& it : model_->named_parameters(true)) out.emplace_back(it.key(), it.value());
  for (const auto& it : model_->named_buffers(true)) out.emplace_back(it.key(), it.value());
  return out;
}

void DivergenceGuard::keep_if_due(int64_t step) {
  if (!(copy_every_step_ || copied_step_ < 0 || step - copied_step_ >= kCopyEvery)) return;
  torch::NoGradGuard no_grad;
  auto live = live_state();
  if (candidate_.size() != live.size()) {
    candidate_.clear();
    for (const auto& [name, t] : live) candidate_.emplace_back(name, t.detach().clone());
  } else {
    for (size_t i = 0; i < live.size(); ++i) candidate_[i].second.copy_(live[i].second);
  }
  candidate_step_ = copied_step_ = step;
}

void DivergenceGuard::loss_was_finite(int64_t step) {
  if (candidate_step_ < 0 || candidate_step_ != step) return;
  std::swap(candidate_, kept_);  // the old restore point's tensors become the next candidate's storage
  kept_step_ = candidate_step_;
  candidate_step_ = -1;
}

void DivergenceGuard::restore() {
  candidate_step_ = copied_step_ = -1;  // the live state changes: the next step copies afresh
  if (kept_.empty()) return;
  torch::NoGradGuard no_grad;
  auto live = live_state();
  for (size_t i = 0; i < live.size() && i < kept_.size(); ++i) live[i].second.copy_(kept_[i].second);
}

int64_t DivergenceGuard::first_non_finite_term(const std::vector<std::pair<std::string, double>>& values) {
  for (size_t i = 1; i < values.size(); ++i)
    if (!std::isfinite(values[i].second)) return static_cast<int64_t>(i);
  return !values.empty() && !std::isfinite(values[0].second) ? 0 : -1;
}

std::string DivergenceGuard::first_non_finite_gradient() const {
  std::vector<std::pair<std::string, torch::Tensor>> grads;
  for (const auto& it : model_->named_parameters(true))
    if (it.value().grad().defined()) grads.emplace_back(it.key(), it.value().grad());
  return first_non_finite(grads);
}

std::string DivergenceGuard::first_non_finite_state() const { return first_non_finite(live_state()); }

std::string DivergenceGuard::describe(double value) {
  if (std::isnan(value)) return "nan";
  return value > 0 ? "inf" : "-inf";
}

}  // namespace vaelab
