// Many models in one `trtlens check`: folders and globs expand to model files, --jobs N of them are checked at the
// same time, and one combined report comes out in input order (whatever order the workers finish in):
//   table  one row per model and a total line;
//   json   JSON lines, each exactly the document `trtlens check MODEL --format json` prints for that model;
//   sarif  one run for the whole set: every model an artifact, rules merged by id.
// The exit code covers the set: 2 if any model could not be read, else 1 if any model has findings, else 0.
#include "cli/batch.h"

#include <glob.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/open_index.h"
#include "onnx/graph.h"
#include "report/report.h"

namespace trtlens::cli {

namespace fs = std::filesystem;

namespace {

bool has_glob_chars(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

bool is_model_file(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".onnx";
}

// Files as given, folders searched recursively for *.onnx (sorted), globs expanded (sorted). Duplicates dropped.
Result<std::vector<std::string>> expand_inputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](const std::string& path) {
    if (seen.insert(fs::path(path).lexically_normal().string()).second) out.push_back(path);
  };
  for (const auto& input : inputs) {
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
      std::vector<std::string> found;
      for (fs::recursive_directory_iterator it(input, fs::directory_options::skip_permission_denied, ec), end;
           !ec && it != end; it.increment(ec))
        if (it->is_regular_file(ec) && is_model_file(it->path())) found.push_back(it->path().string());
      if (ec) return make_error("E_USAGE", "cannot read folder " + input + ": " + ec.message());
      std::sort(found.begin(), found.end());
      if (found.empty()) return make_error("E_USAGE", "no .onnx files in folder " + input);
      for (const auto& f : found) add(f);
    } else if (has_glob_chars(input) && !fs::exists(input, ec)) {
      glob_t g{};
      const int rc = ::glob(input.c_str(), 0, nullptr, &g);  // sorted by glob(3)
      std::vector<std::string> found;
      if (rc == 0)
        for (std::size_t i = 0; i < g.gl_pathc; ++i)
          if (!fs::is_directory(g.gl_pathv[i], ec)) found.emplace_back(g.gl_pathv[i]);
      globfree(&g);
      if (found.empty()) return make_error("E_USAGE", "no files match " + input);
      for (const auto& f : found) add(f);
    } else {
      add(input);  // a missing file is reported as that model's error
    }
  }
  return out;
}

struct ModelResult {
  std::string path;
  std::string error_code, error_message, error_hint;  // set when the model could not be checked
  std::size_t nodes = 0;
  Summary summary;
  bool issues = false;                    // model-level issues
  std::string json;                       // compact `check --format json` document
  nlohmann::json sarif;                   // that model's SARIF document
  bool failed() const { return !error_code.empty(); }
};

const char* verdict_of(const ModelResult& r) {
  if (r.failed()) return "error";
  if (!r.summary.model_convertible) return "unsupported";
  if (r.summary.fallback > 0) return "fallback";
  return "convertible";
}

bool has_findings(const ModelResult& r, const std::string& fail_on) {
  const Summary& s = r.summary;
  if (!s.model_convertible) return true;
  if (fail_on == "fallback") return s.fallback > 0;
  if (fail_on == "warning") return s.fallback > 0 || s.warnings > 0 || r.issues;
  return false;
}

ModelResult check_one(const std::string& path, const Target& target, const KnowledgeBase& kb,
                      const std::string& format) {
  ModelResult r;
  r.path = path;
  BuildOptions build_options;
  for (Precision p : target.precisions)
    build_options.prefetch_float_stats = build_options.prefetch_float_stats || p == Precision::FP16 || p == Precision::BF16;
  auto index = open_index(path, build_options);
  if (!index) {
    r.error_code = index.error().code;
    r.error_message = index.error().message;
    r.error_hint = index.error().hint;
    return r;
  }
  const Analysis a = analyze(*index.value(), target, kb);
  r.nodes = a.nodes.size();
  r.summary = a.summary;
  r.issues = !a.model_issues.empty();
  if (format == "json") {
    r.json = to_json(*index.value(), a, false);
    while (!r.json.empty() && r.json.back() == '\n') r.json.pop_back();  // one line per model
  } else if (format == "sarif") {
    std::ostringstream s;
    write_sarif(s, *index.value(), a);
    r.sarif = nlohmann::json::parse(s.str());
  }
  return r;
}

// Progress on stderr: one line rewritten in place on a terminal, one line per model otherwise (CI logs).
class BatchProgress {
 public:
  explicit BatchProgress(std::size_t total) : total_(total), tty_(isatty(STDERR_FILENO) != 0) {}
  void done(const ModelResult& r) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++count_;
    if (tty_) std::cerr << "\r\033[K[" << count_ << "/" << total_ << "] " << r.path << ": " << verdict_of(r) << std::flush;
    else std::cerr << "[" << count_ << "/" << total_ << "] " << r.path << ": " << verdict_of(r) << "\n";
  }
  void finish() {
    if (tty_ && count_ > 0) std::cerr << "\r\033[K" << std::flush;
  }

 private:
  std::size_t total_, count_ = 0;
  bool tty_;
  std::mutex mutex_;
};

void write_table(std::ostream& out, const std::vector<ModelResult>& results, const Target& target) {
  std::size_t width = 5;
  for (const auto& r : results) width = std::max(width, r.path.size());
  out << std::left << std::setw(static_cast<int>(width)) << "MODEL" << "  " << std::setw(12) << "RESULT" << std::right
      << std::setw(7) << "NODES" << std::setw(13) << "CONVERTIBLE" << std::setw(10) << "FALLBACK" << std::setw(13)
      << "UNSUPPORTED" << std::setw(10) << "WARNINGS" << "\n";
  std::map<std::string, int> by_verdict;
  for (const auto& r : results) {
    ++by_verdict[verdict_of(r)];
    out << std::left << std::setw(static_cast<int>(width)) << r.path << "  " << std::setw(12) << verdict_of(r);
    if (r.failed()) {
      out << r.error_message << "\n";
      continue;
    }
    out << std::right << std::setw(7) << r.nodes << std::setw(13) << r.summary.convertible << std::setw(10)
        << r.summary.fallback << std::setw(13) << r.summary.unsupported << std::setw(10) << r.summary.warnings << "\n";
  }
  std::string precisions;
  for (Precision p : target.precisions) precisions += (precisions.empty() ? "" : ",") + std::string(precision_name(p));
  out << "\n" << results.size() << " model" << (results.size() == 1 ? "" : "s") << " on " << target.release->display()
      << " (" << (precisions.empty() ? "fp32" : precisions) << (target.strict ? ", strict" : "") << "):";
  const char* order[] = {"convertible", "fallback", "unsupported", "error"};
  bool first = true;
  for (const char* v : order)
    if (by_verdict[v] > 0) {
      out << (first ? " " : ", ") << by_verdict[v] << " " << v;
      first = false;
    }
  out << "\n";
}

void write_json_lines(std::ostream& out, const std::vector<ModelResult>& results) {
  for (const auto& r : results) {
    if (!r.failed()) {
      out << r.json << "\n";
      continue;
    }
    nlohmann::json error{{"code", r.error_code}, {"message", r.error_message}};
    if (!r.error_hint.empty()) error["hint"] = r.error_hint;
    out << nlohmann::json{{"model", {{"path", r.path}}}, {"error", std::move(error)}}.dump() << "\n";
  }
}


// One SARIF run for the set: artifacts in input order, rules merged by id (ruleIndex and artifact indices
// renumbered), each model's summary under run.properties.models.
void write_sarif_run(std::ostream& out, const std::vector<ModelResult>& results, const Target& target) {
  nlohmann::json rules = nlohmann::json::array(), artifacts = nlohmann::json::array(),
                 all = nlohmann::json::array(), models = nlohmann::json::array();
  std::map<std::string, int> rule_index;
  auto rule_for = [&](const nlohmann::json& rule) {
    const std::string id = rule.at("id");
    auto it = rule_index.find(id);
    if (it == rule_index.end()) {
      it = rule_index.emplace(id, static_cast<int>(rules.size())).first;
      rules.push_back(rule);
    }
    return it->second;
  };
  for (const auto& r : results) {
    const int artifact = static_cast<int>(artifacts.size());
    if (r.failed()) {
      const std::string uri = sarif_uri(r.path);
      artifacts.push_back({{"location", {{"uri", uri}}}});
      const int ri = rule_for({{"id", r.error_code}, {"shortDescription", {{"text", r.error_code}}},
                               {"defaultConfiguration", {{"level", "error"}}}});
      all.push_back({{"ruleId", r.error_code},
                     {"ruleIndex", ri},
                     {"level", "error"},
                     {"message", {{"text", r.error_message}}},
                     {"locations", {{{"physicalLocation", {{"artifactLocation", {{"uri", uri}, {"index", artifact}}}}}}}}});
      models.push_back({{"uri", uri}, {"error", r.error_message}});
      continue;
    }
    const nlohmann::json& run = r.sarif.at("runs").at(0);
    for (const auto& a : run.at("artifacts")) artifacts.push_back(a);
    const auto& model_rules = run.at("tool").at("driver").at("rules");
    for (nlohmann::json result : run.at("results")) {
      result["ruleIndex"] = rule_for(model_rules.at(result.at("ruleIndex").get<std::size_t>()));
      for (auto& loc : result["locations"])
        if (loc.contains("physicalLocation"))
          loc["physicalLocation"]["artifactLocation"]["index"] =
              artifact + loc["physicalLocation"]["artifactLocation"].value("index", 0);
      all.push_back(std::move(result));
    }
    nlohmann::json summary = run.value("properties", nlohmann::json::object());
    summary["uri"] = run.at("artifacts").at(0).at("location").at("uri");
    for (const char* k : {"tensorrt", "precisions", "strict"}) summary.erase(k);
    models.push_back(std::move(summary));
  }
  std::vector<std::string> precisions;
  for (Precision p : target.precisions) precisions.emplace_back(precision_name(p));
  nlohmann::json run = {
      {"tool", {{"driver", {{"name", "trtlens"}, {"version", kToolVersion}, {"rules", rules}}}}},
      {"artifacts", artifacts},
      {"results", all},
      {"properties",
       {{"tensorrt", target.release->version}, {"precisions", precisions}, {"strict", target.strict}, {"models", models}}}};
  const nlohmann::json doc = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"}, {"version", "2.1.0"}, {"runs", {run}}};
  out << doc.dump(2) << "\n";
}

}  // namespace

bool is_batch(const std::vector<std::string>& inputs, int jobs) {
  if (inputs.size() != 1 || jobs > 0) return true;
  std::error_code ec;
  if (fs::is_directory(inputs.front(), ec)) return true;
  return has_glob_chars(inputs.front()) && !fs::exists(inputs.front(), ec);
}

int run_batch(const BatchOptions& o) {
  if (o.format != "table" && o.format != "json" && o.format != "sarif")
    return fail("--format " + o.format + " reports one model; for several use table, json (JSON lines) or sarif");
  if (o.jobs < 0 || o.jobs > 256) return fail("--jobs must be between 1 and 256");
  const KnowledgeBase& kb = KnowledgeBase::builtin();
  auto target = o.make_target(kb);
  if (!target) return fail(target.error());
  auto paths = expand_inputs(o.inputs);
  if (!paths) return fail(paths.error());
  if (!o.output.empty())
    for (const auto& p : paths.value()) {
      std::error_code ec;
      if (fs::equivalent(o.output, p, ec))
        return fail("refusing to write the report over a model (" + o.output + "): choose another -o path");
    }
  warm_schema_registry();

  const auto& list = paths.value();
  std::vector<ModelResult> results(list.size());
  BatchProgress progress(list.size());
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < list.size();) {
      try {
        results[i] = check_one(list[i], target.value(), kb, o.format);
      } catch (const std::exception& e) {  // one model's internal error must not end the whole set
        results[i] = ModelResult{};
        results[i].path = list[i];
        results[i].error_code = "E_INTERNAL";
        results[i].error_message = list[i] + ": internal error: " + e.what();
      }
      progress.done(results[i]);
    }
  };
  {
    const std::size_t threads = std::min<std::size_t>(static_cast<std::size_t>(std::max(o.jobs, 1)), list.size());
    std::vector<std::jthread> pool;
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
  }  // joined
  progress.finish();

  std::ofstream file;
  std::ostream* out = &std::cout;
  if (!o.output.empty()) {
    file.open(o.output, std::ios::out | std::ios::trunc);
    if (!file) return fail("cannot write " + o.output);
    out = &file;
  }
  if (o.format == "json") write_json_lines(*out, results);
  else if (o.format == "sarif") write_sarif_run(*out, results, target.value());
  else write_table(*out, results, target.value());
  out->flush();

  int code = kExitOk;
  for (const auto& r : results) {
    if (r.failed()) return kExitUsage;
    if (has_findings(r, o.fail_on)) code = kExitFindings;
  }
  return code;
}

}  // namespace trtlens::cli
