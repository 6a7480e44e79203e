#pragma once
// Paths between latent codes for the interpolation view (issue 17): linear and spherical, taken in the
// standardised coordinates of the model's prior (u = Model::to_prior_units(z), prior_units.h), so a
// straight line in u stays where the prior puts its mass (N(0,1): z itself; Ladder: top-down with the
// layers below following; VaDE: the mixture's moments or a chosen cluster; HEBAE: its empirical prior).
//
// Spherical: the directions are slerped and the norm interpolated linearly (White 2016, "Sampling
// generative networks", with a norm that stays between the endpoints' norms; for equal norms this is
// plain slerp). Directions closer than 1e-6 rad or opposite within 1e-6 rad fall back to the linear path.
//
// Endpoints are exact: row 0 of each path is the first code and the last row the second code, bit for
// bit (no round trip through the prior units), so decoding a path's endpoints decodes the two codes.
#include <torch/types.h>

#include <cstdint>
#include <string>

#include "models/model.h"

namespace vaelab {

enum class InterpolationPath { Linear, Spherical };

const char* to_string(InterpolationPath path);

// Paths between rows of a {P, H} and b {P, H} (or {H} each), `steps` >= 2 points each at t = k/(steps-1):
// {P * steps, H}, pair-major. Pure tensor maths (no model): the units are those of a and b. Throws
// vaelab::Error for mismatched shapes or steps < 2.
torch::Tensor interpolate_codes(const torch::Tensor& a, const torch::Tensor& b, int64_t steps, InterpolationPath path);

// The same path taken in the model's prior units between codes za and zb (z units, model's device):
// u = to_prior_units(z), interpolate_codes(u_a, u_b), from_prior_units, endpoints replaced by za and zb
// exactly. Run under NoGradGuard on a model no other thread trains.
torch::Tensor prior_interpolation_codes(Model& model, const torch::Tensor& za, const torch::Tensor& zb, int64_t steps,
                                        InterpolationPath path, int64_t component = -1);

}  // namespace vaelab
