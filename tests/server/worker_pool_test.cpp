// The elastic connection pool: grows while tasks block, never past its cap, shrinks back, finishes queued work.
#include "server/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <chrono>
#include <thread>

namespace trtlens::server {
namespace {

using namespace std::chrono_literals;

// Tasks that block until released, like connections held by slow clients.
struct Gate {
  std::mutex mutex;
  std::condition_variable cv;
  bool open = false;
  std::atomic<int> entered{0};
  std::atomic<int> done{0};
  std::function<void()> task() {
    return [this] {
      ++entered;
      std::unique_lock lock(mutex);
      cv.wait(lock, [this] { return open; });
      ++done;
    };
  }
  void release() {
    {
      std::lock_guard lock(mutex);
      open = true;
    }
    cv.notify_all();
  }
};

bool eventually(const std::function<bool()>& condition) {
  for (int i = 0; i < 500; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

TEST(ElasticWorkerPool, GrowsPastItsKeptWorkersWhileTasksBlock) {
  ElasticWorkerPool pool(4, 256, 50ms);
  Gate gate;
  for (int i = 0; i < 100; ++i) pool.enqueue(gate.task());
  EXPECT_TRUE(eventually([&] { return gate.entered == 100; })) << gate.entered << " of 100 tasks started";
  EXPECT_EQ(pool.workers(), 100u);
  gate.release();
  EXPECT_TRUE(eventually([&] { return gate.done == 100; }));
  // Idle past the linger time, the pool shrinks back to the workers it keeps.
  EXPECT_TRUE(eventually([&] { return pool.workers() == 4; })) << pool.workers() << " workers left";
}

TEST(ElasticWorkerPool, NeverRunsMoreThanItsCapAndQueuesTheRest) {
  ElasticWorkerPool pool(1, 8, 50ms);
  Gate gate;
  for (int i = 0; i < 20; ++i) pool.enqueue(gate.task());
  EXPECT_TRUE(eventually([&] { return gate.entered == 8; }));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(gate.entered, 8);  // the other 12 wait in the queue
  EXPECT_EQ(pool.workers(), 8u);
  gate.release();
  EXPECT_TRUE(eventually([&] { return gate.done == 20; })) << gate.done << " of 20 tasks ran";
}

TEST(ElasticWorkerPool, ShutdownRunsQueuedTasksAndWaitsForEveryWorker) {
  std::atomic<int> ran{0};
  {
    ElasticWorkerPool pool(2, 2, 1s);
    for (int i = 0; i < 50; ++i)
      pool.enqueue([&ran] {
        std::this_thread::sleep_for(1ms);
        ++ran;
      });
    pool.shutdown();
    EXPECT_EQ(ran, 50);
    EXPECT_EQ(pool.workers(), 0u);
  }
  EXPECT_EQ(ran, 50);
}

TEST(ElasticWorkerPool, ATaskThatThrowsDoesNotEndItsWorker) {
  ElasticWorkerPool pool(1, 1, 1s);
  std::atomic<bool> after{false};
  pool.enqueue([] { throw std::runtime_error("connection task failed"); });
  pool.enqueue([&after] { after = true; });
  EXPECT_TRUE(eventually([&] { return after.load(); }));
  EXPECT_EQ(pool.workers(), 1u);
}

}  // namespace
}  // namespace trtlens::server
