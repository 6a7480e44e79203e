#include "train/metric_history.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace vaelab {

int64_t MetricHistory::index_of(const std::string& name) const {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<int64_t>(i);
  return -1;
}

namespace {

// JSON has no NaN/Inf: they are stored as null and read back as NaN.
nlohmann::json series_to_json(const std::vector<std::vector<float>>& series) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& row : series) {
    nlohmann::json r = nlohmann::json::array();
    for (float v : row) r.push_back(std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr));
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<std::vector<float>> series_from_json(const nlohmann::json& j, const char* key) {
  std::vector<std::vector<float>> out;
  if (!j.contains(key)) return out;
  const auto& a = j.at(key);
  if (!a.is_array()) throw Error(std::string("metric history \"") + key + "\": expected an array of arrays");
  for (const auto& row : a) {
    if (!row.is_array())
      throw Error(std::string("metric history \"") + key + "\": expected an array of arrays");
    std::vector<float> r;
    r.reserve(row.size());
    for (const auto& v : row)
      r.push_back(v.is_number() ? v.get<float>() : std::numeric_limits<float>::quiet_NaN());
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

nlohmann::json MetricHistory::to_json() const {
  return {{"names", names},
          {"steps", steps},
          {"per_step", series_to_json(per_step)},
          {"epoch_train", series_to_json(epoch_train)},
          {"epoch_test", series_to_json(epoch_test)}};
}

MetricHistory MetricHistory::from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw Error("metric history: expected a JSON object");
  MetricHistory h;
  try {
    h.names = j.value("names", std::vector<std::string>{});
    h.steps = j.value("steps", std::vector<int64_t>{});
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("metric history: bad \"names\" or \"steps\": ") + e.what());
  }
  h.per_step = series_from_json(j, "per_step");
  h.epoch_train = series_from_json(j, "epoch_train");
  h.epoch_test = series_from_json(j, "epoch_test");
  const size_t n = h.names.size();
  auto check = [&](const std::vector<std::vector<float>>& s, const char* key) {
    if (!s.empty() && s.size() != n)
      throw Error(std::string("metric history \"") + key + "\": " + std::to_string(s.size()) +
                  " series for " + std::to_string(n) + " names");
  };
  check(h.per_step, "per_step");
  check(h.epoch_train, "epoch_train");
  check(h.epoch_test, "epoch_test");
  if (h.per_step.empty()) h.per_step.assign(n, {});
  if (h.epoch_train.empty()) h.epoch_train.assign(n, {});
  if (h.epoch_test.empty()) h.epoch_test.assign(n, {});
  for (const auto& s : h.per_step)
    if (s.size() != h.steps.size())
      throw Error("metric history: per_step series length differs from the number of steps");
  return h;
}

void MetricHistory::record_step(int64_t step, int64_t epoch, const std::vector<std::pair<std::string, double>>& values) {
  constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
  for (const auto& [name, v] : values) {
    if (index_of(name) >= 0) continue;
    names.push_back(name);
    per_step.emplace_back(steps.size(), kNaN);
    epoch_train.emplace_back(epoch, kNaN);
    epoch_test.emplace_back(epoch, kNaN);
  }
  steps.push_back(step);
  for (auto& s : per_step) s.push_back(kNaN);
  for (const auto& [name, v] : values) per_step[index_of(name)].back() = static_cast<float>(v);
}

void MetricHistory::close_epoch(int64_t epoch_steps) {
  constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
  const size_t rows = steps.size();
  const size_t first = rows - static_cast<size_t>(std::min<int64_t>(epoch_steps, static_cast<int64_t>(rows)));
  for (size_t t = 0; t < names.size(); ++t) {
    double sum = 0;
    int64_t n = 0;
    for (size_t r = first; r < rows; ++r) {
      const float v = per_step[t][r];
      if (std::isfinite(v)) sum += v, ++n;
    }
    epoch_train[t].push_back(n > 0 ? static_cast<float>(sum / n) : kNaN);
    epoch_test[t].push_back(kNaN);
  }
}

void MetricHistory::set_epoch_test(const std::vector<std::pair<std::string, double>>& means) {
  for (const auto& [name, value] : means) {
    const auto t = index_of(name);
    if (t >= 0 && !epoch_test[t].empty()) epoch_test[t].back() = static_cast<float>(value);
  }
}

}  // namespace vaelab
