#include "train/snapshot.h"


namespace vaelab {

const char* to_string(RunState state) {
  switch (state) {
    case RunState::Idle: return "idle";
    case RunState::Running: return "running";
    case RunState::Paused: return "paused";
    case RunState::Finished: return "finished";
    case RunState::Stopped: return "stopped";
    case RunState::Diverged: return "diverged";
    case RunState::Failed: return "failed";
  }
  return "unknown";
}

}  // namespace vaelab
