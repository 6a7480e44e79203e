// CSV tables: headers, label columns, min-max scaling and error positions.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <fstream>

#include "core/error.h"
#include "data/csv_table.h"
#include "data/dataset_registry.h"
#include "test_support.h"

using namespace vaelab;
namespace fs = std::filesystem;

namespace {
fs::path write_file(const std::string& dir_name, const std::string& text) {
  auto dir = test::scratch_dir(dir_name);
  std::ofstream(dir / "table.csv") << text;
  return dir / "table.csv";
}
}  // namespace

TEST_CASE("CSV loader scales each column to [0, 1] and takes a named label column out", "[fast][data-loaders]") {
  auto path = write_file("data_csv_good",
                         "height, weight ,species\n"
                         "1.0,10,cat\n"
                         "3.0,30,dog\n"
                         "\n"
                         "2.0,20,cat\n"
                         "5.0,\"50\",bird\n");
  auto split = load_csv({{"name", "csv"}, {"path", path.string()}, {"label_column", "species"},
                         {"test_fraction", 0.0}});
  REQUIRE(split.train.size() == 4);
  CHECK(split.train.shape == DataShape{0, 0, 0, 2});
  // (x - 1) / 4 and (w - 10) / 40, rows in file order.
  auto expected = torch::tensor({0.0f, 0.0f, 0.5f, 0.5f, 0.25f, 0.25f, 1.0f, 1.0f}).reshape({4, 2});
  CHECK(torch::allclose(split.train.storage, expected));
  CHECK(split.train.class_names == std::vector<std::string>{"bird", "cat", "dog"});
  CHECK(split.train.labels.equal(torch::tensor({1, 2, 1, 0}, torch::kInt64)));
  CHECK(split.descriptor["header"] == true);
  CHECK(load_dataset(split.descriptor).train.storage.equal(split.train.storage));
}

TEST_CASE("CSV loader detects a missing header and sorts numeric labels by value", "[fast][data-loaders]") {
  auto path = write_file("data_csv_noheader", "7,10\n7,9\n7,2\n7,10\n");
  auto split = load_csv({{"path", path.string()}, {"label_column", 1}, {"test_fraction", 0.0}});
  CHECK(split.descriptor["header"] == false);
  CHECK(split.train.class_names == std::vector<std::string>{"2", "9", "10"});
  CHECK(split.train.labels.equal(torch::tensor({2, 1, 0, 2}, torch::kInt64)));
  // A constant column maps to 0.
  CHECK(split.train.storage.eq(0).all().item<bool>());
  auto unlabelled = load_csv({{"path", path.string()}, {"test_fraction", 0.5}});
  CHECK(unlabelled.train.shape == DataShape{0, 0, 0, 2});
  CHECK(unlabelled.train.size() == 2);
  CHECK_FALSE(unlabelled.train.has_labels());
}

TEST_CASE("CSV loader names file, line and column of a bad cell", "[fast][data-loaders]") {
  auto path = write_file("data_csv_bad", "a,b,c\n1,2,3\n4,x5,6\n");
  REQUIRE_THROWS_WITH(load_csv({{"path", path.string()}}),
                      "table.csv:3:2: expected a number in column \"b\", got \"x5\"");
  auto ragged = write_file("data_csv_ragged", "1,2,3\n4,5\n");
  REQUIRE_THROWS_WITH(load_csv({{"path", ragged.string()}}), "table.csv:2: expected 3 cells, got 2");
  auto empty_cell = write_file("data_csv_empty_cell", "1,2\n,5\n");
  REQUIRE_THROWS_WITH(load_csv({{"path", empty_cell.string()}}), Catch::Contains("table.csv:2:1:"));
  auto nan = write_file("data_csv_nan", "1,2\n3,nan\n");
  REQUIRE_THROWS_WITH(load_csv({{"path", nan.string()}}), Catch::Contains("table.csv:2:2:"));
  auto forced = write_file("data_csv_forced", "a,b\n1,2\n");
  REQUIRE_THROWS_WITH(load_csv({{"path", forced.string()}, {"header", false}}), Catch::Contains("table.csv:1:1:"));
  REQUIRE_THROWS_WITH(load_csv({{"path", forced.string()}, {"label_column", "z"}}), Catch::Contains("no column \"z\""));
  auto noheader = write_file("data_csv_name_without_header", "1,2\n3,4\n");
  REQUIRE_THROWS_WITH(load_csv({{"path", noheader.string()}, {"label_column", "a"}}), Catch::Contains("no header"));
  REQUIRE_THROWS_WITH(load_csv({{"path", noheader.string()}, {"label_column", 2}}), Catch::Contains("index 2"));
  REQUIRE_THROWS_WITH(load_csv({{"path", "/nonexistent/x.csv"}}), Catch::Contains("cannot open /nonexistent/x.csv"));
  REQUIRE_THROWS_WITH(load_csv({{"label_column", 0}}), Catch::Contains("dataset.path"));
}
