// "Every command works on the ONNX backend corpus without a crash": partition (with written parts loaded back),
// release and model diff, SARIF/JUnit/HTML over every model of Debian's libonnx-testdata; the CLI commands over a
// sample of it.
#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "report/report.h"
#include "support/model_builder.h"
#include "verdict/diff.h"
#include "report/partition.h"
#include "verdict/partition.h"

namespace trtlens::test {
namespace {

const char* kCorpus = "/usr/share/libonnx-testdata/data";

std::vector<std::filesystem::path> corpus() {
  std::vector<std::filesystem::path> models;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(kCorpus, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
    if (it->path().filename() == "model.onnx") models.push_back(it->path());
  std::sort(models.begin(), models.end());
  return models;
}

TEST(Corpus, EveryModelPartitionsDiffsAndRenders) {
  const auto models = corpus();
  if (models.empty()) GTEST_SKIP() << "libonnx-testdata is not installed (scripts/setup.sh installs it)";
  const auto& kb = KnowledgeBase::builtin();
  auto newest = make_target(kb, "10.15", "fp16", false, {});
  auto old = make_target(kb, "8.6", "fp16", false, {});
  ASSERT_TRUE(newest.ok() && old.ok());
  int indexed = 0, parts_written = 0;
  TempDir out;
  for (std::size_t m = 0; m < models.size(); ++m) {
    SCOPED_TRACE(models[m].string());
    auto loaded = load_model(models[m]);
    if (!loaded) continue;  // the loader's own tests cover rejected files
    auto built = ModelIndex::build(std::move(loaded.value()));
    if (!built) continue;
    ++indexed;
    const ModelIndex& index = *built.value();
    const Analysis a = analyze(index, newest.value(), kb);

    const Partition p = partition(index, a);
    EXPECT_EQ(p.nodes_in_tensorrt + p.nodes_outside, static_cast<int>(index.scopes().front()->nodes.size()));
    // Parts come in an order where each reads only graph inputs, initializers and earlier parts' outputs.
    std::set<std::string> available;
    for (const auto& in : index.proto().graph().input()) available.insert(in.name());
    for (const auto& part : p.parts) {
      for (const auto& in : part.inputs) EXPECT_TRUE(available.count(in)) << "part " << part.id << " reads " << in;
      for (const auto& o : part.outputs) available.insert(o);
    }
    const auto dir = out / std::to_string(m);
    auto written = write_parts(index, a, p, dir, false);
    ASSERT_TRUE(written.ok()) << written.error().message;
    for (std::size_t i = 0; i + 1 < written.value().size(); ++i) {
      auto part = load_model(written.value()[i]);
      ASSERT_TRUE(part.ok()) << part.error().message;
      auto part_index = ModelIndex::build(std::move(part.value()));
      EXPECT_TRUE(part_index.ok()) << written.value()[i] << ": " << part_index.error().message;
      ++parts_written;
    }
    std::filesystem::remove_all(dir);

    const ReleaseDiff d = diff_releases(index, old.value(), newest.value(), kb);
    EXPECT_GE(d.from.nodes.size(), 0u);
    const ModelDiff same = diff_models(index, a, index, a);
    EXPECT_EQ(same.matched, static_cast<int>(index.nodes().size()));
    EXPECT_EQ(same.became_unsupported + same.added + same.removed, 0);

    std::ostringstream sarif, junit, html;
    write_sarif(sarif, index, a);
    EXPECT_EQ(nlohmann::json::parse(sarif.str())["version"], "2.1.0");
    write_junit(junit, index, a);
    write_html(html, index, a);
    EXPECT_NE(html.str().find("</html>"), std::string::npos);
  }
  EXPECT_GT(indexed, static_cast<int>(models.size()) * 9 / 10);
  EXPECT_GT(parts_written, indexed);
}

TEST(Corpus, CliCommandsOnASampleNeverCrash) {
  const auto models = corpus();
  if (models.empty()) GTEST_SKIP() << "libonnx-testdata is not installed";
  TempDir out;
  auto ok = [](const RunResult& r) { return r.exit_code == 0 || r.exit_code == 1; };
  for (std::size_t m = 0; m < models.size(); m += 40) {
    const std::string model = models[m].string();
    SCOPED_TRACE(model);
    const std::string tag = std::to_string(m);
    for (const char* format : {"sarif", "junit", "html"}) {
      auto r = run_trtlens({"check", model, "--format", format});
      EXPECT_TRUE(ok(r)) << format << ": " << r.exit_code << " " << r.err;
    }
    auto part = run_trtlens({"partition", model, "-o", (out / ("p" + tag)).string()});
    EXPECT_TRUE(ok(part)) << part.err;
    auto diff = run_trtlens({"diff", model, "--from", "8.6", "--to", "10.15"});
    EXPECT_TRUE(ok(diff)) << diff.err;
    auto model_diff = run_trtlens({"diff", model, model});
    EXPECT_EQ(model_diff.exit_code, 0) << model_diff.err;
    auto annotate = run_trtlens({"annotate", model, "-o", (out / ("a" + tag + ".onnx")).string()});
    EXPECT_EQ(annotate.exit_code, 0) << annotate.err;
    auto reloaded = load_model(out / ("a" + tag + ".onnx"));
    ASSERT_TRUE(reloaded.ok());
    EXPECT_EQ(reloaded.value()->proto().graph().node_size(), load_model(models[m]).value()->proto().graph().node_size());
  }
}

}  // namespace
}  // namespace trtlens::test
