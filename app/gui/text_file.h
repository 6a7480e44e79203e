#pragma once
// Text exports (CSV, SVG) of the views and the plot widget: the text is built in memory, then written by
// the engine's one durable writer (core/atomic_write.h); any failure becomes the one-line error the
// export toast shows.
#include <functional>
#include <ostream>
#include <string>

namespace vaelab {
namespace gui {

// Writes `path` through `write`. Returns false with `cannot write "PATH": <reason>` when the file cannot
// be written (missing folder, disk full, ...); an earlier file of that name is left whole.
bool write_text_file(const std::string& path, const std::function<void(std::ostream&)>& write, std::string& error);

}  // namespace gui
}  // namespace vaelab
