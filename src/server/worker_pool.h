// The server's connection workers: a pool that grows with demand up to a hard cap and shrinks back when idle.
//
// httplib hands each accepted connection to one task that serves it until it closes, so a client that trickles its
// request holds a worker until a read times out (kReadTimeoutSeconds per read, not per request). A fixed pool of N
// workers is therefore starved by N slow clients. Growing on demand keeps the idle cost of a small pool and lets
// hundreds of slow clients be served beside everyone else; the cap bounds threads (and memory) when the machine is
// flooded, after which connections wait in the queue.
#pragma once
#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

namespace trtlens::server {

class ElasticWorkerPool final : public httplib::TaskQueue {
 public:
  // `keep` workers stay alive when idle; up to `cap` run at once; an extra worker exits after `linger` idle.
  ElasticWorkerPool(std::size_t keep, std::size_t cap, std::chrono::milliseconds linger);
  ~ElasticWorkerPool() override;
  ElasticWorkerPool(const ElasticWorkerPool&) = delete;
  ElasticWorkerPool& operator=(const ElasticWorkerPool&) = delete;

  void enqueue(std::function<void()> task) override;
  // Runs the queued tasks, then waits until every worker has returned.
  void shutdown() override;

  std::size_t workers() const;  // running threads, busy or idle

 private:
  void work();

  const std::size_t keep_;
  const std::size_t cap_;
  const std::chrono::milliseconds linger_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;      // a task arrived or shutdown began
  std::condition_variable finished_;  // a worker returned
  std::deque<std::function<void()>> tasks_;
  std::size_t workers_ = 0;
  std::size_t idle_ = 0;
  bool stopping_ = false;
};

}  // namespace trtlens::server
