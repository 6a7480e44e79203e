#include "text_file.h"

#include <sstream>

#include "core/atomic_write.h"
#include "core/error.h"

namespace vaelab {
namespace gui {

bool write_text_file(const std::string& path, const std::function<void(std::ostream&)>& write, std::string& error) {
  std::ostringstream text;
  write(text);
  try {
    write_file_atomically(path, text.str());
  } catch (const Error& e) {
    error = e.what();
    return false;
  }
  return true;
}

}  // namespace gui
}  // namespace vaelab
