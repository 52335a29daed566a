#include "onnx/model.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstring>
#include <google/protobuf/arena.h>
#include <google/protobuf/io/coded_stream.h>

namespace trtlens {

LoadedModel::LoadedModel() = default;
LoadedModel::~LoadedModel() = default;

namespace {

// RAII wrapper for a read-only mapping of a whole file.
class MappedFile {
 public:
  ~MappedFile() {
    if (data_ && data_ != MAP_FAILED) munmap(data_, size_);
    if (fd_ >= 0) close(fd_);
  }
  Result<bool> open(const std::filesystem::path& path) {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever; it is refused below.
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd_ < 0) {
      if (errno == ENOENT) return make_error("E_NOT_FOUND", "no such file: " + path.string());
      return make_error("E_IO", "cannot open " + path.string() + ": " + std::strerror(errno));
    }
    struct stat st {};
    if (fstat(fd_, &st) != 0) return make_error("E_IO", "cannot stat " + path.string());
    if (!S_ISREG(st.st_mode)) return make_error("E_NOT_A_FILE", path.string() + " is not a regular file");
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ == 0) return true;
    data_ = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
    if (data_ == MAP_FAILED) return make_error("E_IO", "cannot map " + path.string() + ": " + std::strerror(errno));
    madvise(data_, size_, MADV_SEQUENTIAL);
    return true;
  }
  const void* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  int fd_ = -1;
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

// Protobuf message nesting the loader accepts: every walk over the model (ours and ONNX's) recurses per level.
constexpr int kMaxMessageDepth = 200;
constexpr int kProbeMessageDepth = 4000;

bool parse_with_depth(onnx::ModelProto& proto, const void* data, std::size_t size, int depth) {
  google::protobuf::io::CodedInputStream stream(static_cast<const std::uint8_t*>(data), static_cast<int>(size));
  stream.SetTotalBytesLimit(INT_MAX);
  stream.SetRecursionLimit(depth);
  return proto.ParseFromCodedStream(&stream) && stream.ConsumedEntireMessage();
}

}  // namespace

Result<std::unique_ptr<LoadedModel>> load_model_bytes(const void* data, std::size_t size,
                                                      const std::filesystem::path& origin,
                                                      const LoadOptions& options) {
  const std::string name = origin.string();
  if (size == 0) return make_error("E_EMPTY", name + " is empty (0 bytes): not an ONNX model");
  if (size > options.max_file_bytes || size > static_cast<std::size_t>(INT_MAX))
    return make_error("E_TOO_LARGE", name + " is " + std::to_string(size) +
                                         " bytes; protobuf cannot parse a model of 2 GiB or more: store the weights "
                                         "as ONNX external data");
  auto model = std::make_unique<LoadedModel>();
  google::protobuf::ArenaOptions arena_options;
  arena_options.start_block_size = 1 << 20;
  arena_options.max_block_size = 16 << 20;
  model->arena_ = std::make_unique<google::protobuf::Arena>(arena_options);
  model->proto_ = google::protobuf::Arena::CreateMessage<onnx::ModelProto>(model->arena_.get());
  if (!parse_with_depth(*model->proto_, data, size, kMaxMessageDepth)) {
    // Nesting deeper than the limit fails the parse like a corrupt file does; tell the two apart (a rare, failing
    // path, so the second parse costs nothing in normal use). Each nested If/Loop/Scan body takes three levels.
    onnx::ModelProto probe;
    if (parse_with_depth(probe, data, size, kProbeMessageDepth))
      return make_error("E_TOO_DEEP", name + " nests graphs more than " + std::to_string(kMaxMessageDepth / 3) +
                                          " levels deep (If/Loop/Scan bodies inside bodies); trtlens refuses deeper "
                                          "nesting to keep its analysis bounded");
    return make_error("E_PARSE", name + " is not a valid ONNX protobuf (truncated or corrupt file)");
  }
  const auto& proto = *model->proto_;
  if (!proto.has_graph() || (proto.graph().node_size() == 0 && proto.graph().input_size() == 0 &&
                             proto.graph().output_size() == 0))
    return make_error("E_NOT_ONNX", name + " parses as protobuf but holds no ONNX graph");
  if (proto.ir_version() <= 0 || proto.ir_version() > 64)
    return make_error("E_NOT_ONNX", name + " has no valid ONNX IR version (" + std::to_string(proto.ir_version()) +
                                        "): not an ONNX model");
  model->path_ = origin;
  model->folder_ = origin.has_parent_path() ? origin.parent_path() : std::filesystem::path(".");
  model->file_bytes_ = size;
  return model;
}

Result<std::unique_ptr<LoadedModel>> load_model(const std::filesystem::path& path, const LoadOptions& options) {
  MappedFile file;
  auto opened = file.open(path);
  if (!opened) return opened.error();
  return load_model_bytes(file.data(), file.size(), path, options);
}

}  // namespace trtlens
