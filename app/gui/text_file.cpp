#include "text_file.h"

#include <fstream>

namespace vaelab {
namespace gui {

bool write_text_file(const std::string& path, const std::function<void(std::ostream&)>& write, std::string& error) {
  std::ofstream out(path);
  if (!out) {
    error = "cannot write " + path;
    return false;
  }
  write(out);
  out.close();
  if (!out) {
    error = "error while writing " + path;
    return false;
  }
  return true;
}

}  // namespace gui
}  // namespace vaelab
