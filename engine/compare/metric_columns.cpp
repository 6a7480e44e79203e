#include "compare/metric_columns.h"

#include <torch/torch.h>

#include "compare/comparison_table.h"
#include "stats/kmeans.h"
#include "analysis/latent_codes.h"
#include "core/error.h"
#include "metrics/cluster_accuracy.h"
#include "metrics/factor_vae_score.h"
#include "stats/gmm_em.h"
#include "metrics/informative_dimensions.h"
#include "metrics/mig.h"
#include "metrics/nmi.h"
#include "models/vade.h"

namespace vaelab {

namespace {

// Cluster id per row: VaDE's own q(c|x), else a GMM with one component per class on the codes'
// informative dimensions (metrics/informative_dimensions.h).
torch::Tensor clusters_of(Model& model, const torch::Tensor& mu, const torch::Tensor& logvar, int64_t classes,
                          uint64_t seed) {
  if (auto* vade = dynamic_cast<Vade*>(&model)) {
    torch::NoGradGuard no_grad;
    const auto w = model.parameters().front();
    return vade->responsibilities(mu.to(w.device(), w.scalar_type())).argmax(1).to(torch::kCPU);
  }
  const auto x = mu.index_select(1, informative_dimensions(mu, logvar).to(mu.device()));
  const int64_t k = std::min<int64_t>(classes, x.size(0));
  const auto km = kmeans_best_of(x, k, seed, kKMeansRestarts);
  return fit_gaussian_mixture(x, km.assignments, k).predict(x).to(torch::kCPU);
}

}  // namespace

std::vector<std::string> metric_column_names() { return {"cluster_acc", "nmi", "mig", "factor_vae_score"}; }

MetricColumns metric_columns(Model& model, const Dataset& data, const MetricColumnOptions& options,
                             const std::function<bool(int64_t done, int64_t total)>& progress) {
  if (data.size() == 0) throw Error("metric columns: the evaluation set is empty");
  LatentCodeOptions lo;
  lo.limit = std::min<int64_t>(options.limit, kMaxLatentCodes);
  lo.batch_size = options.batch_size;
  const LatentCodes codes = encode_dataset(model, data, lo, progress);
  MetricColumns out;
  const auto mu = codes.mu.to(torch::kDouble);
  if (!torch::isfinite(mu).all().item<bool>()) return out;  // a diverged model: nothing to score

  if (options.clustering && codes.labels.defined() && codes.size() >= 2) {
    const int64_t classes = std::max<int64_t>(data.num_classes(), codes.labels.max().item<int64_t>() + 1);
    if (classes >= 2) {
      const auto clusters = clusters_of(model, codes.mu, codes.logvar, classes, options.seed);
      out.emplace_back("cluster_acc", cluster_accuracy(clusters, codes.labels));
      out.emplace_back("nmi", normalized_mutual_information(clusters, codes.labels));
    }
  }
  if (options.disentanglement && data.factors.defined() && codes.mu.size(1) >= 2 && codes.size() >= 2) {
    const auto factors = data.factors.index_select(0, codes.index);
    bool varies = false;
    for (int64_t k = 0; k < factors.size(1); ++k)
      varies = varies || (factors.select(1, k).max().item<double>() > factors.select(1, k).min().item<double>());
    if (varies) {
      out.emplace_back("mig", mutual_information_gap(mu, factors).mig);
      FactorVaeScoreOptions fo;
      fo.seed = options.seed;
      out.emplace_back("factor_vae_score", factor_vae_score(mu, factors, fo).score);
    }
  }
  return out;
}

void add_metric_columns(ComparisonTable& table) {
  table.add_provider("clustering and disentanglement", [](const ComparisonContext& run, nlohmann::json& row) {
    MetricColumnOptions o;
    if (run.options.limit > 0) o.limit = run.options.limit;
    o.batch_size = run.options.batch_size;
    o.seed = static_cast<uint64_t>(std::max<int64_t>(0, run.options.seed));
    for (const auto& [key, value] : metric_columns(run.model, run.view, o)) row[key] = value;
  });
  table.add_column({"cluster_acc", "cluster acc", 4});
  table.add_column({"nmi", "NMI", 4});
  table.add_column({"mig", "MIG", 3});
  table.add_column({"factor_vae_score", "FactorVAE score", 3});
}

}  // namespace vaelab
