#pragma once
// Variants of one input (how-to-train-your-vae.txt §4, Fig. 4; issue 17's δσ view): with the input's
// posterior q(z|x) = N(mu, diag sigma^2), every entry of z is held fixed except two, z_a and z_b, which
// take mu_a + delta_i sigma_a and mu_b + delta_j sigma_b for every pair (delta_i, delta_j) of a list
// (the paper's: -20, 0, 20). The step is in units of the input's own posterior sd, so delta = 20 moves
// an entry the input pins down tightly (sigma_a = 0.03) by 0.6 and a loose one (sigma_a = 1) by 20:
// the figure shows how far outside its posterior the decoder still draws the same input.
//
// The fixed entries hold mu (the default) or one posterior sample (the paper's z' ~ q(z|x')). Chosen
// entries move through move_latent (models/prior_units.h), so for a hierarchical prior (Ladder) the
// layers below follow in prior units, as they do in the traversals. A deterministic encoder has no
// sigma(x): its steps are taken in the prior's sd at mu instead, and the result says so.
#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "models/model.h"

namespace vaelab {

// Rows i * n + j (n = deltas.size()) of mu {H} with entry a = mu_a + deltas[i] sigma_a and entry b =
// mu_b + deltas[j] sigma_b, sigma = exp(logvar / 2) {H}. Result {n * n, H}. Pure tensor maths. Throws
// vaelab::Error for shapes other than {H}, a or b out of range, or a == b.
torch::Tensor delta_sigma_codes(const torch::Tensor& mu, const torch::Tensor& logvar, int64_t a, int64_t b,
                                const std::vector<double>& deltas);

// "-20, 0, 20" (commas and/or spaces) -> {-20, 0, 20}; 1 to 15 finite values. Throws vaelab::Error naming
// the offending text.
std::vector<double> parse_delta_list(const std::string& text);

struct DeltaSigmaVariants {
  torch::Tensor codes;  // {n * n, H}, row i * n + j as delta_sigma_codes
  int64_t a = 0, b = 1;
  double mu_a = 0, mu_b = 0;
  double step_a = 0, step_b = 0;        // sigma_a, sigma_b: the z change per unit of delta
  double prior_sd_a = 1, prior_sd_b = 1;  // the prior's sd of z_a, z_b at mu (step / prior sd: in prior units)
  bool deterministic = false;           // no sigma(x): steps are the prior's sd
  bool sampled_rest = false;
};

// For one input (a batch of 1): the codes of its variants. a < 0 or b < 0 picks the input's two most
// informative entries (largest KL(q(z_h|x) || prior_h), models/prior_units.h), in that order. With
// sample_rest the fixed entries hold one posterior sample drawn from a generator seeded by `seed`. Runs
// the model; call under NoGradGuard on a model no other thread trains.
DeltaSigmaVariants delta_sigma_variants(Model& model, const Batch& one, int64_t a, int64_t b,
                                        const std::vector<double>& deltas, bool sample_rest = false,
                                        uint64_t seed = 0);

}  // namespace vaelab
