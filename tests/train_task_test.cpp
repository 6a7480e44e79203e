// The task type shared by long jobs: progress, prompt cancellation, the error slot.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/error.h"
#include "core/task.h"

using namespace vaelab;
using Clock = std::chrono::steady_clock;

TEST_CASE("A task reports progress and status and finishes with its result", "[fast][train]") {
  auto result = std::make_shared<int>(0);
  auto task = run_task("count", [result](TaskContext& ctx) {
    for (int i = 1; i <= 10; ++i) {
      ctx.set_progress(i / 10.f, "item " + std::to_string(i));
      *result += i;
    }
  });
  REQUIRE(task->wait(5000));
  CHECK(task->done());
  CHECK_FALSE(task->failed());
  CHECK_FALSE(task->was_cancelled());
  CHECK(task->progress() == 1.f);
  CHECK(task->status() == "item 10");
  CHECK(*result == 55);
  CHECK(task->name() == "count");
}

TEST_CASE("Cancelling a task ends it promptly and does not count as a failure", "[fast][train]") {
  auto task = run_task("forever", [](TaskContext& ctx) {
    for (;;) {
      ctx.throw_if_cancelled();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK_FALSE(task->done());
  const auto t0 = Clock::now();
  task->cancel();
  REQUIRE(task->wait(2000));
  CHECK(std::chrono::duration<double>(Clock::now() - t0).count() < 0.5);
  CHECK(task->was_cancelled());
  CHECK_FALSE(task->failed());
  CHECK(task->error().empty());
}

TEST_CASE("An exception in a task lands in its error slot", "[fast][train]") {
  auto task = run_task("broken", [](TaskContext&) { throw Error("t-SNE: perplexity 500 exceeds n-1 = 99"); });
  REQUIRE(task->wait(5000));
  CHECK(task->failed());
  CHECK(task->error() == "t-SNE: perplexity 500 exceeds n-1 = 99");
}

TEST_CASE("Dropping the last reference to a running task cancels and joins it", "[fast][train]") {
  auto polled = std::make_shared<std::atomic<bool>>(false);
  {
    auto task = run_task("dropped", [polled](TaskContext& ctx) {
      while (!ctx.cancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
      polled->store(true);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(polled->load());
}
