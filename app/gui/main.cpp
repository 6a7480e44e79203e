// vaelab: the desktop app. Everything lives in App (app.h); this only parses the command line.
#include <csignal>

#include "app.h"
#include "command_line.h"

int main(int argc, char** argv) {
  // A file size limit (ulimit -f) must fail a save or an export with an error toast (EFBIG), not kill
  // the app with SIGXFSZ (core/atomic_write.h).
  std::signal(SIGXFSZ, SIG_IGN);
  vaelab::gui::CommandLine command_line;
  int exit_code = 0;
  if (!vaelab::gui::parse_command_line(argc, argv, command_line, exit_code)) return exit_code;
  vaelab::gui::App app(std::move(command_line));
  return app.run();
}
