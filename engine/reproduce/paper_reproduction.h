#pragma once
// What `vaelab-cli reproduce PAPER` trains and which claims it judges: per seed paper, the runs (compare
// entries, engine/compare/comparison_runs.h) at a size, the evaluation they need, and a function from
// the evaluated comparison rows to the claims (reproduce/claim_verdict.h).
//
// Sizes: "tiny" (seconds per run: the end-to-end tests), "cpu" (a paper's claims in about 30 minutes on
// 2 cores; ph-vae takes longer, since its 15 runs on the 2-D toys train to convergence at 300 epochs, and so
// does lecture, whose VaDE runs take 8-10 minutes each and VAE+GMM's about 6),
// "paper" (the paper's setup, for a GPU).
//
// Every paper is built at every size:
//   ph-vae     toy-gmm5 S = 1 / 3 / 5, toy-gmm3 S = 1 / 3 and the 1-D sets (uniform, normal, log-normal)
//              S = 1 / 3: generated-vs-true energy distance (model health), trained to convergence; MNIST
//              S = 5 against S = 1 (the VAE, same network and budget): recon R^2 and IWAE -log p.
//   noise-vae  MNIST: learned σ² against fixed σ² in {0.003, 0.01, 0.03, 0.1} (EVLB); β in {1, 40, 80}:
//              #σ² > 0.8 rises and #Ĩ > 0.5 falls; Fashion-MNIST: MoG-2 against Gaussian noise (EVLB, R²,
//              the small component's weight).
//   hebae      HEBAE against the VAE and WAE-MMD on MNIST for H in {2, 5, 10, 20}: ‖Cov(μ) − I‖_F; the
//              sensitivity to the KL weight λ: the test ELBO's fall from λ = 1 to 5 and 10, HEBAE vs VAE.
//   mog-vae    Fashion-MNIST ablations at equal steps: without KL_I (β2 = 0) the posterior variances
//              collapse, without PatchGAN (β4 = 0) reconstructions blur (sharpness ratio) at a stated L1 cost.
//   lecture    an IWAE-trained model (k = 5) against a VAE-trained one, both scored by IWAE-k on the test
//              split; VaDE's clustering accuracy (≥ 0.90, against VAE+GMM and k-means on pixels, on the
//              digits clustered); tiny and paper sizes add β-VAE against FactorVAE on the shapes (MIG,
//              FactorVAE score), whose metrics sit at their floor at the 10 epochs a cpu size could afford
//              (and at 100), scored by their codes alone.
// Size "paper" takes the papers' data and lengths (the *-paper presets), scores every test input (the shapes
// pair: 10,000 of its 147,456), and is meant for a GPU (--device cuda): hours on 2 CPU cores.
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reproduce/reproduction_report.h"

namespace vaelab {

struct ReproductionRun {
  std::string key;    // "gmm5-S3"
  std::string entry;  // a compare entry: "ph-vae-toy@options.orders=3@epochs=100"
  std::string split = "test";  // the view scored: "test", or "train" (the clustering papers' protocol)
  // Also score k-means on this run's pixels (same view and inputs): rows under key + "-pixels".
  bool pixel_kmeans = false;
  // This run's evaluation where it differs from the paper's (-1: PaperReproduction::eval_limit / iwae_k):
  // the shapes pair is scored by codes alone, on its own number of test images, without IWAE.
  int64_t eval_limit = -1;
  int64_t iwae_k = -1;
};

// Per run key: the evaluated comparison rows (compare/standard_columns.h keys), one per seed, in the
// order of the seeds asked for; a run that failed or was not reached has a null row.
using RowsByRun = std::map<std::string, std::vector<nlohmann::json>>;

struct PaperReproduction {
  std::string paper;  // "ph-vae"
  std::string title;
  std::string size;
  std::vector<ReproductionRun> runs;
  int64_t eval_limit = 2000;  // test inputs scored per run (a seeded subset, the same for every run)
  int64_t iwae_k = 0;         // > 0: score -log p(x) by IWAE-k too
  std::vector<std::string> notes;  // the fair-chance choices and what is left, for the report
  std::function<std::vector<ClaimResult>(const RowsByRun&)> claims;
};

// The papers `reproduce` names: ph-vae, noise-vae, hebae, mog-vae, lecture.
std::vector<std::string> reproduction_papers();

// Throws vaelab::Error for an unknown paper or size, or one not built yet.
PaperReproduction paper_reproduction(const std::string& paper, const std::string& size);

// Per-seed values of a row key for one run (NaN where the row or the key is missing or null).
std::vector<double> seed_values(const RowsByRun& rows, const std::string& run, const std::string& key);
// The mean of those values over the seeds that have a finite one (NaN when none has).
double seed_mean(const RowsByRun& rows, const std::string& run, const std::string& key);

}  // namespace vaelab
