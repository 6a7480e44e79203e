#include "reproduce/reproduction_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/atomic_write.h"
#include "core/error.h"

namespace vaelab {

namespace fs = std::filesystem;

namespace {

std::string seeds_text(const std::vector<int64_t>& seeds) { return fmt::format("{}", fmt::join(seeds, ", ")); }

// A markdown cell: pipes escaped, newlines as spaces.
std::string cell(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

// Display width of UTF-8 text (code points; every character the report uses is one column wide).
size_t width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace

std::string ReproductionReport::to_markdown() const {
  std::string md = fmt::format("## {}: {}\n\n", paper, title);
  md += fmt::format("Size `{}`, seeds {}, wall time {:.0f} s; the runs trained for {:.0f} s in all.\n\n", size,
                    seeds_text(seeds), wall_seconds, training_seconds);
  md += "| claim | the paper | ours | verdict | why | settings |\n|---|---|---|---|---|---|\n";
  for (const auto& c : claims) {
    md += fmt::format("| {} | {} | {} | **{}** | {} | {} |\n", cell(c.claim), cell(c.papers), cell(c.ours),
                      verdict_text(c.judgement.verdict), cell(c.judgement.reason), cell(c.settings));
  }
  if (!notes.empty()) {
    md += "\n";
    for (const auto& n : notes) md += "- " + n + "\n";
  }
  if (!plots.empty() || !plots_skipped.empty()) {
    md += "\n### Plots\n\n";
    for (const auto& p : plots) md += fmt::format("![{}]({})\n\n{}\n\n", p.caption, p.file, p.description);
    for (const auto& s : plots_skipped) md += "- Not drawn: " + s + "\n";
  }
  return md;
}

std::string ReproductionReport::to_text() const {
  std::string out = fmt::format("{}: {} (size {}, seeds {}, {:.0f} s)\n", paper, title, size, seeds_text(seeds),
                                wall_seconds);
  size_t id_w = 5, verdict_w = 7;
  for (const auto& c : claims) {
    id_w = std::max(id_w, width(c.id));
    verdict_w = std::max(verdict_w, width(verdict_text(c.judgement.verdict)));
  }
  const auto pad = [](const std::string& s, size_t w) { return s + std::string(w > width(s) ? w - width(s) : 0, ' '); };
  out += pad("claim", id_w) + "  " + pad("verdict", verdict_w) + "  ours  |  the paper\n";
  for (const auto& c : claims) {
    out += pad(c.id, id_w) + "  " + pad(verdict_text(c.judgement.verdict), verdict_w) + "  " + c.ours + "  |  " +
           c.papers + "\n";
    out += std::string(id_w + 2, ' ') + c.judgement.reason + "\n";
  }
  return out;
}

nlohmann::json ReproductionReport::to_json() const {
  nlohmann::json claims_json = nlohmann::json::array();
  for (const auto& c : claims) {
    claims_json.push_back({{"id", c.id},
                           {"claim", c.claim},
                           {"papers", c.papers},
                           {"ours", c.ours},
                           {"verdict", verdict_text(c.judgement.verdict)},
                           {"reason", c.judgement.reason},
                           {"difference", std::isfinite(c.judgement.difference) ? nlohmann::json(c.judgement.difference)
                                                                                : nlohmann::json()},
                           {"margin", c.judgement.margin},
                           {"seeds", c.judgement.seeds},
                           {"settings", c.settings}});
  }
  nlohmann::json plots_json = nlohmann::json::array();
  for (const auto& p : plots) plots_json.push_back({{"file", p.file}, {"caption", p.caption}, {"description", p.description}});
  return {{"paper", paper},   {"title", title},       {"size", size},
          {"seeds", seeds},   {"wall_seconds", wall_seconds}, {"training_seconds", training_seconds}, {"notes", notes},
          {"runs", runs},     {"claims", claims_json}, {"plots", plots_json},
          {"plots_skipped", plots_skipped}};
}

void ReproductionReport::write(const std::string& dir) const {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(fmt::format("reproduce: cannot create {}: {}", dir, ec.message()));
  write_file_atomically((fs::path(dir) / "report.md").string(), to_markdown(), "report");
  write_file_atomically((fs::path(dir) / "report.json").string(), to_json().dump(2) + "\n", "report");
}

}  // namespace vaelab
