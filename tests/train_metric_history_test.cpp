// The metric series of a run (engine/train/metric_history.h): per-step rows, epoch means over finite
// values, test-view slots, and terms that appear late.
#include <catch2/catch.hpp>

#include <cmath>

#include "train/metric_history.h"

using namespace vaelab;

TEST_CASE("Epoch means average the epoch's finite step values and open a test slot", "[fast][train]") {
  MetricHistory h;
  h.record_step(0, 0, {{"loss", 4.0}, {"kl", 1.0}});
  h.record_step(1, 0, {{"loss", 2.0}, {"kl", std::nan("")}});
  h.close_epoch(2);
  REQUIRE(h.names == std::vector<std::string>{"loss", "kl"});
  CHECK(h.steps == std::vector<int64_t>{0, 1});
  CHECK(h.epoch_train[0] == std::vector<float>{3.0f});
  CHECK(h.epoch_train[1] == std::vector<float>{1.0f});  // the NaN step is left out of the mean
  REQUIRE(h.epoch_test[0].size() == 1);
  CHECK(std::isnan(h.epoch_test[0][0]));
  h.set_epoch_test({{"loss", 5.0}, {"unknown", 9.0}});
  CHECK(h.epoch_test[0][0] == 5.0f);
  CHECK(std::isnan(h.epoch_test[1][0]));

  // Epoch 2: a term that appears late gets NaN before its first value, and only this epoch's rows count.
  h.record_step(2, 1, {{"loss", 10.0}, {"kl", 3.0}, {"tc", 0.5}});
  h.close_epoch(1);
  REQUIRE(h.names.size() == 3);
  const auto tc = h.index_of("tc");
  REQUIRE(tc == 2);
  CHECK(std::isnan(h.per_step[tc][0]));
  CHECK(h.per_step[tc][2] == 0.5f);
  REQUIRE(h.epoch_train[tc].size() == 2);
  CHECK(std::isnan(h.epoch_train[tc][0]));
  CHECK(h.epoch_train[tc][1] == 0.5f);
  CHECK(h.epoch_train[0][1] == 10.0f);

  // The JSON round trip keeps every series (NaN as null).
  const auto back = MetricHistory::from_json(h.to_json());
  CHECK(back.names == h.names);
  CHECK(back.epoch_train[0] == h.epoch_train[0]);
  CHECK(std::isnan(back.epoch_test[1][0]));
}
