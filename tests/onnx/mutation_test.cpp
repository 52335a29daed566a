// Corrupted models: bytes of a valid model flipped at random (fixed seeds). Whatever the loader makes of them, the
// outcome is an error value or an analysis, never a crash (run under TRTLENS_SANITIZE=ON to catch UB too).
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "support/model_builder.h"

namespace trtlens::test {
namespace {

std::string example_bytes() {
  std::ifstream in(std::filesystem::path(TRTLENS_SOURCE_DIR) / "examples" / "tiny-vit.onnx", std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Mutation, FlippedBytesNeverCrash) {
  const std::string original = example_bytes();
  ASSERT_GT(original.size(), 1000u);
  int loaded = 0, indexed = 0, refused = 0;
  for (unsigned seed = 0; seed < 400; ++seed) {
    std::mt19937 rng(seed);
    std::string bytes = original;
    const int flips = 1 + static_cast<int>(rng() % 8);
    // Skip the weight payload most of the time: corrupting structure is what tests the loader.
    const std::size_t region = seed % 4 == 0 ? bytes.size() : std::min<std::size_t>(bytes.size(), 4096);
    for (int f = 0; f < flips; ++f) bytes[rng() % region] ^= static_cast<char>(1u << (rng() % 8));
    auto model = load_model_bytes(bytes.data(), bytes.size(), "mutant.onnx");
    if (!model) {
      ++refused;
      EXPECT_FALSE(model.error().code.empty());
      EXPECT_EQ(model.error().message.find('\n'), std::string::npos);
      continue;
    }
    ++loaded;
    auto index = ModelIndex::build(std::move(model.value()));
    if (!index) {
      ++refused;
      EXPECT_FALSE(index.error().code.empty()) << seed;
      EXPECT_EQ(index.error().message.find('\n'), std::string::npos) << seed;
      continue;
    }
    ++indexed;
    for (const char* release : {"8.6", "10.15"}) {
      const Analysis a = check(*index.value(), release, "fp16");
      EXPECT_EQ(a.nodes.size(), index.value()->nodes().size()) << seed;
    }
  }
  std::cout << "  loaded " << loaded << ", indexed " << indexed << ", refused " << refused << "\n";
  EXPECT_GT(indexed, 50);   // the mutants must reach the analysis, not only the parser
  EXPECT_GT(refused, 20);
}

}  // namespace
}  // namespace trtlens::test
