// Shared by the store tests: small distinct models and an in-process server with every registered route installed.
#pragma once
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "onnx/dtype.h"
#include "server/routes.h"
#include "support/model_builder.h"

namespace trtlens::test {

// x + c -> Relu. `seed` changes the constant, so each seed gives different bytes and the same verdicts.
inline ModelBuilder relu_model(int seed) {
  ModelBuilder b(17);
  b.input("x", kFloat, {1, 4});
  b.initializer("c", kFloat, {1, 4}, {double(seed), 1, 2, 3});
  b.node("Add", {"x", "c"}, {"s"}, "add");
  b.node("Relu", {"s"}, {"y"}, "relu");
  b.output("y", kFloat);
  return b;
}

// relu_model plus an operator no TensorRT release imports: one node unsupported.
inline ModelBuilder relu_model_with_custom_op(int seed) {
  ModelBuilder b = relu_model(seed);
  b.graph().mutable_output()->Clear();
  b.node("MyCustomOp", {"y"}, {"z"}, "custom").set_domain("com.example");
  b.opset("com.example", 1);
  b.output("z", kFloat);
  return b;
}

class TestServer {
 public:
  explicit TestServer(const std::filesystem::path& data_dir, std::size_t max_upload = std::size_t{64} << 20) {
    context_.config.data_dir = data_dir;
    context_.config.max_upload_bytes = max_upload;
    server_.set_tcp_nodelay(true);
    server::install_all_routes(server_, context_);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 500 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ~TestServer() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(60, 0);
    c.set_write_timeout(60, 0);
    return c;
  }
  server::ServerContext& context() { return context_; }

 private:
  httplib::Server server_;
  server::ServerContext context_;
  int port_ = 0;
  std::thread thread_;
};

inline std::size_t entries_in(const std::filesystem::path& dir) {
  std::error_code ec;
  std::size_t n = 0;
  for (auto it = std::filesystem::directory_iterator(dir, ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec))
    ++n;
  return n;
}

}  // namespace trtlens::test
