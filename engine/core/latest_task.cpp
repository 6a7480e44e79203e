#include "core/latest_task.h"

#include <utility>

namespace vaelab {

struct LatestTask::Slot {
  std::shared_ptr<Task> running;  // until its delivery has run
  uint64_t running_ticket = 0;
  uint64_t newest_ticket = 0;     // the ticket whose result may be applied
  bool has_waiting = false;
  DeliveringJob waiting;
  MainThreadTasks* waiting_tasks = nullptr;
};

LatestTask::LatestTask(std::string name) : name_(std::move(name)), slot_(std::make_shared<Slot>()) {}

LatestTask::~LatestTask() {
  if (slot_->running) slot_->running->cancel();
  slot_.reset();  // joins the running job; its delivery finds no slot
}

bool LatestTask::in_flight() const { return slot_->running != nullptr || slot_->has_waiting; }

void LatestTask::invalidate() {
  ++slot_->newest_ticket;  // matches no job started so far
  if (slot_->running) slot_->running->cancel();
  slot_->has_waiting = false;
  slot_->waiting = nullptr;
  dirty_ = true;
}

void LatestTask::start(MainThreadTasks& tasks, DeliveringJob job) {
  dirty_ = false;
  if (slot_->running) {
    slot_->running->cancel();
    ++slot_->newest_ticket;  // the running job's result is stale now
    slot_->has_waiting = true;
    slot_->waiting = std::move(job);
    slot_->waiting_tasks = &tasks;
    return;
  }
  launch(tasks, std::move(job));
}

void LatestTask::launch(MainThreadTasks& tasks, DeliveringJob job) {
  Slot& slot = *slot_;
  slot.running_ticket = ++slot.newest_ticket;
  const uint64_t ticket = slot.running_ticket;
  std::weak_ptr<Slot> weak = slot_;
  // `this` is used only while the slot is alive: both live and die on the main thread, where this runs.
  slot.running = tasks.start(name_, std::move(job), [this, weak, ticket, &tasks](TaskEnding& ending) {
    const auto alive = weak.lock();
    if (!alive || alive->running_ticket != ticket) return;
    // Keep the ended task until the end of this delivery: destroying it joins its (finishing) thread.
    const auto ended = std::move(alive->running);
    alive->running = nullptr;
    if (ticket == alive->newest_ticket) {
      if (!ending.error.empty()) tasks.report_error(ending.error);
      else if (ending.apply) ending.apply();
    }
    if (alive->has_waiting) {
      alive->has_waiting = false;
      DeliveringJob next = std::move(alive->waiting);
      alive->waiting = nullptr;
      launch(*alive->waiting_tasks, std::move(next));
    }
  });
}

}  // namespace vaelab
