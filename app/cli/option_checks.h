#pragma once
// Option validators with short messages ("--epochs: expected an integer >= 1, got 0"); CLI11's own
// PositiveNumber/NonNegativeNumber print the whole double range.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace vaelab::cli {

inline CLI::Validator integer_at_least(int64_t min) {
  return CLI::Validator(
      [min](std::string& text) -> std::string {
        int64_t value = 0;
        if (!CLI::detail::lexical_cast(text, value)) return fmt::format("expected an integer, got \"{}\"", text);
        if (value < min) return fmt::format("expected an integer >= {}, got {}", min, value);
        return {};
      },
      fmt::format("INT>={}", min));
}

}  // namespace vaelab::cli
