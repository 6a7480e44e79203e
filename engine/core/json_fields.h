#pragma once
// Typed reads from preset JSON with errors that name the key path and the expected type, e.g.
//   preset key "optimizer.lr": expected a number, got "fast"
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace vaelab::json_fields {

// j[key] if present, else `fallback`; throws vaelab::Error on a wrong type.
double number(const nlohmann::json& j, const std::string& path, const std::string& key, double fallback);
int64_t integer(const nlohmann::json& j, const std::string& path, const std::string& key, int64_t fallback);
bool boolean(const nlohmann::json& j, const std::string& path, const std::string& key, bool fallback);
std::string text(const nlohmann::json& j, const std::string& path, const std::string& key,
                 const std::string& fallback);
// A string that must be one of `allowed`.
std::string choice(const nlohmann::json& j, const std::string& path, const std::string& key,
                   const std::string& fallback, const std::vector<std::string>& allowed);
std::vector<int64_t> integers(const nlohmann::json& j, const std::string& path, const std::string& key,
                              const std::vector<int64_t>& fallback);
std::vector<double> numbers(const nlohmann::json& j, const std::string& path, const std::string& key,
                            const std::vector<double>& fallback);
// Throws when `j` has a key not in `known` (catches typos in presets).
void only_keys(const nlohmann::json& j, const std::string& path, const std::vector<std::string>& known);
// Requires j to be an object (or null, treated as empty).
void require_object(const nlohmann::json& j, const std::string& path);

}  // namespace vaelab::json_fields
