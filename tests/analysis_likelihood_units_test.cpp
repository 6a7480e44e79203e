// Likelihood kinds, dequantisation and bits per dimension (analysis/likelihood_kind.h,
// analysis/likelihood_units.h, data/dequantization.h), against hand-worked numbers.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>

#include "analysis/evaluation.h"
#include "analysis/likelihood_kind.h"
#include "analysis/likelihood_units.h"
#include "data/dequantization.h"
#include "models/likelihood.h"
#include "models/registry.h"

namespace {

constexpr double kLn256 = 5.545177444479562;
constexpr double kLn2 = 0.6931471805599453;

// n 8-bit images of 1 x side x side with seeded grey levels.
vaelab::Dataset grey_images(int64_t n, uint64_t seed, int64_t side = 32) {
  torch::manual_seed(seed);
  vaelab::Dataset d;
  d.name = "grey/test";
  d.shape = vaelab::DataShape{1, side, side, 0};
  d.storage = torch::randint(0, 256, {n, 1, side, side}, torch::kInt64).to(torch::kUInt8);
  return d;
}

vaelab::Likelihood gaussian(double sigma2) {
  vaelab::Likelihood l;
  l.kind = vaelab::Likelihood::Kind::Gaussian;
  l.sigma2 = sigma2;
  return l;
}

vaelab::ModelSpec spec_of(const std::string& variant, const std::string& likelihood, nlohmann::json options = {}) {
  vaelab::ModelSpec spec;
  spec.variant = variant;
  spec.likelihood = vaelab::Likelihood::from_json(nlohmann::json{{"type", likelihood}});
  spec.options = options.is_null() ? nlohmann::json::object() : options;
  return spec;
}

}  // namespace

TEST_CASE("a Gaussian density with sigma -> 0 has a bounded nll on dequantised data and none without",
          "[fast][likelihood][dequantization]") {
  // D = 4096 pixels of one image. The decoder mean is the best it can be: the stored value x = k/255 on
  // raw data, the bin centre (k + 1/2)/256 on dequantised data.
  const auto data = grey_images(1, 11, 64);
  const auto x = data.inputs(0, 1);
  const double d = 4096.0;
  const auto k = data.storage.to(torch::kFloat32);
  const auto centre = (k + 0.5f) / 256.0f;
  const auto y = vaelab::Dequantization{true, 3}.batch(data, 0, 1, torch::kCPU).x;

  auto per_dim = [&](const torch::Tensor& target, const torch::Tensor& mean, double sigma2) {
    return gaussian(sigma2).nll(target, mean).item<double>() / d;
  };
  // Raw: r = 0, so nll/D = 1/2 ln(2 pi sigma^2): -1.3836 at 1e-2, -8.2914 at 1e-8, -> -infinity.
  CHECK(per_dim(x, x, 1e-2) == Approx(0.5 * std::log(2 * M_PI * 1e-2)).epsilon(1e-6));
  CHECK(per_dim(x, x, 1e-8) == Approx(-8.2914).epsilon(1e-4));
  CHECK(per_dim(x, x, 1e-8) < per_dim(x, x, 1e-2));
  // Dequantised: E_u[r^2] = (1/256)^2 / 12 = 1.2716e-6, so the expected nll/D is
  // 1.2716e-6 / (2 sigma^2) + 1/2 ln(2 pi sigma^2): -1.3835 at 1e-2, 63.58 - 8.29 = 55.29 at 1e-8 (it grows
  // as sigma -> 0), and never below its minimum at sigma^2 = E r^2: 1/2 + 1/2 ln(2 pi 1.2716e-6) = -5.369,
  // above the bound -ln 256 = -5.545 that every density on dequantised data respects.
  const double er2 = 1.0 / (256.0 * 256.0 * 12.0);
  CHECK(per_dim(y, centre, 1e-2) == Approx(er2 / 2e-2 + 0.5 * std::log(2 * M_PI * 1e-2)).epsilon(1e-3));
  CHECK(per_dim(y, centre, 1e-8) == Approx(55.29).epsilon(0.05));  // Monte Carlo over 4096 pixels: ~1.6% sd
  CHECK(per_dim(y, centre, 1e-8) > per_dim(y, centre, 1e-2));
  for (double sigma2 : {1e-2, 1e-4, 1e-5, 1e-6, 1.2716e-6, 1e-7, 1e-8}) {
    INFO("sigma^2 = " << sigma2);
    CHECK(per_dim(y, centre, sigma2) > -kLn256);
    CHECK(per_dim(y, centre, sigma2) >= 0.5 + 0.5 * std::log(2 * M_PI * er2) - 0.05);
  }
  // Bits per dimension of the 8-bit data stay >= 0 on the dequantised scale; the raw scale goes negative.
  CHECK(vaelab::bits_per_dim(per_dim(y, centre, 1.2716e-6) * d, 4096, vaelab::LikelihoodScale::Dequantized8bit) > 0);
  CHECK(vaelab::bits_per_dim(per_dim(x, x, 1e-8) * d, 4096, vaelab::LikelihoodScale::Raw8bit) < 0);
}

TEST_CASE("bits per dimension follow the hand-worked conversions of each scale", "[fast][likelihood]") {
  // 784 dims, 1000 nats of a density on [0,1]: (1000 + 784 ln 256) / (784 ln 2) = 1.840172 + 8.
  CHECK(vaelab::bits_per_dim(1000.0, 784, vaelab::LikelihoodScale::Dequantized8bit) == Approx(9.840172).epsilon(1e-6));
  CHECK(vaelab::bits_per_dim(1000.0, 784, vaelab::LikelihoodScale::Raw8bit) == Approx(9.840172).epsilon(1e-6));
  // A uniform density on [0,1]^D (nll 0) is 8 bits per 8-bit value.
  CHECK(vaelab::bits_per_dim(0.0, 784, vaelab::LikelihoodScale::Dequantized8bit) == Approx(8.0));
  // Discrete and vector scales: nats / (D ln 2). 100 nats on 100 dims = 1/ln 2 = 1.442695 bits/dim.
  CHECK(vaelab::bits_per_dim(100.0, 100, vaelab::LikelihoodScale::Binary) == Approx(1.442695).epsilon(1e-6));
  CHECK(vaelab::bits_per_dim(100.0, 100, vaelab::LikelihoodScale::BernoulliGrey) == Approx(1.442695).epsilon(1e-6));
  CHECK(vaelab::bits_per_dim(100.0, 100, vaelab::LikelihoodScale::Vector) == Approx(1.442695).epsilon(1e-6));
  // The inverse used by eval's consistency check.
  const double bpd = vaelab::bits_per_dim(-1234.5, 3072, vaelab::LikelihoodScale::Dequantized8bit);
  CHECK(bpd * 3072 * kLn2 - 3072 * kLn256 == Approx(-1234.5).epsilon(1e-9));
}

TEST_CASE("likelihood kinds follow the variant's own density, then the preset's likelihood", "[fast][likelihood]") {
  using vaelab::LikelihoodKind;
  CHECK(vaelab::likelihood_kind(spec_of("vae", "bernoulli")) == LikelihoodKind::Discrete);
  CHECK(vaelab::likelihood_kind(spec_of("vae", "gaussian")) == LikelihoodKind::Continuous);
  CHECK(vaelab::likelihood_kind(spec_of("iwae", "laplace")) == LikelihoodKind::Continuous);
  // noise-vae models its own noise whatever the preset's likelihood says.
  CHECK(vaelab::likelihood_kind(spec_of("noise-vae", "bernoulli", {{"noise", "mog"}})) == LikelihoodKind::Continuous);
  CHECK(vaelab::likelihood_density_name(spec_of("noise-vae", "bernoulli", {{"noise", "mog"}})) == "mog-2 noise");
  // PH-VAE's default recon is the squared error, a Gaussian density; recon "likelihood" uses the preset's.
  CHECK(vaelab::likelihood_kind(spec_of("ph-vae", "bernoulli")) == LikelihoodKind::Continuous);
  CHECK(vaelab::likelihood_kind(spec_of("ph-vae", "bernoulli", {{"recon", "likelihood"}})) == LikelihoodKind::Discrete);
  CHECK(vaelab::likelihood_kind(spec_of("mog-vae", "bernoulli")) == LikelihoodKind::Discrete);
  CHECK(vaelab::likelihood_kind(spec_of("mog-vae", "bernoulli", {{"density", "implied-laplace"}})) ==
        LikelihoodKind::Continuous);
}

TEST_CASE("dequantisation applies to continuous likelihoods on 8-bit images only, and the scale says which",
          "[fast][likelihood][dequantization]") {
  const auto images = grey_images(4, 1);
  auto binary = images;
  binary.storage = (images.storage > 127).to(torch::kUInt8) * 255;
  vaelab::Dataset points;
  points.shape.features = 2;
  points.storage = torch::zeros({4, 2});
  const auto gauss = spec_of("vae", "gaussian"), bern = spec_of("vae", "bernoulli");
  CHECK(vaelab::dequantization_applies(true, gauss, images));
  CHECK_FALSE(vaelab::dequantization_applies(false, gauss, images));
  CHECK_FALSE(vaelab::dequantization_applies(true, bern, images));
  CHECK_FALSE(vaelab::dequantization_applies(true, gauss, points));
  using S = vaelab::LikelihoodScale;
  using K = vaelab::LikelihoodKind;
  CHECK(vaelab::likelihood_scale(K::Continuous, true, images) == S::Dequantized8bit);
  CHECK(vaelab::likelihood_scale(K::Continuous, false, images) == S::Raw8bit);
  CHECK(vaelab::likelihood_scale(K::Discrete, false, binary) == S::Binary);
  CHECK(vaelab::likelihood_scale(K::Discrete, false, images) == S::BernoulliGrey);
  CHECK(vaelab::likelihood_scale(K::Continuous, true, points) == S::Vector);
}

TEST_CASE("evaluation on dequantised images is seeded, bounded and reported in both units",
          "[fast][likelihood][evaluation]") {
  const auto data = grey_images(24, 4);
  vaelab::ModelSpec spec = spec_of("vae", "gaussian");
  spec.likelihood.sigma2 = 1e-3;
  spec.shape = data.shape;
  spec.latent = 2;
  spec.architecture.type = "mlp";
  spec.architecture.hidden = {16};
  torch::manual_seed(0);
  auto model = vaelab::make_model(spec);
  vaelab::EvaluationOptions options;
  options.batch_size = 7;
  options.seed = 5;
  options.dequantize = true;
  options.iwae_k = 3;
  const auto a = vaelab::evaluate_likelihood(*model, data, options);
  const auto b = vaelab::evaluate_likelihood(*model, data, options);
  options.dequantize = false;
  const auto raw = vaelab::evaluate_likelihood(*model, data, options);
  CHECK(a.dequantized);
  CHECK_FALSE(raw.dequantized);
  CHECK(a.nelbo == b.nelbo);  // the same seed, the same noise
  CHECK(a.nelbo != raw.nelbo);
  CHECK(a.nelbo > -1024.0 * kLn256);
  const auto units = vaelab::likelihood_units(a, spec, data);
  CHECK(units.scale == vaelab::LikelihoodScale::Dequantized8bit);
  CHECK(units.nll_estimate == "iwae");
  CHECK(units.nll_nats == a.iwae_nll);
  CHECK(units.bits_per_dim * 1024 * kLn2 - 1024 * kLn256 == Approx(a.iwae_nll).epsilon(1e-9));
  CHECK(units.nelbo_bits_per_dim * 1024 * kLn2 - 1024 * kLn256 == Approx(a.nelbo).epsilon(1e-9));
  const auto j = units.to_json();
  CHECK(j.at("likelihood_kind") == "continuous");
  CHECK(j.at("dequantized") == true);
  CHECK(j.at("likelihood_scale") == "dequantized-8bit");
  CHECK(j.at("dims") == 1024);
}
