// vaelab-cli: train, resume, evaluate and list, as thin calls into engine/session.
//
// Error contract: any failure ends with exactly one line "vaelab-cli: error: <what>" on stderr and exit
// status 1 — bad command lines, bad presets (vaelab::Error), LibTorch errors (their backtrace dropped),
// anything else derived from std::exception. Never a crash: nothing escapes main().
#include <c10/util/Exception.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <exception>
#include <string>

#include "commands.h"
#include "core/error.h"

namespace {

// The first line of a message, so that the error stays one line whatever the source put in it.
std::string first_line(const std::string& message) {
  auto end = message.find('\n');
  std::string line = message.substr(0, end);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line.empty() ? std::string("unknown error") : line;
}

int fail(const std::string& message) {
  std::fprintf(stderr, "vaelab-cli: error: %s\n", first_line(message).c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  // A file size limit (ulimit -f) must fail the write with EFBIG, reported like a full disk, instead of
  // killing the process with SIGXFSZ.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"vaelab-cli: train, resume and evaluate variational autoencoders", "vaelab-cli"};
  app.require_subcommand(1);
  app.fallthrough(false);
  try {
    register_train_command(app);
    register_resume_command(app);
    register_eval_command(app);
    register_list_commands(app);
    register_compare_command(app);
    register_reproduce_command(app);
    register_export_command(app);
    app.parse(argc, argv);  // runs the chosen command's callback
    return 0;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    return fail(std::string(e.what()) + " (see vaelab-cli --help)");
  } catch (const vaelab::cli::CommandExit& e) {
    return e.status;
  } catch (const vaelab::Error& e) {
    return fail(e.what());
  } catch (const c10::Error& e) {
    return fail(std::string("torch: ") + e.what_without_backtrace());
  } catch (const std::exception& e) {
    return fail(e.what());
  } catch (...) {
    return fail("unexpected exception");
  }
}
