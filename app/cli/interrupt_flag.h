#pragma once
// Ctrl-C for long commands (train, resume, reproduce): while an InterruptFlag lives, SIGINT only sets an
// atomic flag (and restores the default action, so a second Ctrl-C ends the process at once); the
// command's polling loop sees raised() and stops cleanly. The destructor puts the previous handler back.
#include <csignal>

namespace vaelab::cli {

class InterruptFlag {
 public:
  InterruptFlag();
  ~InterruptFlag();
  InterruptFlag(const InterruptFlag&) = delete;
  InterruptFlag& operator=(const InterruptFlag&) = delete;
  bool raised() const;

 private:
  struct sigaction previous_ {};
};

}  // namespace vaelab::cli
