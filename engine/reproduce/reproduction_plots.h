#pragma once
// The figures of a reproduction report (engine/plot), drawn from the run folders the runner trained:
// training curves from each run's metric history (its checkpoint), and pictures of the trained models
// (generated densities, code covariances, reconstructions) from the models loaded as `compare` loads
// them. One seed per run: the first seed whose run finished.
//
//   ph-vae     the training loss per S (toys, MNIST), each order's KL_s (S = 5), generated-vs-true
//              densities on both 2-D toys and the three 1-D sets
//   noise-vae  σ²_k and π_k of the MoG-2 run over training; test inputs, reconstructions, membership
//   hebae      |Cov(μ)| and corr(μ) of VAE, WAE-MMD and HEBAE at the largest H; the test terms per epoch;
//              the test −ELBO against the KL weight λ (means over seeds, from the evaluated rows)
//   mog-vae    test inputs and reconstructions of the full model and both ablations
//   lecture    the training curves of the VAE- and IWAE-trained models
//
// Contract: a figure that cannot be drawn (a run failed, a term was not logged) is skipped with a line
// saying why in `skipped`; nothing here throws for a missing or broken run.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reproduce/reproduction_report.h"

namespace vaelab {

// folders: per run key, the run folder of each seed ("" where it did not finish); rows: per run key, the
// evaluated comparison row of each seed (null where none). Writes DIR/<paper>-*.png.
std::vector<ReportPlot> write_reproduction_plots(const std::string& paper,
                                                 const std::map<std::string, std::vector<std::string>>& folders,
                                                 const std::map<std::string, std::vector<nlohmann::json>>& rows,
                                                 const std::vector<int64_t>& seeds, const std::string& dir,
                                                 const std::string& device, int64_t eval_limit,
                                                 std::vector<std::string>& skipped);

}  // namespace vaelab
