// `vaelab-cli reproduce`: each built paper's experiment end to end at the tiny size, the report it
// writes, reuse of finished runs, Ctrl-C keeping what finished, and clear errors for what is not built.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "compare/comparison_runs.h"
#include "core/error.h"
#include "reproduce/paper_reproduction.h"
#include "test_support.h"

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

TEST_CASE("reproduce ph-vae at the tiny size trains every order on both toys and MNIST and judges five claims",
          "[data][cli][reproduce]") {
  const auto dir = vaelab::test::scratch_dir("cli_reproduce_ph");
  const auto r = run_cli(dir, "reproduce ph-vae --size tiny --seeds 1 --threads 2 --out rep");
  INFO(r.err);
  REQUIRE(r.status == 0);
  check_report(dir / "rep", 5);
  CHECK(r.out.find("gmm5-S3-vs-S1") != std::string::npos);
  for (const char* run : {"gmm5-S1-s1", "gmm5-S5-s1", "gmm3-S3-s1", "mnist-S5-s1"})
    CHECK(fs::exists(dir / "rep" / "runs" / run / "summary.json"));
  // The toy rows carry the energy distance and its floor; the MNIST rows the IWAE estimate.
  const auto rows = nlohmann::json::parse(read_text(dir / "rep" / "compare.json"));
  int toy_rows = 0, iwae_rows = 0;
  for (const auto& row : rows) {
    toy_rows += row.contains("toy_distance") && row.at("toy_distance").is_number();
    iwae_rows += row.contains("test_iwae_nll") && row.at("test_iwae_nll").is_number();
  }
  CHECK(toy_rows == 5);
  CHECK(iwae_rows == 7);
  // The loss curves per S, each order's KL and both toys' densities.
  for (const char* png : {"ph-vae-loss-curves.png", "ph-vae-kl-per-order.png", "ph-vae-gmm5-densities.png",
                          "ph-vae-gmm3-densities.png"})
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
  check_report(dir / "rep", 2);
  const auto report = nlohmann::json::parse(read_text(dir / "rep" / "report.json"));
  CHECK(report.at("seeds") == nlohmann::json::array({1, 2}));
  // IWAE-10 is a tighter bound than the ELBO on the same inputs: that claim must hold even at this size.
  for (const auto& c : report.at("claims"))
    if (c.at("id") == "iwae-bound-tighter") CHECK(c.at("verdict") == "holds");
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
  check_report(dir / "rep", 4);
  const auto rows = nlohmann::json::parse(read_text(dir / "rep" / "compare.json"));
  REQUIRE(rows.size() == 6);
  for (const auto& row : rows) CHECK(row.at("cov_mu_identity_frobenius").get<double>() >= 0.0);
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
  REQUIRE(report.at("claims").size() == 5);
  for (const auto& c : report.at("claims")) CHECK(c.at("verdict") == "inconclusive");
}

TEST_CASE("reproduce names what is not built yet and refuses unknown papers and sizes", "[fast][cli][reproduce]") {
  REQUIRE_THROWS_WITH(vaelab::paper_reproduction("ph-vae", "paper"), Catch::Contains("not built yet"));
  REQUIRE_THROWS_WITH(vaelab::paper_reproduction("vqvae", "cpu"), Catch::Contains("unknown paper"));
  REQUIRE_THROWS_WITH(vaelab::paper_reproduction("ph-vae", "huge"), Catch::Contains("tiny, cpu or paper"));
  const auto dir = vaelab::test::scratch_dir("cli_reproduce_errors");
  const auto r = run_cli(dir, "reproduce mog-vae --size paper --out rep");
  CHECK(r.status == 1);
  CHECK(r.err.find("not built yet") != std::string::npos);
  // A compare entry with a name uses it for its folder and row.
  auto entry = vaelab::ComparisonEntry::parse("ph-vae-toy@options.orders=3");
  entry.name = "gmm5-S3-s1";
  CHECK(entry.row_name("ph-vae-toy") == "gmm5-S3-s1");
}
