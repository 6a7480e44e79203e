// The task type shared by long jobs: progress, prompt cancellation, the error slot; delivery of results
// to a main thread through a queue (MainThreadTasks), and "latest wins" (LatestTask).
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/latest_task.h"
#include "core/main_thread_tasks.h"
#include "core/task.h"

using namespace vaelab;
using Clock = std::chrono::steady_clock;

namespace {

// The GUI's main-thread queue in miniature: any thread posts, the test's thread drains.
class TestQueue {
 public:
  PostToMainThread poster() {
    return [this](std::function<void()> fn) {
      std::lock_guard<std::mutex> lock(mutex_);
      pending_.push_back(std::move(fn));
    };
  }
  // Runs what was posted so far on the calling thread; returns how many closures ran.
  int drain() {
    std::vector<std::function<void()>> run;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      run.swap(pending_);
    }
    for (auto& fn : run) fn();
    return static_cast<int>(run.size());
  }
  // Drains until `done()` holds or 5 s pass; returns done().
  bool drain_until(const std::function<bool()>& done) {
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    while (!done() && Clock::now() < deadline) {
      drain();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return done();
  }

 private:
  std::mutex mutex_;
  std::vector<std::function<void()>> pending_;
};

}  // namespace

TEST_CASE("A task reports progress and status and finishes with its result", "[fast][core]") {
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

TEST_CASE("Cancelling a task ends it promptly and does not count as a failure", "[fast][core]") {
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

TEST_CASE("An exception in a task lands in its error slot", "[fast][core]") {
  auto task = run_task("broken", [](TaskContext&) { throw Error("t-SNE: perplexity 500 exceeds n-1 = 99"); });
  REQUIRE(task->wait(5000));
  CHECK(task->failed());
  CHECK(task->error() == "t-SNE: perplexity 500 exceeds n-1 = 99");
}

TEST_CASE("Dropping the last reference to a running task cancels and joins it", "[fast][core]") {
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

TEST_CASE("A delivered task runs its job off the main thread and its result closure on the main thread",
          "[fast][core]") {
  TestQueue queue;
  std::vector<std::string> errors;
  MainThreadTasks tasks(queue.poster(), [&](const std::string& e) { errors.push_back(e); });
  const auto main_id = std::this_thread::get_id();
  std::thread::id job_id, apply_id;
  int applied = 0;
  tasks.run("sum", [&job_id, &apply_id, &applied](TaskContext&) -> std::function<void()> {
    job_id = std::this_thread::get_id();
    int sum = 0;
    for (int i = 1; i <= 10; ++i) sum += i;
    return [sum, &apply_id, &applied] {
      apply_id = std::this_thread::get_id();
      applied = sum;
    };
  });
  CHECK(tasks.pending() == 1);
  REQUIRE(queue.drain_until([&] { return tasks.pending() == 0; }));
  CHECK(applied == 55);
  CHECK(job_id != main_id);
  CHECK(apply_id == main_id);
  CHECK(errors.empty());
}

TEST_CASE("A delivered task that throws reports its message on the main thread and applies nothing",
          "[fast][core]") {
  TestQueue queue;
  std::vector<std::string> errors;
  MainThreadTasks tasks(queue.poster(), [&](const std::string& e) { errors.push_back(e); });
  bool applied = false;
  tasks.run("save", [&applied](TaskContext&) -> std::function<void()> {
    throw Error("cannot write /nonexistent/run: No such file or directory");
    return [&applied] { applied = true; };
  });
  REQUIRE(queue.drain_until([&] { return tasks.pending() == 0; }));
  CHECK_FALSE(applied);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == "cannot write /nonexistent/run: No such file or directory");
}

TEST_CASE("A cancelled delivered task tells the main thread it ended without a result", "[fast][core]") {
  TestQueue queue;
  std::vector<TaskEnding> endings;
  auto task = run_task(
      "forever",
      [](TaskContext& ctx) -> std::function<void()> {
        for (;;) {
          ctx.throw_if_cancelled();
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
      },
      queue.poster(), [&endings](TaskEnding& end) { endings.push_back(end); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  task->cancel();
  REQUIRE(task->wait(2000));
  CHECK(task->was_cancelled());
  // wait() returns only once the ending is posted: one drain delivers it.
  CHECK(queue.drain() == 1);
  REQUIRE(endings.size() == 1);
  CHECK(endings[0].cancelled);
  CHECK(endings[0].error.empty());
  CHECK_FALSE(endings[0].apply);
  CHECK(endings[0].name == "forever");
}

TEST_CASE("Results of tasks whose owner has gone are dropped, not applied", "[fast][core]") {
  TestQueue queue;
  bool applied = false;
  {
    MainThreadTasks tasks(queue.poster(), {});
    tasks.run("quick", [&applied](TaskContext&) -> std::function<void()> { return [&applied] { applied = true; }; });
  }  // joined here; its delivery is still in the queue
  queue.drain();
  CHECK_FALSE(applied);
}

TEST_CASE("A newer request supersedes the running one: only the newest result is applied", "[fast][core]") {
  TestQueue queue;
  MainThreadTasks tasks(queue.poster(), {});
  LatestTask latest("decode");
  CHECK(latest.dirty());
  std::vector<int> applied;
  std::atomic<int> started{0};
  std::atomic<bool> release{false};
  // Each job waits for `release` (or its cancellation), so the first is still running when the others come.
  auto job = [&](int value) {
    return [&, value](TaskContext& ctx) -> std::function<void()> {
      ++started;
      while (!release.load() && !ctx.cancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return [&applied, value] { applied.push_back(value); };
    };
  };
  latest.start(tasks, job(1));
  CHECK_FALSE(latest.dirty());
  CHECK(latest.in_flight());
  latest.start(tasks, job(2));  // cancels 1, waits
  latest.start(tasks, job(3));  // replaces 2, which never starts
  release = true;
  REQUIRE(queue.drain_until([&] { return !latest.in_flight(); }));
  CHECK(applied == std::vector<int>{3});
  CHECK(started.load() == 2);  // jobs 1 and 3
  CHECK(tasks.pending() == 0);
}

TEST_CASE("Invalidating a latest task drops the result in flight and marks it dirty", "[fast][core]") {
  TestQueue queue;
  std::vector<std::string> errors;
  MainThreadTasks tasks(queue.poster(), [&](const std::string& e) { errors.push_back(e); });
  LatestTask latest("grid");
  bool applied = false;
  latest.start(tasks, [&applied](TaskContext&) -> std::function<void()> { return [&applied] { applied = true; }; });
  latest.invalidate();  // e.g. a new run was opened
  CHECK(latest.dirty());
  REQUIRE(queue.drain_until([&] { return !latest.in_flight(); }));
  CHECK_FALSE(applied);
  CHECK(latest.due());

  // A failing job of the newest request reaches the error handler and leaves nothing in flight.
  latest.start(tasks, [](TaskContext&) -> std::function<void()> { throw Error("decode: out of memory"); });
  REQUIRE(queue.drain_until([&] { return !latest.in_flight(); }));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == "decode: out of memory");
}
