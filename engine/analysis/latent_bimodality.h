#pragma once
// Which latent dimensions of a set of codes have a bimodal histogram, and the joint histogram of two of
// them (issue 17; how-to-train-your-vae.txt Fig. 6: "198 of 512 latent entries presented a bimodal
// histogram (with modes at -1 and 1)", next to beta-VAE's collapsed, monomodal ones).
//
// The test, per dimension h over the M codes x_i = mu_ih:
//   one Gaussian  N(m, s^2), closed form (m the mean, s^2 the biased variance):       p1 = 2 parameters
//   two Gaussians w1 N(m1, s1^2) + w2 N(m2, s2^2) by EM (below):                       p2 = 5 parameters
//   BIC_c = -2 log L_c + p_c log M,   delta_bic = BIC_1 - BIC_2  (> 0 favours two components)
//   Ashman's D = sqrt(2) |m1 - m2| / sqrt(s1^2 + s2^2)
//   dip ratio = n(mid) / min(n(m1), n(m2)), n(c) the codes within |m2 - m1| / 8 of c, mid = (m1 + m2) / 2
// and the dimension counts as bimodal when ALL of
//   (1) delta_bic > 10             two components are "very strongly" preferred (Kass & Raftery 1995's
//                                  scale: a BIC difference above 10);
//   (2) D > 2                      the components are separated by more than their pooled width: for
//                                  equal weights and widths, 2 is exactly where the mixture's density
//                                  turns from one mode into two (|m1 - m2| > 2 s), the usual criterion for
//                                  a clean split (Ashman, Bird & Zepf 1994);
//   (3) dip ratio < 0.75           the codes themselves thin out between the two means: fewer lie near
//                                  the midpoint than near either mean (three disjoint windows, each a
//                                  quarter of the gap wide);
//   (4) min(w1, w2) >= 0.05        the smaller mode holds at least 5% of the codes, so a few outliers are
//                                  not called a mode.
// Why all of them: (1) alone also fires for every non-Gaussian unimodal shape (a skewed, heavy-tailed or
// flat dimension is better fitted by two Gaussians, with a large delta_bic on thousands of codes). Skewed
// fits put the two components on top of each other (a narrow one for the peak, a wide one for the tail),
// which (2) rejects; a flat (uniform) dimension is fitted by two well-separated halves (D ~ 3) but has
// no dip, which (3) rejects. (2) and (3) alone say nothing about whether the data need two components.
// A standard normal dimension fails (1) (its delta_bic sits near -3 log M), an exponential or log-normal
// one fails (2), a uniform one fails (3) (tested in tests/analysis_latent_bimodality_test.cpp);
// N(-3,1) + N(3,1) passes all four (D ~ 6, dip ratio ~ 0.05), as do the paper's modes at -1 and 1 while
// each is narrower than about 0.6 (sd).
//
// EM (deterministic, float64, per dimension on the standardised values (x - m) / s, so every option below
// is in units of the dimension's own spread and the result does not depend on its scale or offset):
//   start: the codes split at their median; each half's mean and variance, weights 1/2 (the halves' means
//          sit near the 25th and 75th percentiles);
//   iterate E and M steps until the mean log-likelihood changes by less than `tolerance` (nats per code) or
//          `max_iter` iterations are done;
//   variances are clamped from below at relative_variance_floor x s^2, so a component cannot collapse onto
//          one repeated value and send the likelihood to infinity.
// The returned components are ordered by mean (m1 <= m2). A dimension that does not vary (s = 0) is not
// bimodal and has NaN BICs.
//
// Units: whatever the codes are in. The GUI's latent pairs view passes them in the model's prior units
// (Model::to_prior_units); for priors whose centre and scale do not depend on the code that is an affine
// map of each dimension, which leaves delta_bic, D, the weights and the verdict unchanged.
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace vaelab {

struct LatentBimodalityOptions {
  double delta_bic_threshold = 10.0;     // rule (1)
  double separation_threshold = 2.0;     // rule (2), on Ashman's D
  double dip_ratio_threshold = 0.75;     // rule (3)
  double min_weight = 0.05;              // rule (4)
  int64_t max_iter = 200;                // EM iterations at most
  double tolerance = 1e-7;               // on the mean log-likelihood per code (nats)
  double relative_variance_floor = 1e-3; // of the dimension's variance
};

struct DimensionBimodality {
  double mean = 0.0, sd = 0.0;           // the one-Gaussian fit
  double bic1 = 0.0, bic2 = 0.0;         // NaN for a dimension that does not vary
  double delta_bic = 0.0;                // bic1 - bic2; NaN when they are
  double weights[2] = {0.0, 0.0};        // the two-Gaussian fit, ordered by mean
  double means[2] = {0.0, 0.0};
  double sds[2] = {0.0, 0.0};
  double separation = 0.0;               // Ashman's D
  double dip_ratio = 0.0;                // n(mid) / min(n(m1), n(m2)); infinite when a window is empty
  int64_t iterations = 0;                // EM iterations run
  bool bimodal = false;
};

struct LatentBimodality {
  int64_t dims = 0;     // H
  int64_t samples = 0;  // M
  LatentBimodalityOptions options;      // the rule that was applied
  std::vector<DimensionBimodality> per_dim;  // H entries
  int64_t bimodal_count = 0;
};

// mu: [M >= 2, H >= 1], any device and float type, finite. progress(done, total) is called after each
// dimension; returning false throws TaskCancelled (core/task.h). Throws vaelab::Error for bad shapes,
// non-finite codes or bad options.
LatentBimodality latent_bimodality(const torch::Tensor& mu, const LatentBimodalityOptions& options = {},
                                   const std::function<bool(int64_t done, int64_t total)>& progress = {});

struct JointHistogramOptions {
  int64_t bins = 40;  // per axis
  // Default range: each dimension's [min, max] over the codes (widened by 0.5 each way when it does not
  // vary), so every code lands in a bin and both marginals sum to M. With fixed_range the given boxes
  // are used and codes outside them are counted in `outside`, not in any bin.
  bool fixed_range = false;
  double x0 = -1.0, x1 = 1.0, y0 = -1.0, y1 = 1.0;
};

// Counts of (mu_ij, mu_ik) on [x0, x1) x [y0, y1), bins x bins equal cells (the last bin of each axis
// includes its upper edge).
struct JointHistogram {
  int64_t dim_x = 0, dim_y = 0;  // j, k
  int64_t bins = 0;
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  std::vector<int64_t> counts;      // bins rows (y, row 0 at y0) x bins columns (x), row-major
  std::vector<int64_t> marginal_x;  // bins: codes per x bin (column sums)
  std::vector<int64_t> marginal_y;  // bins: codes per y bin (row sums)
  int64_t samples = 0;              // M
  int64_t outside = 0;              // codes outside a fixed range
  int64_t count(int64_t ix, int64_t iy) const { return counts[static_cast<size_t>(iy * bins + ix)]; }
};

// mu: [M >= 2, H], j != k both in [0, H), bins >= 1, a fixed range with x0 < x1 and y0 < y1. Throws
// vaelab::Error otherwise or for non-finite codes in the two dimensions.
JointHistogram latent_joint_histogram(const torch::Tensor& mu, int64_t j, int64_t k,
                                      const JointHistogramOptions& options = {});

}  // namespace vaelab
