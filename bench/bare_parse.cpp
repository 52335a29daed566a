// The baseline: read a model file and ParseFromArray it into an onnx::ModelProto, nothing else.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <iostream>

#include "onnx/onnx_pb.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: bare_parse MODEL.onnx\n";
    return 2;
  }
  int fd = open(argv[1], O_RDONLY);
  struct stat st {};
  if (fd < 0 || fstat(fd, &st) != 0) {
    std::cerr << "cannot open " << argv[1] << "\n";
    return 2;
  }
  void* data = mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  onnx::ModelProto model;
  if (data == MAP_FAILED || !model.ParseFromArray(data, static_cast<int>(st.st_size))) {
    std::cerr << "parse failed\n";
    return 1;
  }
  std::cout << model.graph().node_size() << " nodes\n";
  return 0;
}
