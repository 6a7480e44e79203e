#include "config_dir.h"

#include <cstdlib>

namespace vaelab {
namespace gui {

std::string config_dir() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  if (xdg && *xdg) return std::string(xdg) + "/vaelab";
  if (home && *home) return std::string(home) + "/.config/vaelab";
  return ".";
}

}  // namespace gui
}  // namespace vaelab
