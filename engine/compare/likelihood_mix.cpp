#include "compare/likelihood_mix.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace vaelab {

namespace {

std::string row_name(const nlohmann::json& row) {
  return row.contains("name") && row.at("name").is_string() ? row.at("name").get<std::string>() : "?";
}

std::string names(const std::vector<std::string>& v) { return fmt::format("{}", fmt::join(v, ", ")); }

}  // namespace

LikelihoodMix check_likelihood_mix(const std::vector<nlohmann::json>& rows) {
  // Per dataset: the row indices and names on each scale.
  struct Group {
    std::vector<size_t> rows;
    std::map<std::string, std::vector<std::string>> by_scale;
  };
  std::map<std::string, Group> groups;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    if (!row.contains("likelihood_scale") || !row.at("likelihood_scale").is_string()) continue;
    const std::string dataset = row.contains("dataset") && row.at("dataset").is_string() ? row.at("dataset").get<std::string>() : "";
    auto& g = groups[dataset];
    g.rows.push_back(i);
    g.by_scale[row.at("likelihood_scale").get<std::string>()].push_back(row_name(row));
  }
  LikelihoodMix mix;
  std::vector<std::string> reasons;
  for (const auto& entry : groups) {
    const std::string& dataset = entry.first;
    const Group& g = entry.second;
    auto on = [&g](const char* scale) {
      auto it = g.by_scale.find(scale);
      return it == g.by_scale.end() ? std::vector<std::string>() : it->second;
    };
    const auto raw = on("raw-8bit"), deq = on("dequantized-8bit"), binary = on("binary"), grey = on("bernoulli-grey");
    std::vector<std::string> discrete = binary;
    discrete.insert(discrete.end(), grey.begin(), grey.end());
    std::vector<std::string> continuous = deq;
    continuous.insert(continuous.end(), raw.begin(), raw.end());
    const size_t before = reasons.size();
    const std::string where = dataset.empty() ? "" : fmt::format(" on {}", dataset);
    if (!raw.empty() && !discrete.empty())
      reasons.push_back(fmt::format(
          "continuous densities on data that was not dequantised ({}) are compared with discrete likelihoods ({}){}: "
          "an undequantised density is unbounded as its noise shrinks, so its nats and bits/dim are not on their "
          "scale (train with \"dequantize\": true)",
          names(raw), names(discrete), where));
    if (!grey.empty() && !continuous.empty())
      reasons.push_back(fmt::format(
          "bernoulli cross-entropies on grey values ({}) are not likelihoods of the 8-bit data and do not compare "
          "with the continuous densities ({}){}",
          names(grey), names(continuous), where));
    if (!raw.empty() && !deq.empty())
      reasons.push_back(fmt::format("some continuous densities were evaluated on dequantised data ({}) and some on "
                                    "undequantised data ({}){}: two different scales",
                                    names(deq), names(raw), where));
    if (reasons.size() > before) mix.rows.insert(mix.rows.end(), g.rows.begin(), g.rows.end());
  }
  mix.mixed = !reasons.empty();
  if (mix.mixed)
    mix.warning = fmt::format("warning: this comparison mixes likelihoods that are not on one scale: {}.",
                              fmt::join(reasons, "; "));
  std::sort(mix.rows.begin(), mix.rows.end());
  return mix;
}

LikelihoodMix flag_likelihood_mix(ComparisonTable& table) {
  const LikelihoodMix mix = check_likelihood_mix(table.rows());
  auto& rows = table.rows_for_update();
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i].contains("likelihood_scale")) continue;
    const bool flagged = std::binary_search(mix.rows.begin(), mix.rows.end(), i);
    rows[i]["likelihood_comparable"] = !flagged;
    if (flagged) rows[i]["likelihood_warning"] = mix.warning;
  }
  if (mix.mixed) table.add_note(mix.warning);
  return mix;
}

}  // namespace vaelab
