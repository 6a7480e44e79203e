#pragma once
// Where the app keeps its small per-user files (imgui.ini, recent-runs.json).
#include <string>

namespace vaelab {
namespace gui {

// $XDG_CONFIG_HOME/vaelab, else $HOME/.config/vaelab, else "." (not created here).
std::string config_dir();

}  // namespace gui
}  // namespace vaelab
