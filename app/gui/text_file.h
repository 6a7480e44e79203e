#pragma once
// Text exports (CSV, SVG) of the views and the plot widget: one place that opens the file, runs the
// writer and turns any failure into the one-line error the export toast shows.
#include <functional>
#include <ostream>
#include <string>

namespace vaelab {
namespace gui {

// Writes `path` through `write`. Returns false with "cannot write PATH" when the file cannot be opened
// and "error while writing PATH" when a write fails (disk full, ...).
bool write_text_file(const std::string& path, const std::function<void(std::ostream&)>& write, std::string& error);

}  // namespace gui
}  // namespace vaelab
