#include "core/json_fields.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.h"

namespace vaelab::json_fields {
namespace {

std::string key_path(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

const char* type_name(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return "an integer";
    case nlohmann::json::value_t::number_float: return "a number";
    default: return "a value";
  }
}

[[noreturn]] void wrong_type(const std::string& path, const std::string& key, const char* expected,
                             const nlohmann::json& got) {
  throw Error(fmt::format("preset key \"{}\": expected {}, got {} ({})", key_path(path, key), expected,
                          type_name(got), got.dump()));
}

const nlohmann::json* find(const nlohmann::json& j, const std::string& key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

}  // namespace

double number(const nlohmann::json& j, const std::string& path, const std::string& key, double fallback) {
  const auto* v = find(j, key);
  if (!v) return fallback;
  if (!v->is_number()) wrong_type(path, key, "a number", *v);
  return v->get<double>();
}

int64_t integer(const nlohmann::json& j, const std::string& path, const std::string& key, int64_t fallback) {
  const auto* v = find(j, key);
  if (!v) return fallback;
  if (v->is_number_integer() || v->is_number_unsigned()) return v->get<int64_t>();
  if (v->is_number_float()) {
    double d = v->get<double>();
    if (d == static_cast<double>(static_cast<int64_t>(d))) return static_cast<int64_t>(d);
  }
  wrong_type(path, key, "an integer", *v);
}

bool boolean(const nlohmann::json& j, const std::string& path, const std::string& key, bool fallback) {
  const auto* v = find(j, key);
  if (!v) return fallback;
  if (!v->is_boolean()) wrong_type(path, key, "a boolean", *v);
  return v->get<bool>();
}

std::string text(const nlohmann::json& j, const std::string& path, const std::string& key,
                 const std::string& fallback) {
  const auto* v = find(j, key);
  if (!v) return fallback;
  if (!v->is_string()) wrong_type(path, key, "a string", *v);
  return v->get<std::string>();
}

std::string choice(const nlohmann::json& j, const std::string& path, const std::string& key,
                   const std::string& fallback, const std::vector<std::string>& allowed) {
  std::string value = text(j, path, key, fallback);
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    throw Error(fmt::format("preset key \"{}\": expected one of {}, got \"{}\"", key_path(path, key),
                            fmt::join(allowed, "|"), value));
  }
  return value;
}

std::vector<int64_t> integers(const nlohmann::json& j, const std::string& path, const std::string& key,
                              const std::vector<int64_t>& fallback) {
  const auto* v = find(j, key);
  if (!v) return fallback;
  if (!v->is_array()) wrong_type(path, key, "an array of integers", *v);
  std::vector<int64_t> out;
  for (const auto& e : *v) {
    if (!e.is_number_integer() && !e.is_number_unsigned()) wrong_type(path, key, "an array of integers", *v);
    out.push_back(e.get<int64_t>());
  }
  return out;
}

std::vector<double> numbers(const nlohmann::json& j, const std::string& path, const std::string& key,
                            const std::vector<double>& fallback) {
  const auto* v = find(j, key);
  if (!v) return fallback;
  if (!v->is_array()) wrong_type(path, key, "an array of numbers", *v);
  std::vector<double> out;
  for (const auto& e : *v) {
    if (!e.is_number()) wrong_type(path, key, "an array of numbers", *v);
    out.push_back(e.get<double>());
  }
  return out;
}

void only_keys(const nlohmann::json& j, const std::string& path, const std::vector<std::string>& known) {
  if (!j.is_object()) return;
  for (const auto& [key, value] : j.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      throw Error(fmt::format("preset key \"{}\": unknown key (expected one of {})", key_path(path, key),
                              fmt::join(known, ", ")));
    }
  }
}

void require_object(const nlohmann::json& j, const std::string& path) {
  if (!j.is_null() && !j.is_object()) {
    throw Error(fmt::format("preset key \"{}\": expected an object, got {}", path, type_name(j)));
  }
}

}  // namespace vaelab::json_fields
