#include "analysis/cluster_projection.h"

#include <torch/torch.h>

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "analysis/latent_grid.h"
#include "core/task.h"
#include "models/vade.h"

namespace vaelab {

namespace {

// The batch of means handed to VaDE's q(c|x) at once: bounds the [batch, K] responsibilities' memory.
constexpr int64_t kVadeBatch = 2048;

}  // namespace

ClusterProjection project_clusters(Model& model, const Dataset& data, int64_t limit,
                                   const ClusterProjectionProgress& progress) {
  auto report = [&progress](float fraction, const std::string& status) {
    if (progress && !progress(fraction, status)) throw TaskCancelled();
  };
  ClusterProjection out;
  LatentCodeOptions options;
  options.limit = limit;
  out.codes = encode_dataset(model, data, options, [&report](int64_t done, int64_t total) {
    report(0.9f * static_cast<float>(done) / static_cast<float>(total), fmt::format("encoding {}/{}", done, total));
    return true;
  });
  report(0.9f, "PCA");
  out.pca = pca(out.codes.mu, 2);
  if (auto* vade = dynamic_cast<Vade*>(&model)) {
    torch::NoGradGuard no_grad;
    const auto device = vade->device();
    std::vector<torch::Tensor> parts;
    const int64_t n = out.codes.size();
    for (int64_t b = 0; b < n; b += kVadeBatch) {
      auto mu = out.codes.mu.slice(0, b, std::min(n, b + kVadeBatch)).to(device);
      parts.push_back(vade->responsibilities(mu).argmax(1).to(torch::kCPU));
      report(0.9f, "q(c|x)");
    }
    out.vade_cluster = torch::cat(parts);
    out.vade_clusters = vade->clusters();
  }
  report(1.0f, "done");
  return out;
}

}  // namespace vaelab
