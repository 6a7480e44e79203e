#include "analysis/evaluation.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "core/error.h"

namespace vaelab {

void TermMeans::add(const std::vector<std::pair<std::string, double>>& values, int64_t inputs) {
  for (const auto& [name, v] : values) {
    auto it = std::find_if(sums_.begin(), sums_.end(), [&](const auto& p) { return p.first == name; });
    if (it == sums_.end()) sums_.emplace_back(name, v * static_cast<double>(inputs));
    else it->second += v * static_cast<double>(inputs);
  }
  inputs_ += inputs;
}

std::vector<std::pair<std::string, double>> TermMeans::means() const {
  auto out = sums_;
  for (auto& [name, s] : out) s /= static_cast<double>(inputs_);
  return out;
}

LossTermsMean mean_loss_terms(Model& model, const Dataset& data, const StepInfo& info, int64_t batch_size,
                              int64_t limit, const EvaluationProgress& progress,
                              const Dequantization& dequantization) {
  if (batch_size < 1) throw Error(fmt::format("evaluation: batch size must be at least 1, got {}", batch_size));
  const int64_t total = limit > 0 ? std::min(limit, data.size()) : data.size();
  LossTermsMean result;
  if (total <= 0) return result;
  torch::NoGradGuard no_grad;
  EvalModeGuard eval_mode(model);
  const auto device = model.device();
  TermMeans sums;
  for (int64_t begin = 0; begin < total; begin += batch_size) {
    const int64_t end = std::min(total, begin + batch_size);
    sums.add(model.loss(dequantization.batch(data, begin, end, device), info).values(), end - begin);
    if (end < total && progress && !progress(end, total)) break;
  }
  result.inputs = sums.inputs();
  result.means = sums.means();
  result.complete = result.inputs == total;
  return result;
}

nlohmann::json Evaluation::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  j["samples"] = samples;
  j["nelbo"] = nelbo;
  nlohmann::json t = nlohmann::json::object();
  for (const auto& [name, value] : terms) t[name] = value;
  j["terms"] = t;
  j["dequantized"] = dequantized;
  if (iwae_k > 0) {
    j["iwae_nll"] = iwae_nll;
    j["iwae_k"] = iwae_k;
  }
  if (cancelled) j["cancelled"] = true;
  return j;
}

torch::Tensor iwae_log_likelihood(Model& model, const Batch& batch, int64_t k, int64_t max_rows) {
  if (k < 1) throw Error(fmt::format("IWAE: k must be at least 1, got {}", k));
  const int64_t b = batch.x.size(0);
  // Samples per pass so that b * chunk rows stay under max_rows (at least one sample per pass).
  const int64_t chunk = std::max<int64_t>(1, std::min<int64_t>(k, std::max<int64_t>(1, max_rows / std::max<int64_t>(b, 1))));
  std::vector<torch::Tensor> parts;  // {b, chunk_i} log weights
  for (int64_t done = 0; done < k; done += chunk) {
    const int64_t n = std::min(chunk, k - done);
    Batch repeated;
    // Row r of the repeated batch is input r / n: the n samples of one input are adjacent.
    repeated.x = batch.x.repeat_interleave(n, 0);
    if (batch.y.defined()) repeated.y = batch.y.repeat_interleave(n, 0);
    auto log_w = model.log_importance_weight(repeated);
    if (log_w.dim() != 1 || log_w.size(0) != b * n)
      throw Error(fmt::format("IWAE: log_importance_weight of variant '{}' returned shape {}, expected [{}]",
                              model.variant(), fmt::join(log_w.sizes(), "x"), b * n));
    parts.push_back(log_w.to(torch::kDouble).view({b, n}));
  }
  auto log_w = torch::cat(parts, 1);
  return torch::logsumexp(log_w, 1) - std::log(static_cast<double>(k));
}

Evaluation evaluate_likelihood(Model& model, const Dataset& data, const EvaluationOptions& options,
                               const EvaluationProgress& progress) {
  if (options.batch_size < 1)
    throw Error(fmt::format("evaluation: batch size must be at least 1, got {}", options.batch_size));
  if (options.iwae_k < 0) throw Error(fmt::format("evaluation: --iwae-k must be >= 0, got {}", options.iwae_k));
  if (options.limit < 0) throw Error(fmt::format("evaluation: --limit must be >= 0, got {}", options.limit));
  const int64_t total = options.limit > 0 ? std::min(options.limit, data.size()) : data.size();
  if (total == 0) throw Error(fmt::format("evaluation: dataset '{}' is empty", data.name));

  torch::NoGradGuard no_grad;
  EvalModeGuard eval_mode(model);
  if (options.seed >= 0) torch::manual_seed(static_cast<uint64_t>(options.seed));
  const auto device = model.device();
  const Dequantization dequantization{options.dequantize, options.seed};

  Evaluation result;
  result.dequantized = options.dequantize && holds_8bit_images(data);
  // Pass 1: nelbo and the named terms. Terms are batch means; weight them by batch size so the result
  // is a mean over inputs whatever the batching.
  double nelbo_sum = 0.0;
  TermMeans term_sums;
  int64_t done = 0;
  for (int64_t begin = 0; begin < total; begin += options.batch_size) {
    const int64_t end = std::min(total, begin + options.batch_size);
    const int64_t n = end - begin;
    Batch batch = dequantization.batch(data, begin, end, device);
    auto nelbo = model.nelbo(batch);
    nelbo_sum += nelbo.sum().item<double>();
    term_sums.add(model.loss(batch, StepInfo{}).values(), n);
    done = end;
    if (progress && !progress(done, total)) {
      result.cancelled = true;
      break;
    }
  }
  result.samples = done;
  result.nelbo = nelbo_sum / static_cast<double>(done);
  result.terms = term_sums.means();
  if (!std::isfinite(result.nelbo))
    throw Error(fmt::format("evaluation: the negative ELBO of variant '{}' is not finite on '{}'",
                            model.variant(), data.name));
  if (result.cancelled || options.iwae_k == 0) return result;

  // Pass 2: IWAE-k. Fewer inputs per pass when k is large, so each pass stays near max_rows rows.
  const int64_t iwae_batch = std::max<int64_t>(1, std::min(options.batch_size, options.max_rows / options.iwae_k));
  double nll_sum = 0.0;
  int64_t iwae_done = 0;
  for (int64_t begin = 0; begin < total; begin += iwae_batch) {
    const int64_t end = std::min(total, begin + iwae_batch);
    Batch batch = dequantization.batch(data, begin, end, device);
    nll_sum -= iwae_log_likelihood(model, batch, options.iwae_k, options.max_rows).sum().item<double>();
    iwae_done = end;
    if (progress && !progress(iwae_done, total)) {
      result.cancelled = true;
      break;
    }
  }
  result.iwae_k = options.iwae_k;
  result.iwae_nll = nll_sum / static_cast<double>(iwae_done);
  return result;
}

}  // namespace vaelab
