// Latent interpolation (issue 17; analysis/latent_interpolation.h): linear and spherical paths between two
// codes hit their endpoints exactly, the spherical midpoint keeps a norm between the endpoints' norms and a
// direction halfway in angle, and paths taken in a model's prior units (Ladder, VaDE, plain VAE) start and
// end at the codes themselves, so decoding the path's endpoints decodes the two codes.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>

#include "analysis/latent_interpolation.h"
#include "core/error.h"
#include "models/registry.h"
#include "vector_model_spec.h"

using namespace vaelab;
using vaelab::test::vector_spec;

TEST_CASE("Linear and spherical paths start and end exactly at the two codes", "[fast][analysis][interpolation]") {
  torch::manual_seed(17);
  const auto a = torch::randn({3, 5}), b = torch::randn({3, 5}) * 2.5;
  for (auto path : {InterpolationPath::Linear, InterpolationPath::Spherical}) {
    INFO(to_string(path));
    const auto p = interpolate_codes(a, b, 7, path).reshape({3, 7, 5});
    CHECK(torch::equal(p.select(1, 0), a));
    CHECK(torch::equal(p.select(1, 6), b));
  }
  // Linear: evenly spaced points on the segment.
  const auto lin = interpolate_codes(a, b, 5, InterpolationPath::Linear).reshape({3, 5, 5});
  CHECK(torch::allclose(lin.select(1, 2), (a + b) / 2, 1e-6, 1e-6));
  CHECK_THROWS_AS(interpolate_codes(a, b, 1, InterpolationPath::Linear), Error);
  CHECK_THROWS_AS(interpolate_codes(a, b.slice(1, 0, 4), 3, InterpolationPath::Linear), Error);
}

TEST_CASE("The spherical midpoint has a norm between the endpoints' norms and bisects their angle",
          "[fast][analysis][interpolation]") {
  torch::manual_seed(3);
  const auto a = torch::randn({16, 8}), b = torch::randn({16, 8}) * 3.0;
  const auto mid = interpolate_codes(a, b, 3, InterpolationPath::Spherical).reshape({16, 3, 8}).select(1, 1);
  const auto na = a.norm(2, 1), nb = b.norm(2, 1), nm = mid.norm(2, 1);
  CHECK(torch::all(nm >= torch::minimum(na, nb) - 1e-5).item<bool>());
  CHECK(torch::all(nm <= torch::maximum(na, nb) + 1e-5).item<bool>());
  CHECK(torch::allclose(nm, (na + nb) / 2, 1e-5, 1e-5));
  // Equal angles to both endpoints.
  const auto cos_am = (a * mid).sum(1) / (na * nm), cos_bm = (b * mid).sum(1) / (nb * nm);
  CHECK(torch::allclose(cos_am, cos_bm, 1e-4, 1e-4));
  // Equal norms: plain slerp, every point on the sphere.
  const auto c = a / na.unsqueeze(1) * 2.0, d = b / nb.unsqueeze(1) * 2.0;
  const auto arc = interpolate_codes(c, d, 9, InterpolationPath::Spherical);
  CHECK(torch::allclose(arc.norm(2, 1), torch::full({16 * 9}, 2.0), 1e-5, 1e-5));
  // Parallel directions fall back to the (then identical) linear path, with no NaN.
  const auto par = interpolate_codes(a, a * 2, 5, InterpolationPath::Spherical);
  CHECK(torch::allclose(par, interpolate_codes(a, a * 2, 5, InterpolationPath::Linear), 1e-4, 1e-4));
  CHECK(torch::isfinite(par).all().item<bool>());
}

TEST_CASE("Decoding the endpoints of a path in prior units equals decoding the two codes",
          "[fast][analysis][interpolation]") {
  torch::manual_seed(5);
  const auto variant = GENERATE(as<std::string>{}, "vae", "ladder-vae", "vade");
  INFO(variant);
  nlohmann::json options = nlohmann::json::object();
  if (variant == "ladder-vae") options = {{"sizes", {3, 2}}, {"deterministic", {8, 6}}, {"top_down_hidden", 5}};
  if (variant == "vade") options = {{"clusters", 2}};
  auto model = make_model(vector_spec(variant, variant == "ladder-vae" ? 5 : 3, options));
  model->eval();
  torch::NoGradGuard no_grad;
  Batch batch;
  batch.x = torch::rand({4, 6});
  const auto mu = model->encode(batch).mu;
  const auto za = mu.slice(0, 0, 2), zb = mu.slice(0, 2, 4);
  const int64_t steps = 6;
  for (auto path : {InterpolationPath::Linear, InterpolationPath::Spherical}) {
    INFO(to_string(path));
    const auto z = prior_interpolation_codes(*model, za, zb, steps, path).reshape({2, steps, -1});
    CHECK(torch::equal(z.select(1, 0), za));
    CHECK(torch::equal(z.select(1, steps - 1), zb));
    CHECK(torch::equal(model->decode(z.select(1, 0).contiguous()), model->decode(za)));
    CHECK(torch::equal(model->decode(z.select(1, steps - 1).contiguous()), model->decode(zb)));
    // Inner points are finite and lie in between (the path moves).
    CHECK(torch::isfinite(z).all().item<bool>());
    CHECK((z.select(1, 2) - za).abs().max().item<double>() > 0);
  }
  // Linear in prior units: for priors whose units do not depend on the code, the midpoint in z is the mean.
  if (variant != "ladder-vae") {
    const auto z = prior_interpolation_codes(*model, za, zb, 3, InterpolationPath::Linear).reshape({2, 3, -1});
    CHECK(torch::allclose(z.select(1, 1), (za + zb) / 2, 1e-5, 1e-5));
  }
}
