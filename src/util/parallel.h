// Runs fn(begin, end) over [0, count) in chunks taken from a shared counter, on up to `max_threads` threads (the
// calling thread included). Work below `serial_below` items stays on the calling thread: starting threads costs more
// than a few thousand small items. The first exception thrown by fn stops the other threads after their current
// chunk and is rethrown here. `on_chunk(done, count)`, if given, runs on the calling thread only.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace trtlens {

struct ParallelOptions {
  std::size_t chunk = 1024;
  std::size_t serial_below = 8192;
  std::size_t max_threads = 8;
};

// The smallest index offered by any thread: which item failed first in input order, whatever the thread timing.
class FirstIndex {
 public:
  explicit FirstIndex(std::size_t none) : none_(none), value_(none) {}
  void offer(std::size_t i) {
    for (std::size_t seen = value_.load(); i < seen && !value_.compare_exchange_weak(seen, i);) {}
  }
  std::size_t get() const { return value_.load(); }
  bool found() const { return get() != none_; }

 private:
  std::size_t none_;
  std::atomic<std::size_t> value_;
};

template <typename Fn>
void parallel_chunks(std::size_t count, const ParallelOptions& options, Fn&& fn,
                     const std::function<void(std::size_t, std::size_t)>* on_chunk = nullptr) {
  const std::size_t chunk = std::max<std::size_t>(1, options.chunk);
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t workers =
      count < options.serial_below ? 1 : std::max<std::size_t>(1, std::min({cores, count / chunk, options.max_threads}));
  std::atomic<std::size_t> next{0}, done{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&](bool caller) {
    try {
      for (std::size_t begin; (begin = next.fetch_add(chunk)) < count;) {
        const std::size_t end = std::min(count, begin + chunk);
        fn(begin, end);
        const std::size_t finished = done.fetch_add(end - begin) + (end - begin);
        if (caller && on_chunk && *on_chunk) (*on_chunk)(finished, count);
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      next.store(count);
    }
  };
  std::vector<std::jthread> threads;  // joined however this function is left
  threads.reserve(workers - 1);
  for (std::size_t t = 1; t < workers; ++t) threads.emplace_back(work, false);
  work(true);
  threads.clear();  // joins
  if (failure) std::rethrow_exception(failure);
}

}  // namespace trtlens
