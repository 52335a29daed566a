// Debian's ONNX test corpus (/usr/share/libonnx-testdata, ~1070 models, read in place): every model analysed for
// every release without a crash, per-op verdicts cross-checked against the knowledge base, element types inferred
// for every tensor, and every model through `trtlens check --format json` for one release (rotating).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <atomic>
#include <fstream>
#include <map>
#include <sstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "kb/kb.h"
#include "support/catalogue_check.h"
#include "support/model_builder.h"
#include "verdict/analysis.h"

namespace trtlens::test {
namespace {

const std::filesystem::path kCorpus = "/usr/share/libonnx-testdata/data";

std::vector<std::filesystem::path> corpus_models() {
  std::vector<std::filesystem::path> models;
  std::error_code ec;
  for (const char* part : {"node", "pytorch-converted", "pytorch-operator", "simple", "real"})
    for (auto it = std::filesystem::recursive_directory_iterator(kCorpus / part, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
      if (it->is_regular_file() && it->path().extension() == ".onnx") models.push_back(it->path());
  std::sort(models.begin(), models.end());
  return models;
}

const std::vector<std::filesystem::path>& models() {
  static const auto list = corpus_models();
  return list;
}

bool has(const std::vector<Reason>& reasons, std::string_view code) {
  return std::any_of(reasons.begin(), reasons.end(), [&](const Reason& r) { return r.code == code; });
}
bool has(const std::vector<Warning>& warnings, std::string_view code) {
  return std::any_of(warnings.begin(), warnings.end(), [&](const Warning& w) { return w.code == code; });
}

std::string rel(const std::filesystem::path& p) { return std::filesystem::relative(p, kCorpus).string(); }

// Tallies so the test proves it exercised both sides of the knowledge base, not just that nothing crashed.
struct Tally {
  int models = 0, indexed = 0, analyses = 0;
  int no_importer_checked = 0, importer_checked = 0, plugin_checked = 0;
  int tensors = 0;
  std::vector<std::string> untyped;
  int catalogued_codes = 0;
  std::vector<std::string> catalogue_disagreements;  // the first 20
};

void check_summary(const Analysis& a, const std::string& where) {
  int c = 0, f = 0, u = 0, w = 0;
  for (const auto& v : a.nodes) {
    c += v.status == Status::kConvertible;
    f += v.status == Status::kFallback;
    u += v.status == Status::kUnsupported;
    w += static_cast<int>(v.warnings.size());
    if (v.status == Status::kUnsupported) {
      ASSERT_FALSE(v.reasons.empty()) << where << ": unsupported node " << v.index << " without a reason";
      for (const auto& r : v.reasons) ASSERT_FALSE(r.code.empty() || r.message.empty()) << where;
    }
  }
  EXPECT_EQ(a.summary.convertible, c) << where;
  EXPECT_EQ(a.summary.fallback, f) << where;
  EXPECT_EQ(a.summary.unsupported, u) << where;
  EXPECT_EQ(a.summary.warnings, w) << where;
  const bool model_error = std::any_of(a.model_issues.begin(), a.model_issues.end(), [](const ModelIssue& m) { return m.error; });
  EXPECT_EQ(a.summary.model_convertible, u == 0 && !model_error) << where;
}

// The knowledge base's importer flag decides TRT_NO_IMPORTER, in both directions.
void check_against_kb(const ModelIndex& index, const Analysis& a, const Release& r, const KnowledgeBase& kb,
                      const std::string& where, Tally& tally) {
  for (const auto& v : a.nodes) {
    const NodeRef& n = index.nodes()[static_cast<std::size_t>(v.index)];
    if (has(v.warnings, "TRT_BRANCH_NOT_TAKEN")) continue;
    const OpInfo* op = r.op(n.op_type);
    const std::string label = where + " @" + r.name + " node '" + n.name + "' (" + n.op_type + ")";
    if (op && op->importer) {
      ++tally.importer_checked;
      EXPECT_FALSE(has(v.reasons, "TRT_NO_IMPORTER")) << label;
      continue;
    }
    if (n.function && r.local_functions) continue;
    if (r.plugins.count(n.op_type) && !r.no_plugin_escape.count(n.op_type)) {
      ++tally.plugin_checked;
      EXPECT_EQ(v.runs_in, "plugin") << label;
      EXPECT_TRUE(has(v.warnings, "TRT_PLUGIN")) << label;
      continue;
    }
    ++tally.no_importer_checked;
    EXPECT_EQ(v.status, Status::kUnsupported) << label;
    EXPECT_TRUE(has(v.reasons, "TRT_NO_IMPORTER") || has(v.reasons, "TRT_LOCAL_FUNCTION_UNSUPPORTED")) << label;
    if (!v.first_release.empty()) {
      const Release* later = kb.find(v.first_release);
      ASSERT_NE(later, nullptr) << label;
      EXPECT_TRUE(later->at_least(r.major, r.minor + 1)) << label << " first_release " << v.first_release;
    }
  }
}

void check_types(const ModelIndex& index, const std::string& where, Tally& tally) {
  for (const auto& scope : index.scopes())
    for (const auto& [name, t] : scope->tensors) {
      ++tally.tensors;
      if (t.dtype == 0) tally.untyped.push_back(where + ": '" + std::string(name) + "' in scope '" + scope->path + "'");
    }
}

TEST(Corpus, EveryModelEveryReleaseAgreesWithTheKnowledgeBase) {
  const auto& list = models();
  ASSERT_GT(list.size(), 1000u) << "is libonnx-testdata installed? (" << kCorpus << ")";
  const auto& kb = KnowledgeBase::builtin();
  ASSERT_EQ(kb.releases().size(), 26u);
  Tally tally;
  std::vector<std::string> load_errors;
  AnalyzeOptions options;
  for (const auto& path : list) {
    ++tally.models;
    const std::string where = rel(path);
    auto loaded = load_model(path);
    if (!loaded) {
      load_errors.push_back(where + ": " + loaded.error().message);
      continue;
    }
    auto index = ModelIndex::build(std::move(loaded.value()));
    if (!index) {
      load_errors.push_back(where + ": " + index.error().message);
      continue;
    }
    ++tally.indexed;
    check_types(*index.value(), where, tally);
    for (const auto& release : kb.releases()) {
      auto target = make_target(kb, release.name, "fp32", false, {});
      ASSERT_TRUE(target.ok());
      const Analysis a = analyze(*index.value(), target.value(), kb, options);
      ++tally.analyses;
      ASSERT_EQ(a.nodes.size(), index.value()->nodes().size()) << where;
      check_summary(a, where + " @" + release.name);
      check_against_kb(*index.value(), a, release, kb, where, tally);
      for (auto& d : catalogue_disagreements(a, &tally.catalogued_codes))
        if (tally.catalogue_disagreements.size() < 20) tally.catalogue_disagreements.push_back(where + " @" + release.name + ": " + d);
    }
  }
  // Load errors must be genuine defects of the file, and rare.
  for (const auto& e : load_errors) std::cout << "  [load error] " << e << "\n";
  EXPECT_LE(load_errors.size(), 10u);
  EXPECT_EQ(tally.analyses, tally.indexed * 26);
  EXPECT_GT(tally.no_importer_checked, 100);
  // Catalogued codes carry the catalogue's severity and, when it has one, a hint.
  EXPECT_GT(tally.catalogued_codes, 1000);
  EXPECT_TRUE(tally.catalogue_disagreements.empty()) << ::testing::PrintToString(tally.catalogue_disagreements);
  EXPECT_GT(tally.importer_checked, 10000);
  std::cout << "  models " << tally.models << ", indexed " << tally.indexed << ", analyses " << tally.analyses
            << ", node verdicts checked: importer " << tally.importer_checked << ", no importer "
            << tally.no_importer_checked << ", shipped plugin " << tally.plugin_checked << "\n";
  std::cout << "  tensors " << tally.tensors << ", without an element type " << tally.untyped.size() << "\n";
  for (std::size_t i = 0; i < tally.untyped.size() && i < 40; ++i) std::cout << "  [untyped] " << tally.untyped[i] << "\n";
  EXPECT_TRUE(tally.untyped.empty());
}

// Code decides `unsupported` (docs/faithfulness.md): over the corpus, for the releases users run most, every refusal
// is either a knowledge-base rule read in that release's parser source (confidence "code") or a dispatch/model-level
// refusal of the engine itself; a table's type list alone (the former TRT_TYPE_NOT_SUPPORTED) never refuses a node.
TEST(Corpus, NoRefusalFromATableTypeListAlone) {
  const auto& list = models();
  ASSERT_GT(list.size(), 1000u);
  const auto& kb = KnowledgeBase::builtin();
  const std::set<std::string> engine_level = {
      "TRT_NO_IMPORTER",          "TRT_LOCAL_FUNCTION_UNSUPPORTED", "TRT_TYPE_NOT_IMPORTABLE",
      "TRT_UINT8_INTERMEDIATE",   "TRT_BODY_NODE_UNSUPPORTED",      "TRT_FUNCTION_INPUT_COUNT",
      "TRT_FUNCTION_OUTPUT_COUNT", "TRT_PRECISION_STRICT"};
  for (const char* name : {"8.6", "10.1", "10.15"}) {
    auto target = make_target(kb, name, "fp32", false, {});
    ASSERT_TRUE(target.ok());
    int unsupported = 0, by_rule = 0, by_engine = 0, undocumented = 0, freed = 0;
    std::vector<std::string> bad;
    for (const auto& path : list) {
      auto loaded = load_model(path);
      if (!loaded) continue;
      auto index = ModelIndex::build(std::move(loaded.value()));
      if (!index) continue;
      AnalyzeOptions options;
      options.upgrade_hints = false;
      const Analysis a = analyze(*index.value(), target.value(), kb, options);
      for (const auto& v : a.nodes) {
        undocumented += has(v.warnings, "TRT_UNDOCUMENTED_TYPE");
        // The table's type list used to refuse exactly these nodes (TRT_TYPE_NOT_SUPPORTED).
        freed += has(v.warnings, "TRT_UNDOCUMENTED_TYPE") && v.status != Status::kUnsupported;
        if (v.status != Status::kUnsupported) continue;
        ++unsupported;
        const NodeRef& n = index.value()->nodes()[static_cast<std::size_t>(v.index)];
        for (const auto& r : v.reasons) {
          if (r.confidence == "code" && !r.source.empty()) {
            ++by_rule;
          } else if ((r.source.empty() && engine_level.count(r.code)) ||
                     r.source.find("ModelImporter.cpp") != std::string::npos) {
            ++by_engine;  // dispatch/model level, or layer creation during parseGraph (derived, issue 15 item 3)
          } else {
            bad.push_back(rel(path) + " @" + name + " " + n.op_type + ": " + r.code + " (" +
                          (r.confidence.empty() ? "no source" : r.confidence + ": " + r.source) + ")");
          }
        }
      }
    }
    std::cout << "  " << name << ": unsupported nodes " << unsupported << ", reasons from rules read in code "
              << by_rule << ", engine-level " << by_engine << ", TRT_UNDOCUMENTED_TYPE warnings " << undocumented
              << " (on nodes that import: " << freed << ")\n";
    for (std::size_t i = 0; i < bad.size() && i < 40; ++i) std::cout << "  [not from code] " << bad[i] << "\n";
    EXPECT_TRUE(bad.empty()) << name << ": " << bad.size() << " refusals not traced to the parser's code";
    EXPECT_GT(undocumented, 0) << name;  // the corpus does exercise types the tables leave out
    EXPECT_GT(by_rule, 0) << name;
  }
}

// Drops every shape a file declares for node outputs (value_info, graph outputs), recursively, so only our rules
// can supply them.
void strip_declared_shapes(onnx::GraphProto& g) {
  g.clear_value_info();
  for (auto& out : *g.mutable_output())
    if (out.type().has_tensor_type()) out.mutable_type()->mutable_tensor_type()->clear_shape();
  for (auto& node : *g.mutable_node())
    for (auto& a : *node.mutable_attribute()) {
      if (a.has_g()) strip_declared_shapes(*a.mutable_g());
      for (auto& sub : *a.mutable_graphs()) strip_declared_shapes(sub);
    }
}

// Our own rank/shape rules against ONNX shape inference: wherever both know a tensor, they must agree.
TEST(Corpus, OwnShapeRulesAgreeWithOnnxShapeInference) {
  int compared = 0, filled_by_ours = 0;
  std::vector<std::string> disagreements;
  for (const auto& path : models()) {
    auto with_onnx = load_model(path);
    auto ours_only = load_model(path);
    if (!with_onnx || !ours_only) continue;
    strip_declared_shapes(*ours_only.value()->mutable_proto().mutable_graph());
    auto reference = ModelIndex::build(std::move(with_onnx.value()));
    BuildOptions options;
    options.shape_inference_max_nodes = 0;
    auto ours = ModelIndex::build(std::move(ours_only.value()), options);
    if (!reference || !ours) continue;
    const auto& ref_index = *reference.value();
    const auto& our_index = *ours.value();
    if (!ref_index.shape_inference_ran()) continue;
    for (std::size_t s = 0; s < ref_index.scopes().size(); ++s)
      for (const auto& [name, expected] : ref_index.scopes()[s]->tensors) {
        if (expected.producer < 0 || expected.is_constant()) continue;
        const TensorInfo* got = our_index.find(static_cast<int>(s), name);
        if (!got || got->rank < 0) continue;
        ++filled_by_ours;
        if (expected.rank < 0) continue;
        ++compared;
        bool same = got->rank == expected.rank;
        for (std::size_t d = 0; same && d < got->dims.size(); ++d)
          if (got->dims[d] >= 0 && expected.dims[d] >= 0 && got->dims[d] != expected.dims[d]) same = false;
        if (!same) {
          std::string text = rel(path) + ": '" + std::string(name) + "' (" +
                             ref_index.nodes()[static_cast<std::size_t>(expected.producer)].op_type + ") ours [";
          for (auto d : got->dims) text += std::to_string(d) + " ";
          text += "] onnx [";
          for (auto d : expected.dims) text += std::to_string(d) + " ";
          disagreements.push_back(text + "]");
        }
      }
  }
  std::cout << "  tensors shaped by our rules " << filled_by_ours << ", compared with ONNX " << compared
            << ", disagreements " << disagreements.size() << "\n";
  for (std::size_t i = 0; i < disagreements.size() && i < 40; ++i) std::cout << "  [shape] " << disagreements[i] << "\n";
  EXPECT_GT(compared, 1000);
  EXPECT_TRUE(disagreements.empty());
}

// The JSON contract, checked field by field on the real CLI output.
void check_json(const RunResult& r, const std::string& where, const std::string& release) {
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << where << ": exit " << r.exit_code << " " << r.err;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(r.out);
  } catch (const std::exception& e) {
    FAIL() << where << ": output is not JSON: " << e.what();
  }
  for (const char* key : {"tool", "model", "target", "summary", "model_issues", "nodes"})
    ASSERT_TRUE(j.contains(key)) << where << " lacks " << key;
  EXPECT_EQ(j["tool"]["name"], "trtlens") << where;
  EXPECT_EQ(j["target"]["tensorrt"], release) << where;
  ASSERT_TRUE(j["nodes"].is_array() && j["model_issues"].is_array()) << where;
  std::map<std::string, int> counts;
  int index = 0;
  for (const auto& n : j["nodes"]) {
    for (const char* key : {"index", "name", "op_type", "domain", "graph", "status", "runs_in", "supported_types",
                            "reasons", "warnings"})
      ASSERT_TRUE(n.contains(key)) << where << " node lacks " << key;
    EXPECT_EQ(n["index"], index++) << where;
    const std::string status = n["status"];
    ASSERT_TRUE(status == "convertible" || status == "fallback" || status == "unsupported") << where << status;
    ++counts[status];
    EXPECT_TRUE(n["runs_in"].is_null() || n["runs_in"].is_string()) << where;
    EXPECT_TRUE(n["supported_types"].is_array() && n["reasons"].is_array() && n["warnings"].is_array()) << where;
    if (status == "unsupported") EXPECT_FALSE(n["reasons"].empty()) << where;
  }
  const auto& s = j["summary"];
  EXPECT_EQ(s["convertible"], counts["convertible"]) << where;
  EXPECT_EQ(s["fallback"], counts["fallback"]) << where;
  EXPECT_EQ(s["unsupported"], counts["unsupported"]) << where;
  EXPECT_EQ(r.exit_code == 0, s["model_convertible"].get<bool>()) << where;
  EXPECT_EQ(j["model"]["node_count"], j["nodes"].size()) << where;
}

// run_trtlens() forks and then calls stdio in the child, which can deadlock when another thread holds a stdio lock
// at fork time; posix_spawn is safe to call from the two worker threads.
RunResult spawn_trtlens(const std::vector<std::string>& args) {
  TempDir dir;
  const std::string out_path = (dir / "out").string(), err_path = (dir / "err").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::string bin = TRTLENS_BINARY;
  std::vector<std::string> copy = args;
  std::vector<char*> argv{bin.data()};
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  RunResult r{127, "", ""};
  if (posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv.data(), environ) == 0) {
    int status = 0;
    waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  posix_spawn_file_actions_destroy(&actions);
  auto slurp = [](const std::string& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  return r;
}

TEST(Corpus, EveryModelThroughTheCliAsJson) {
  const auto& list = models();
  ASSERT_GT(list.size(), 1000u);
  const auto& releases = KnowledgeBase::builtin().releases();
  std::atomic<std::size_t> next{0};
  std::atomic<int> ok{0}, findings{0}, input_errors{0};
  std::mutex report;
  auto worker = [&] {
    for (std::size_t i = next++; i < list.size(); i = next++) {
      const std::string release = releases[i % releases.size()].name;
      const RunResult r = spawn_trtlens({"check", list[i].string(), "--trt", release, "--format", "json"});
      std::lock_guard<std::mutex> lock(report);
      const std::string where = rel(list[i]) + " @" + release;
      if (r.exit_code == 2) {  // a model the loader refuses: one clean line, like any bad input
        ++input_errors;
        // The message line, then the code's fix hint from the catalogue.
        const auto lines = std::count(r.err.begin(), r.err.end(), '\n');
        EXPECT_TRUE(lines == 1 || (lines == 2 && r.err.find("\n  hint: ") != std::string::npos)) << where << r.err;
        continue;
      }
      EXPECT_EQ(r.err.find("terminate"), std::string::npos) << where;
      (r.exit_code == 0 ? ok : findings)++;
      check_json(r, where, release);
    }
  };
  std::thread a(worker), b(worker);
  a.join();
  b.join();
  std::cout << "  cli: exit 0 " << ok << ", exit 1 " << findings << ", exit 2 " << input_errors << "\n";
  EXPECT_LE(input_errors, 10);
  EXPECT_GT(ok, 100);
  EXPECT_GT(findings, 50);
}

}  // namespace
}  // namespace trtlens::test
