// Run folders that survive a full disk, two writers and a diverged run, through the real vaelab-cli
// (VAELAB_CLI_PATH): a write failure is one error line and status 1 with the earlier checkpoint still
// loadable; a second writer is refused naming the first one's pid; a killed writer neither corrupts
// the folder nor blocks the next one; a run whose learning rate explodes saves weights that evaluate.
#include <catch2/catch.hpp>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "file_write_faults.h"
#include "test_support.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;

std::string text_of(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Ended {
  int status = -1;  // exit status, or 128 + signal
  std::string out, err;
};

// One vaelab-cli process started by bash in `dir` (so that `prefix` may set limits, e.g. "ulimit -f 8;"),
// its streams in files named after `tag`. bash execs the CLI: the pid is the CLI's.
struct CliProcess {
  pid_t pid = -1;
  fs::path out, err;

  CliProcess(const fs::path& dir, const std::string& args, const std::string& tag, const std::string& prefix = "") {
    out = dir / (tag + ".out");
    err = dir / (tag + ".err");
    const std::string script = "cd '" + dir.string() + "' && " + prefix + " exec '" + VAELAB_CLI_PATH + "' " + args +
                               " >'" + out.string() + "' 2>'" + err.string() + "'";
    const char* argv[] = {"/bin/bash", "-c", script.c_str(), nullptr};
    REQUIRE(posix_spawn(&pid, "/bin/bash", nullptr, nullptr, const_cast<char**>(argv), environ) == 0);
  }

  Ended wait() {
    int raw = 0;
    REQUIRE(waitpid(pid, &raw, 0) == pid);
    Ended e;
    e.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
    e.out = text_of(out);
    e.err = text_of(err);
    return e;
  }
};

Ended cli(const fs::path& dir, const std::string& args, const std::string& prefix = "") {
  return CliProcess(dir, args, "cli", prefix).wait();
}

// A toy-mixture VAE that trains an epoch in well under a second.
void write_preset(const fs::path& dir) {
  const nlohmann::json preset = {{"name", "reliability"},
                                 {"description", "run folder reliability tests"},
                                 {"variant", "vae"},
                                 {"dataset", {{"name", "toy-gmm5"}, {"n", 600}}},
                                 {"latent", 2},
                                 {"architecture", {{"type", "mlp"}, {"hidden", {32, 32}}}},
                                 {"likelihood", {{"type", "gaussian"}, {"sigma2", 0.1}}},
                                 {"optimizer", {{"type", "adam"}, {"lr", 0.003}}},
                                 {"batch_size", 64},
                                 {"epochs", 1},
                                 {"seed", 11},
                                 {"device", "cpu"}};
  std::ofstream(dir / "reliability.json") << preset.dump(2) << "\n";
}

const std::string kTrain = "train --preset reliability.json --threads 1 --out run";

// A fresh test folder holding the preset and a one-epoch run of it in dir/run.
fs::path folder_with_trained_run(const std::string& name) {
  const fs::path dir = vaelab::test::scratch_dir(name);
  write_preset(dir);
  REQUIRE(cli(dir, kTrain).status == 0);
  return dir;
}

// Status 1, and stderr ends with the one "vaelab-cli: error: ..." line, containing `expected` (progress
// lines such as compare's "evaluating run" may come before it); never an abort.
void require_clean_failure(const Ended& r, const std::string& expected) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.status == 1);
  const std::string tag = "vaelab-cli: error: ";
  const auto at = r.err.find(tag);
  REQUIRE(at != std::string::npos);
  CHECK((at == 0 || r.err[at - 1] == '\n'));
  CHECK(r.err.find('\n', at) == r.err.size() - 1);  // the last line, and the only error line
  CHECK(r.err.find(tag, at + 1) == std::string::npos);
  CHECK(r.err.find(expected, at) != std::string::npos);
  CHECK(r.err.find("terminate called") == std::string::npos);
}

// eval of `run` succeeds with a finite negative ELBO.
void require_evaluates(const fs::path& dir, const std::string& run) {
  const Ended r = cli(dir, "eval --run " + run + " --threads 1 --limit 200");
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["nelbo"].is_number());
  CHECK(std::isfinite(j["nelbo"].get<double>()));
}

bool wait_for(const std::function<bool()>& ready, int seconds = 60) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!ready()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

// A long resume of dir/run, started and seen holding the folder's lock with a few epochs saved.
CliProcess start_long_resume(const fs::path& dir) {
  CliProcess writer(dir, "resume --run run --epochs 100000 --threads 1", "writer");
  const std::string holder = std::to_string(writer.pid) + " vaelab-cli";
  REQUIRE(wait_for([&] { return text_of(dir / "run" / ".vaelab-lock").rfind(holder, 0) == 0; }));
  REQUIRE(wait_for([&] { return text_of(writer.out).find("epoch 4/") != std::string::npos; }));
  return writer;
}

size_t temporaries_in(const fs::path& run) {
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(run)) n += e.path().filename().string().find(".tmp") != std::string::npos;
  return n;
}

}  // namespace

TEST_CASE("train and resume on a full disk exit 1 naming the checkpoint, and the earlier run still evaluates",
          "[fast][cli]") {
  const fs::path dir = folder_with_trained_run("cli_full_disk");
  const uintmax_t size = fs::file_size(dir / "run" / "checkpoint.pt");

  SECTION("a file size limit (ulimit -f): EFBIG, not SIGXFSZ") {
    const std::string limit = "ulimit -f " + std::to_string(size / 2 / 1024) + ";";
    require_clean_failure(cli(dir, kTrain, limit), "cannot write checkpoint \"run/checkpoint.pt\": File too large");
    require_clean_failure(cli(dir, "resume --run run --epochs 1 --threads 1", limit),
                          "cannot write checkpoint \"run/checkpoint.pt\": File too large");
    require_evaluates(dir, "run");
    CHECK(temporaries_in(dir / "run") == 0);
  }
  SECTION("a full tmpfs: ENOSPC") {
    fs::create_directories(dir / "disk");
    // Room for one checkpoint, its metrics, summary and lock file, and half a checkpoint more.
    const uintmax_t pages = (size + 4095) / 4096;
    vaelab::test::TmpfsMount disk((dir / "disk").string(), "size=" + std::to_string((pages * 3 / 2 + 4) * 4) + "k");
    if (!disk.ok()) {
      WARN(disk.reason());
      return;
    }
    REQUIRE(cli(dir, "train --preset reliability.json --threads 1 --out disk/run").status == 0);
    require_clean_failure(cli(dir, "train --preset reliability.json --threads 1 --out disk/run"),
                          "cannot write checkpoint \"disk/run/checkpoint.pt\": No space left on device");
    require_evaluates(dir, "disk/run");
    CHECK(temporaries_in(dir / "disk" / "run") == 0);
  }
}

TEST_CASE("compare exits 1 naming the output file it cannot write", "[fast][cli]") {
  const fs::path dir = folder_with_trained_run("cli_compare_unwritable");
  fs::create_directories(dir / "cmp" / "compare.csv");  // a folder where the table goes
  require_clean_failure(cli(dir, "compare --runs run --out cmp --limit 100"), "cmp/compare.csv");
}

TEST_CASE("A second trainer of a run folder is refused naming the first one's pid; readers are not",
          "[fast][cli]") {
  const fs::path dir = folder_with_trained_run("cli_two_writers");
  CliProcess writer = start_long_resume(dir);
  const std::string refusal = "run folder \"run\" is being written by process " + std::to_string(writer.pid) +
                              " (vaelab-cli); readers do not need the lock";
  require_clean_failure(cli(dir, "resume --run run --epochs 1 --threads 1"), refusal);
  require_clean_failure(cli(dir, kTrain), refusal);
  require_evaluates(dir, "run");  // while the writer trains
  ::kill(writer.pid, SIGINT);     // saves and exits 130
  const Ended first = writer.wait();
  INFO("stdout: " << first.out << "\nstderr: " << first.err);
  CHECK(first.status == 130);
  require_evaluates(dir, "run");
}

TEST_CASE("Two resumes started at once on one folder: exactly one trains", "[fast][cli]") {
  const fs::path dir = folder_with_trained_run("cli_two_resumes");
  CliProcess a(dir, "resume --run run --epochs 40 --threads 1", "a");
  CliProcess b(dir, "resume --run run --epochs 40 --threads 1", "b");
  const Ended ra = a.wait(), rb = b.wait();
  INFO("a: " << ra.status << " " << ra.err << "\nb: " << rb.status << " " << rb.err);
  CHECK(((ra.status == 0 && rb.status == 1) || (ra.status == 1 && rb.status == 0)));
  const Ended& refused = ra.status == 1 ? ra : rb;
  const pid_t winner = ra.status == 1 ? b.pid : a.pid;
  require_clean_failure(refused, "is being written by process " + std::to_string(winner) + " (vaelab-cli)");
  require_evaluates(dir, "run");
  const auto summary = nlohmann::json::parse(text_of(dir / "run" / "summary.json"));
  CHECK(summary["epoch"] == 41);
}

TEST_CASE("A trainer killed with SIGKILL leaves a loadable run and its lock does not block the next one",
          "[fast][cli]") {
  const fs::path dir = folder_with_trained_run("cli_kill_writer");
  CliProcess writer = start_long_resume(dir);
  ::kill(writer.pid, SIGKILL);
  CHECK(writer.wait().status == 128 + SIGKILL);
  require_evaluates(dir, "run");
  const Ended next = cli(dir, "resume --run run --epochs 1 --threads 1");
  INFO("stdout: " << next.out << "\nstderr: " << next.err);
  REQUIRE(next.status == 0);
  CHECK(temporaries_in(dir / "run") == 0);
  require_evaluates(dir, "run");
}

TEST_CASE("A run whose learning rate explodes (1e6) stops Diverged and its folder evaluates", "[fast][cli]") {
  const fs::path dir = vaelab::test::scratch_dir("cli_diverged");
  write_preset(dir);
  const Ended r = cli(dir, kTrain + " --set optimizer.lr=1e6");
  require_clean_failure(r, "training diverged");
  CHECK(r.err.find("the last finite state is saved") != std::string::npos);
  const auto summary = nlohmann::json::parse(text_of(dir / "run" / "summary.json"));
  CHECK(summary["state"] == "diverged");
  require_evaluates(dir, "run");
}
