// Load: many clients uploading and reading at once over loopback; nothing lost, no errors, version numbers unique.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "store/store_support.h"

namespace trtlens::test {
namespace {
using nlohmann::json;

TEST(StoreConcurrency, ParallelClientsUploadAndReadWithoutLoss) {
  constexpr int kClients = 8;
  constexpr int kRounds = 10;
  TempDir tmp;
  TestServer server(tmp / "data");
  std::atomic<int> requests{0}, errors{0};
  std::mutex failures_mutex;
  std::vector<std::string> failures;
  auto expect = [&](const httplib::Result& r, int status, const std::string& what) {
    ++requests;
    if (r && r->status == status) return true;
    ++errors;
    std::lock_guard<std::mutex> lock(failures_mutex);
    failures.push_back(what + ": " + (r ? std::to_string(r->status) + " " + r->body : httplib::to_string(r.error())));
    return false;
  };

  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> clients;
  for (int k = 0; k < kClients; ++k)
    clients.emplace_back([&, k] {
      auto c = server.client();
      const std::string own = "client-" + std::to_string(k);
      for (int i = 0; i < kRounds; ++i) {
        const int seed = 1000 * (k + 1) + i;
        expect(c.Post(("/api/tracked/models/" + own + "/versions").c_str(), relu_model(seed).bytes(),
                      "application/octet-stream"),
               201, own + " upload " + std::to_string(i));
        // Everyone adds to one shared model too: version numbers must stay unique under concurrent commits.
        expect(c.Post("/api/tracked/models/shared/versions", relu_model(-seed).bytes(), "application/octet-stream"),
               201, "shared upload " + std::to_string(seed));
        expect(c.Get("/api/tracked/models?trt=10.15"), 200, "list");
        expect(c.Get(("/api/tracked/models/" + own + "/versions/latest/analysis?trt=10.15&precision=fp16").c_str()),
               200, own + " analysis");
      }
    });
  for (auto& t : clients) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[ figures  ] clients=" << kClients << " requests=" << requests << " errors=" << errors
            << " wall=" << seconds << "s\n";
  for (const auto& f : failures) ADD_FAILURE() << f;
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(requests, kClients * kRounds * 4);

  auto c = server.client();
  auto list = json::parse(c.Get("/api/tracked/models?counts=0")->body)["models"];
  ASSERT_EQ(list.size(), static_cast<std::size_t>(kClients + 1));
  for (const auto& m : list) {
    auto detail = json::parse(c.Get(("/api/tracked/models/" + m["name"].get<std::string>()).c_str())->body);
    const std::size_t expected = m["name"] == "shared" ? kClients * kRounds : kRounds;
    ASSERT_EQ(detail["versions"].size(), expected) << m["name"];
    std::set<int> numbers;
    for (const auto& v : detail["versions"]) {
      numbers.insert(v["number"].get<int>());
      EXPECT_TRUE(std::filesystem::exists(tmp / "data/models" / v["digest"].get<std::string>() / "model.onnx"));
    }
    EXPECT_EQ(numbers.size(), expected);
    EXPECT_EQ(*numbers.rbegin(), static_cast<int>(expected));
  }
  EXPECT_EQ(entries_in(tmp / "data/tmp"), 0u);
}

}  // namespace
}  // namespace trtlens::test
