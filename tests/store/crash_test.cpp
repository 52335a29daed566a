// Durability: a server SIGKILLed in the middle of a large upload loses nothing already committed and shows nothing
// of the partial upload. The server runs in a child process: this test binary re-executed with the child test below.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "store/store_support.h"

namespace trtlens::test {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kChildDir = "TRTLENS_STORE_CHILD_DIR";
constexpr const char* kChildPortFile = "TRTLENS_STORE_CHILD_PORT_FILE";

// Runs only when re-executed by StoreCrash: serves the store until killed.
TEST(StoreCrashChild, DISABLED_Serve) {
  const char* dir = std::getenv(kChildDir);
  const char* port_file = std::getenv(kChildPortFile);
  if (!dir || !port_file) GTEST_SKIP() << "only run as the crash test's child";
  TestServer server(dir, std::size_t{1} << 30);
  {
    std::ofstream out(std::string(port_file) + ".tmp");
    out << server.port();
  }
  fs::rename(std::string(port_file) + ".tmp", port_file);
  for (;;) pause();
}

struct Child {
  pid_t pid = -1;
  int port = 0;
};

Child start_server(const fs::path& data_dir, const fs::path& port_file) {
  fs::remove(port_file);
  const std::string self = fs::read_symlink("/proc/self/exe").string();
  Child c;
  c.pid = fork();
  if (c.pid == 0) {
    setenv(kChildDir, data_dir.c_str(), 1);
    setenv(kChildPortFile, port_file.c_str(), 1);
    execl(self.c_str(), self.c_str(), "--gtest_filter=StoreCrashChild.DISABLED_Serve", "--gtest_also_run_disabled_tests",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 3000 && !fs::exists(port_file); ++i) usleep(10000);
  std::ifstream(port_file) >> c.port;
  return c;
}

void kill_server(Child& c) {
  kill(c.pid, SIGKILL);
  int status = 0;
  waitpid(c.pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status));
}

// Opens a raw connection and sends the headers of an upload of `total` bytes; the body follows separately.
int begin_upload(int port, const std::string& name, std::size_t total) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return -1;
  const std::string head = "POST /api/tracked/models/" + name +
                           "/versions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                           "Content-Length: " + std::to_string(total) + "\r\n\r\n";
  if (send(fd, head.data(), head.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(head.size())) return -1;
  return fd;
}

std::uint64_t staged_bytes(const fs::path& tmp) {
  std::uint64_t bytes = 0;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(tmp, ec))
    if (entry.is_regular_file(ec)) bytes += entry.file_size(ec);
  return bytes;
}

TEST(StoreCrash, KilledMidUploadKeepsCommittedVersionsAndHidesThePartialOne) {
  TempDir tmp;
  const fs::path data = tmp / "data";
  Child server = start_server(data, tmp / "port");
  ASSERT_GT(server.port, 0) << "the server child did not start";

  // Committed before the crash.
  const std::vector<std::pair<std::string, std::string>> committed{
      {"base", relu_model(1).bytes()}, {"base", relu_model(2).bytes()}, {"other", relu_model_with_custom_op(3).bytes()}};
  {
    httplib::Client c("127.0.0.1", server.port);
    for (const auto& [name, bytes] : committed) {
      auto r = c.Post(("/api/tracked/models/" + name + "/versions").c_str(), bytes, "application/octet-stream");
      ASSERT_TRUE(r);
      ASSERT_EQ(r->status, 201) << r->body;
    }
  }

  // A 256 MiB upload, killed once several MiB of it are on disk in the staging area.
  const std::size_t total = std::size_t{256} << 20;
  const int fd = begin_upload(server.port, "big", total);
  ASSERT_GE(fd, 0);
  std::string chunk = relu_model(9).bytes();
  chunk.resize(1 << 20, '\x5a');
  std::size_t sent = 0;
  while (sent < total / 2 && staged_bytes(data / "tmp") < (std::uint64_t{8} << 20)) {
    const ssize_t n = send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL);
    ASSERT_GT(n, 0);
    sent += static_cast<std::size_t>(n);
  }
  ASSERT_GE(staged_bytes(data / "tmp"), std::uint64_t{1} << 20) << "the upload never reached the staging area";
  kill_server(server);
  close(fd);
  EXPECT_EQ(entries_in(data / "tmp"), 1u);  // the partial upload, invisible and abandoned
  EXPECT_EQ(entries_in(data / "models"), 3u);

  Child restarted = start_server(data, tmp / "port");
  ASSERT_GT(restarted.port, 0);
  httplib::Client c("127.0.0.1", restarted.port);
  auto list = c.Get("/api/tracked/models?counts=0");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200);
  auto models = json::parse(list->body)["models"];
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0]["name"], "base");
  EXPECT_EQ(models[0]["version_count"], 2);
  EXPECT_EQ(models[1]["name"], "other");
  EXPECT_EQ(c.Get("/api/tracked/models/big")->status, 404);
  EXPECT_EQ(entries_in(data / "tmp"), 0u) << "the abandoned staging folder is removed on restart";

  // Every committed version is intact: same bytes, and it still analyses.
  EXPECT_EQ(c.Get("/api/tracked/models/base/versions/1/file")->body, committed[0].second);
  EXPECT_EQ(c.Get("/api/tracked/models/base/versions/2/file")->body, committed[1].second);
  EXPECT_EQ(c.Get("/api/tracked/models/other/versions/1/file")->body, committed[2].second);
  auto analysis = c.Get("/api/tracked/models/other/versions/1/analysis?trt=10.15");
  ASSERT_EQ(analysis->status, 200);
  EXPECT_EQ(json::parse(analysis->body)["summary"]["unsupported"], 1);
  // And the library takes new versions again.
  EXPECT_EQ(c.Post("/api/tracked/models/base/versions", relu_model(4).bytes(), "application/octet-stream")->status,
            201);
  kill_server(restarted);
}

}  // namespace
}  // namespace trtlens::test
