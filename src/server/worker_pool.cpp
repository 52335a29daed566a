#include "server/worker_pool.h"

#include <thread>

namespace trtlens::server {

ElasticWorkerPool::ElasticWorkerPool(std::size_t keep, std::size_t cap, std::chrono::milliseconds linger)
    : keep_(keep), cap_(cap < 1 ? 1 : cap), linger_(linger) {}

ElasticWorkerPool::~ElasticWorkerPool() { shutdown(); }

void ElasticWorkerPool::enqueue(std::function<void()> task) {
  std::lock_guard lock(mutex_);
  tasks_.push_back(std::move(task));
  // Idle workers take queued tasks; start another only for tasks no idle worker will pick up.
  if (tasks_.size() > idle_ && workers_ < cap_ && !stopping_) {
    ++workers_;
    std::thread([this] { work(); }).detach();
  }
  wake_.notify_one();
}

void ElasticWorkerPool::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (tasks_.empty()) {
      if (stopping_) break;
      ++idle_;
      const bool woken = wake_.wait_for(lock, linger_, [this] { return stopping_ || !tasks_.empty(); });
      --idle_;
      if (!woken && workers_ > keep_) break;  // idle past `linger` and more workers than the pool keeps
      continue;
    }
    auto task = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    try {
      task();
    } catch (...) {
      // httplib handles a request's exceptions itself; anything escaping a connection task must not end the process.
    }
    lock.lock();
  }
  --workers_;
  finished_.notify_all();
}

void ElasticWorkerPool::shutdown() {
  std::unique_lock lock(mutex_);
  stopping_ = true;
  wake_.notify_all();
  finished_.wait(lock, [this] { return workers_ == 0; });
}

std::size_t ElasticWorkerPool::workers() const {
  std::lock_guard lock(mutex_);
  return workers_;
}

}  // namespace trtlens::server
