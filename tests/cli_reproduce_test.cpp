// `vaelab-cli reproduce`: each built paper's experiment end to end at the tiny size, the report it
// writes, reuse of finished runs, Ctrl-C keeping what finished, the paper size's settings, and clear errors.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

#include "compare/comparison_runs.h"
#include "models/vae.h"
#include "core/error.h"
#include "reproduce/paper_reproduction.h"
#include "reproduce/reproduction_runner.h"
#include "test_support.h"
#include "train/checkpoint.h"
#include "train/preset.h"

namespace fs = std::filesystem;
using vaelab::test::read_text;
using vaelab::test::run_cli;

namespace {

// Every claim of the report has a verdict, a reason and our numbers.
void check_report(const fs::path& out, size_t claims) {
  REQUIRE(fs::exists(out / "report.md"));
  REQUIRE(fs::exists(out / "compare.csv"));
  const auto report = nlohmann::json::parse(read_text(out / "report.json"));
  REQUIRE(report.at("claims").size() == claims);
  const std::set<std::string> verdicts = {"holds", "does not hold", "inconclusive"};
  for (const auto& c : report.at("claims")) {
    INFO(c.dump());
    CHECK(verdicts.count(c.at("verdict").get<std::string>()) == 1);
    CHECK_FALSE(c.at("reason").get<std::string>().empty());
    CHECK_FALSE(c.at("papers").get<std::string>().empty());
    CHECK(c.at("ours").get<std::string>().find("–") == std::string::npos);  // every run measured
  }
  const std::string md = read_text(out / "report.md");
  CHECK(md.find("| claim | the paper | ours | verdict |") != std::string::npos);
  // The runs' own training time, from their summaries, beside this call's wall time.
  CHECK(report.at("training_seconds").get<double>() > 0.0);
  CHECK(md.find("the runs trained for") != std::string::npos);
  // Every figure the report lists is a PNG beside it, and report.md shows each under "Plots".
  REQUIRE(report.at("plots").size() >= 1);
  CHECK(report.at("plots_skipped").empty());
  CHECK(md.find("### Plots") != std::string::npos);
  for (const auto& p : report.at("plots")) {
    const std::string file = p.at("file");
    INFO(file);
    CHECK(md.find("](" + file + ")") != std::string::npos);
    const std::string png = read_text(out / file);
    REQUIRE(png.size() > 8);
    CHECK(png.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
  }
}

}  // namespace

TEST_CASE("reproduce ph-vae at the tiny size trains every order on the 2-D toys, the 1-D sets and MNIST and judges eight claims",
          "[data][cli][reproduce]") {
  const auto dir = vaelab::test::scratch_dir("cli_reproduce_ph");
  const auto r = run_cli(dir, "reproduce ph-vae --size tiny --seeds 1 --threads 2 --out rep");
  INFO(r.err);
  REQUIRE(r.status == 0);
  check_report(dir / "rep", 8);
  CHECK(r.out.find("gmm5-S3-vs-S1") != std::string::npos);
  CHECK(r.out.find("uniform-S3-vs-S1") != std::string::npos);
  for (const char* run : {"gmm5-S1-s1", "gmm5-S5-s1", "gmm3-S3-s1", "uniform-S1-s1", "lognormal-S3-s1", "mnist-S5-s1"})
    CHECK(fs::exists(dir / "rep" / "runs" / run / "summary.json"));
  // The toy rows carry the energy distance and its floor; the MNIST rows the IWAE estimate.
  const auto rows = nlohmann::json::parse(read_text(dir / "rep" / "compare.json"));
  int toy_rows = 0, iwae_rows = 0;
  for (const auto& row : rows) {
    toy_rows += row.contains("toy_distance") && row.at("toy_distance").is_number();
    iwae_rows += row.contains("test_iwae_nll") && row.at("test_iwae_nll").is_number();
  }
  CHECK(toy_rows == 11);
  CHECK(iwae_rows == 13);
  // The loss curves per S, each order's KL and the densities of both 2-D toys and the 1-D sets.
  for (const char* png : {"ph-vae-loss-curves.png", "ph-vae-kl-per-order.png", "ph-vae-gmm5-densities.png",
                          "ph-vae-gmm3-densities.png", "ph-vae-1d-densities.png"})
    CHECK(fs::exists(dir / "rep" / png));

  // The same command again reuses every finished run and reaches the same verdicts on the same numbers.
  const auto first = nlohmann::json::parse(read_text(dir / "rep" / "report.json"));
  const auto again = run_cli(dir, "reproduce ph-vae --size tiny --seeds 1 --threads 2 --out rep");
  REQUIRE(again.status == 0);
  const std::string err = again.err;
  CHECK(err.find("reusing the finished run") != std::string::npos);
  CHECK(err.find(": training ") == std::string::npos);
  const auto second = nlohmann::json::parse(read_text(dir / "rep" / "report.json"));
  REQUIRE(second.at("claims").size() == first.at("claims").size());
  for (size_t i = 0; i < first.at("claims").size(); ++i) {
    CHECK(second["claims"][i]["verdict"] == first["claims"][i]["verdict"]);
    CHECK(second["claims"][i]["ours"] == first["claims"][i]["ours"]);
  }
}

TEST_CASE("reproduce lecture at the tiny size scores a VAE- and an IWAE-trained model by IWAE-k",
          "[data][cli][reproduce]") {
  const auto dir = vaelab::test::scratch_dir("cli_reproduce_lecture");
  const auto r = run_cli(dir, "reproduce lecture --size tiny --seeds 1,2 --threads 2 --out rep");
  INFO(r.err);
  REQUIRE(r.status == 0);
  check_report(dir / "rep", 7);
  const auto report = nlohmann::json::parse(read_text(dir / "rep" / "report.json"));
  CHECK(report.at("seeds") == nlohmann::json::array({1, 2}));
  // IWAE-10 is a tighter bound than the ELBO on the same inputs: that claim must hold even at this size.
  for (const auto& c : report.at("claims"))
    if (c.at("id") == "iwae-bound-tighter") CHECK(c.at("verdict") == "holds");
  // VaDE, VAE+GMM and k-means on VaDE's pixels are scored by cluster accuracy on the digits clustered (the
  // train split), the shapes pair by MIG and the FactorVAE score.
  const auto rows = nlohmann::json::parse(read_text(dir / "rep" / "compare.json"));
  int clustered = 0, disentangled = 0;
  for (const auto& row : rows) {
    const std::string name = row.at("name");
    const bool clustering = name.rfind("vade-", 0) == 0 || name.rfind("vae-gmm-", 0) == 0;
    if (clustering || row.at("variant") == "k-means") {
      INFO(name);
      CHECK(row.at("cluster_acc").is_number());
      ++clustered;
      // 300 digits hold out 75 for test: the 100 scored are from the train split.
      if (clustering) CHECK(row.at("samples").get<int>() == 100);
    }
    disentangled += row.contains("mig") && row.at("mig").is_number() && row.at("factor_vae_score").is_number();
  }
  CHECK(clustered == 6);  // VaDE, VAE+GMM and k-means on pixels, 2 seeds each
  CHECK(disentangled == 4);
  std::set<std::string> ids;
  for (const auto& c : report.at("claims")) ids.insert(c.at("id"));
  for (const char* id : {"vade-accuracy", "vade-vs-vae-gmm", "vade-vs-pixels", "factor-vae-score", "factor-vae-mig"})
    CHECK(ids.count(id) == 1);
}

TEST_CASE("reproduce noise-vae at the tiny size judges the sigma grid, the beta trends and MoG-2 against Gaussian",
          "[data][cli][reproduce]") {
  const auto dir = vaelab::test::scratch_dir("cli_reproduce_noise");
  const auto r = run_cli(dir, "reproduce noise-vae --size tiny --seeds 1 --threads 2 --out rep");
  INFO(r.err);
  REQUIRE(r.status == 0);
  check_report(dir / "rep", 8);
  // The fixed-variance runs really hold their variance: the clip binds from both sides.
  const auto rows = nlohmann::json::parse(read_text(dir / "rep" / "compare.json"));
  int fixed = 0;
  for (const auto& row : rows) {
    const std::string name = row.at("name");
    if (name.rfind("fixed-0.1-", 0) == 0) {
      CHECK(row.at("sigma2_values").at(0).get<double>() == Approx(0.1).epsilon(1e-5));
      ++fixed;
    }
  }
  CHECK(fixed == 1);
}

TEST_CASE("reproduce hebae at the tiny size compares the covariance of the codes of three models per latent size",
          "[data][cli][reproduce]") {
  const auto dir = vaelab::test::scratch_dir("cli_reproduce_hebae");
  const auto r = run_cli(dir, "reproduce hebae --size tiny --seeds 1 --threads 2 --out rep");
  INFO(r.err);
  REQUIRE(r.status == 0);
  check_report(dir / "rep", 7);  // per H: covariance vs VAE and vs WAE, ELBO vs VAE; and lambda = 5
  const auto rows = nlohmann::json::parse(read_text(dir / "rep" / "compare.json"));
  REQUIRE(rows.size() == 8);  // 3 models x 2 latent sizes, and HEBAE and the VAE at lambda = 5
  for (const auto& row : rows) CHECK(row.at("cov_mu_identity_frobenius").get<double>() >= 0.0);
  CHECK(fs::exists(dir / "rep" / "hebae-lambda-sensitivity.png"));
  const auto report = nlohmann::json::parse(read_text(dir / "rep" / "report.json"));
  bool judged = false;
  for (const auto& c : report.at("claims"))
    if (c.at("id") == "lambda5-sensitivity") judged = c.at("ours").get<std::string>().find("HEBAE") != std::string::npos;
  CHECK(judged);
}

TEST_CASE("reproduce mog-vae at the tiny size ablates KL_I and the PatchGAN term at equal steps",
          "[data][cli][reproduce]") {
  const auto dir = vaelab::test::scratch_dir("cli_reproduce_mog");
  const auto r = run_cli(dir, "reproduce mog-vae --size tiny --seeds 1 --threads 2 --out rep");
  INFO(r.err);
  REQUIRE(r.status == 0);
  check_report(dir / "rep", 3);
  const auto rows = nlohmann::json::parse(read_text(dir / "rep" / "compare.json"));
  REQUIRE(rows.size() == 3);
  for (const auto& row : rows) {
    CHECK(row.at("sharpness_ratio").get<double>() > 0.0);
    CHECK(row.at("variance_collapse_share").is_number());
    CHECK(row.at("test_l1").is_number());
  }
}

TEST_CASE("Ctrl-C during reproduce keeps the finished runs, writes the report and exits 130",
          "[fast][cli][reproduce]") {
  const auto dir = vaelab::test::scratch_dir("cli_reproduce_interrupt");
  // Interrupt once the second toy run starts training: the first one (both seeds) has finished.
  const std::string script =
      "cd '" + dir.string() + "' && ('" + std::string(VAELAB_CLI_PATH) +
      "' reproduce ph-vae --size tiny --seeds 1,2 --threads 1 --out rep >out.txt 2>err.txt & pid=$!; "
      "for i in $(seq 600); do grep -q 'gmm5-S3-s1: training' err.txt 2>/dev/null && break; sleep 0.05; done; "
      "kill -INT $pid; wait $pid; echo $? >status.txt)";
  REQUIRE(std::system(script.c_str()) == 0);
  INFO(read_text(dir / "err.txt"));
  CHECK(read_text(dir / "status.txt") == "130\n");
  CHECK(fs::exists(dir / "rep" / "runs" / "gmm5-S1-s1" / "summary.json"));
  CHECK(fs::exists(dir / "rep" / "runs" / "gmm5-S1-s2" / "summary.json"));
  CHECK_FALSE(fs::exists(dir / "rep" / "runs" / "mnist-S5-s1"));
  const auto report = nlohmann::json::parse(read_text(dir / "rep" / "report.json"));
  CHECK(report.at("notes").dump().find("Interrupted") != std::string::npos);
  REQUIRE(report.at("claims").size() == 8);
  for (const auto& c : report.at("claims")) CHECK(c.at("verdict") == "inconclusive");
}

TEST_CASE("reproduce refuses unknown papers and sizes", "[fast][cli][reproduce]") {
  REQUIRE_THROWS_WITH(vaelab::paper_reproduction("vqvae", "cpu"), Catch::Contains("unknown paper"));
  REQUIRE_THROWS_WITH(vaelab::paper_reproduction("ph-vae", "huge"), Catch::Contains("tiny, cpu or paper"));
  const auto dir = vaelab::test::scratch_dir("cli_reproduce_errors");
  const auto r = run_cli(dir, "reproduce mog-vae --size huge --out rep");
  CHECK(r.status != 0);
  CHECK(r.err.find("huge") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "rep" / "report.md"));
  // A compare entry with a name uses it for its folder and row.
  auto entry = vaelab::ComparisonEntry::parse("ph-vae-toy@options.orders=3");
  entry.name = "gmm5-S3-s1";
  CHECK(entry.row_name("ph-vae-toy") == "gmm5-S3-s1");
}

namespace {

// The preset an entry trains: its preset's JSON with the entry's overrides, validated as training does.
vaelab::Preset preset_of(const std::string& entry_text) {
  const auto entry = vaelab::ComparisonEntry::parse(entry_text);
  return vaelab::preset_with_overrides(vaelab::read_preset_json(entry.source), entry.overrides);
}

const vaelab::ReproductionRun& run_named(const vaelab::PaperReproduction& p, const std::string& key) {
  for (const auto& r : p.runs)
    if (r.key == key) return r;
  FAIL("no run " << key);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("At the paper size every paper trains the papers' presets at their lengths and scores every test input (the shapes pair 10,000)",
          "[fast][cli][reproduce]") {
  for (const auto& name : vaelab::reproduction_papers()) {
    INFO(name);
    const auto paper = vaelab::paper_reproduction(name, "paper");
    const auto cpu = vaelab::paper_reproduction(name, "cpu");
    CHECK(paper.size == "paper");
    CHECK(paper.eval_limit == 0);  // every test input
    // Every run's entry names a preset that parses with its overrides, and trains at least as long as at
    // the cpu size.
    for (const auto& run : paper.runs) {
      INFO(run.entry);
      const auto preset = preset_of(run.entry);
      for (const auto& c : cpu.runs)
        if (c.key == run.key) CHECK(preset.epochs >= preset_of(c.entry).epochs);
    }
    // The cpu size's claims are all there (the paper size may add some).
    std::set<std::string> keys;
    for (const auto& run : paper.runs) keys.insert(run.key);
    for (const auto& c : cpu.runs) CHECK(keys.count(c.key) == 1);
  }
  // The papers' own setups: HEBAE's appendix (100 epochs, batch 128, every digit), noise-vae §7.3 (200
  // epochs), the lecture's IWAE-5000 and VaDE scored on the digits it clustered.
  const auto hebae = vaelab::paper_reproduction("hebae", "paper");
  for (const char* key : {"hebae-H10", "vae-H10", "wae-H10", "hebae-lambda10"}) {
    const auto preset = preset_of(run_named(hebae, key).entry);
    CHECK(preset.epochs == 100);
    CHECK(preset.batch_size == 128);
    const bool subsampled = preset.dataset.contains("subsample") && preset.dataset.at("subsample").get<int>() < 10000;
    CHECK_FALSE(subsampled);
  }
  CHECK(preset_of(run_named(vaelab::paper_reproduction("noise-vae", "paper"), "fashion-mog2").entry).epochs == 200);
  const auto lecture = vaelab::paper_reproduction("lecture", "paper");
  CHECK(lecture.iwae_k == 5000);
  CHECK(run_named(lecture, "vade").split == "train");
  CHECK(run_named(lecture, "vade").pixel_kmeans);
  // β-VAE against FactorVAE as Kim & Mnih train them: every factor combination, ~300,000 steps of 64 at
  // Adam 1e-4, FactorVAE's discriminator 6 x 1000.
  for (const char* key : {"beta-vae", "factor-vae"}) {
    const auto preset = preset_of(run_named(lecture, key).entry);
    CHECK(preset.dataset.at("size").get<int64_t>() == 737280);
    CHECK(preset.batch_size == 64);
    CHECK(preset.optimizer.lr == Approx(1e-4));
    const int64_t steps = preset.epochs * (737280 - 737280 / 5) / 64;
    CHECK(steps >= 300000);
    CHECK(steps < 310000);
  }
  CHECK(preset_of(run_named(lecture, "factor-vae").entry).model.options.at("disc_hidden") ==
        nlohmann::json::array({1000, 1000, 1000, 1000, 1000, 1000}));
  // The paper size scores the shapes pair by its codes on 10,000 test images, not by IWAE-5000 on all 147,456.
  for (const char* key : {"beta-vae", "factor-vae"}) {
    CHECK(run_named(lecture, key).iwae_k == 0);
    CHECK(run_named(lecture, key).eval_limit == 10000);
  }
  // The cpu size clusters with VaDE by the paper's protocol, next to its two baselines, and leaves the shapes
  // pair to the paper size, and says so.
  const auto lecture_cpu = vaelab::paper_reproduction("lecture", "cpu");
  CHECK(run_named(lecture_cpu, "vade").split == "train");
  CHECK(run_named(lecture_cpu, "vade").pixel_kmeans);
  CHECK(preset_of(run_named(lecture_cpu, "vade").entry).epochs == preset_of("vade-mnist").epochs);
  CHECK(run_named(lecture_cpu, "vae-gmm").split == "train");
  for (const auto& run : lecture_cpu.runs) CHECK((run.key != "factor-vae" && run.key != "beta-vae"));
  std::set<std::string> cpu_claims;
  for (const auto& c : lecture_cpu.claims(vaelab::RowsByRun{})) cpu_claims.insert(c.id);
  for (const char* id : {"vade-accuracy", "vade-vs-vae-gmm", "vade-vs-pixels"}) CHECK(cpu_claims.count(id) == 1);
  CHECK(cpu_claims.count("factor-vae-mig") == 0);
  bool said = false;
  for (const auto& n : lecture_cpu.notes) said = said || n.find("--size paper") != std::string::npos;
  CHECK(said);
}

namespace {

// A reproduction of tiny runs that judges no claim, scored on 50 test points, and its options: seed 1,
// one thread, written to dir/rep.
vaelab::PaperReproduction toy_reproduction(std::vector<vaelab::ReproductionRun> runs) {
  vaelab::PaperReproduction p;
  p.paper = "toy";
  p.size = "tiny";
  p.runs = std::move(runs);
  p.eval_limit = 50;
  p.claims = [](const vaelab::RowsByRun&) { return std::vector<vaelab::ClaimResult>{}; };
  return p;
}

vaelab::ReproductionOptions toy_options(const std::filesystem::path& dir) {
  vaelab::ReproductionOptions options;
  options.seeds = {1};
  options.out = (dir / "rep").string();
  options.threads = 1;
  return options;
}

}  // namespace

TEST_CASE("A finished run is reused only when its saved settings are the ones the reproduction would train",
          "[fast][reproduce]") {
  const auto dir = vaelab::test::scratch_dir("reproduce_changed_settings");
  auto p = toy_reproduction({{"gmm5", "ph-vae-toy@dataset.n=400@epochs=1"}});
  const auto options = toy_options(dir);
  std::vector<std::string> lines;
  const auto log = [&](const std::string& line) { lines.push_back(line); };
  const auto said = [&](const std::string& what) {
    for (const auto& l : lines)
      if (l.find(what) != std::string::npos) return true;
    return false;
  };
  vaelab::run_reproduction(p, options, log);
  REQUIRE(said("gmm5-s1: training"));

  lines.clear();
  vaelab::run_reproduction(p, options, log);  // the same settings: reused
  CHECK(said("reusing the finished run"));
  CHECK_FALSE(said("training"));

  lines.clear();
  p.runs[0].entry = "ph-vae-toy@dataset.n=400@epochs=2@options.orders=1";  // the definition changed
  const auto outcome = vaelab::run_reproduction(p, options, log);
  CHECK(said("differs in epochs, options.orders; training it again"));
  CHECK_FALSE(said("reusing"));
  const auto summary = nlohmann::json::parse(read_text(dir / "rep" / "runs" / "gmm5-s1" / "summary.json"));
  CHECK(summary.dump().find("\"epochs\":2") != std::string::npos);
  CHECK(outcome.report.notes.size() >= 1);

  // The same settings, saved by an older revision of the variant's computation (revision 1, as PH-VAE
  // before its sigmoid decoder): it would no longer load, so it is trained again.
  lines.clear();
  const auto checkpoint = (dir / "rep" / "runs" / "gmm5-s1" / "checkpoint.pt").string();
  const auto meta = vaelab::read_checkpoint_meta(checkpoint);
  REQUIRE(meta.model_revision == 2);
  vaelab::Vae older(meta.spec, vaelab::VaeOptions{});  // revision 1
  vaelab::save_checkpoint(checkpoint, older, nullptr, meta);
  vaelab::run_reproduction(p, options, log);
  CHECK(said("differs in revision; training it again"));
  CHECK(vaelab::read_checkpoint_meta(checkpoint).model_revision == 2);
}

TEST_CASE("A run's own evaluation limit and IWAE k replace the paper's for that run alone", "[fast][reproduce]") {
  const auto dir = vaelab::test::scratch_dir("reproduce_run_evaluation");
  auto p = toy_reproduction({{"paper-eval", "ph-vae-toy@dataset.n=400@epochs=1"},
                             {"own-eval", "ph-vae-toy@dataset.n=400@epochs=1", "test", false, 20, 0}});
  p.iwae_k = 5;
  vaelab::run_reproduction(p, toy_options(dir), {});
  const auto rows = nlohmann::json::parse(read_text(dir / "rep" / "compare.json"));
  int seen = 0;
  for (const auto& row : rows) {
    const std::string name = row.at("name");
    INFO(name);
    if (name == "paper-eval-s1") {
      CHECK(row.at("samples").get<int>() == 50);
      CHECK(row.at("iwae_k").get<int>() == 5);
      ++seen;
    } else if (name == "own-eval-s1") {
      CHECK(row.at("samples").get<int>() == 20);
      CHECK_FALSE(row.contains("iwae_k"));
      ++seen;
    }
  }
  CHECK(seen == 2);
}
