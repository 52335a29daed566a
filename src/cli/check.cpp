#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include "cli/batch.h"
#include "cli/commands.h"
#include "cli/target_options.h"
#include "onnx/graph.h"
#include "report/model_explorer.h"
#include "report/report.h"
#include "verdict/analysis.h"

namespace trtlens::cli {

int fail(const std::string& message) {
  std::cerr << "trtlens: " << message << "\n";
  return kExitUsage;
}

int fail(const Error& error, const std::string& prefix) {
  std::cerr << "trtlens: " << prefix << error.message << "\n";
  const std::string hint = hint_or_default(error.code, error.hint);
  if (!hint.empty()) std::cerr << "  hint: " << hint << "\n";
  return kExitUsage;
}

namespace {

// A progress line on stderr, shown only when work takes longer than a second and stderr is a terminal.
class Progress {
 public:
  Progress() : enabled_(isatty(STDERR_FILENO) != 0) {
    if (enabled_) thread_ = std::thread([this] { loop(); });
  }
  ~Progress() { stop(); }
  void phase(std::string text) {
    std::lock_guard<std::mutex> lock(mutex_);
    phase_ = std::move(text);
  }
  void stop() {
    if (!enabled_) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    if (shown_) std::cerr << "\r\033[K" << std::flush;
    enabled_ = false;
  }

 private:
  void loop() {
    const auto start = std::chrono::steady_clock::now();
    std::unique_lock<std::mutex> lock(mutex_);
    static const char* spin = "|/-\\";
    int tick = 0;
    while (!done_) {
      cv_.wait_for(lock, std::chrono::milliseconds(200));
      if (done_) break;
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (secs < 1.0) continue;
      shown_ = true;
      std::cerr << "\r\033[K" << spin[tick++ % 4] << " " << phase_ << " (" << static_cast<int>(secs) << " s)" << std::flush;
    }
  }
  bool enabled_;
  bool done_ = false;
  bool shown_ = false;
  std::string phase_ = "loading";
  std::mutex mutex_;
  std::condition_variable cv_;
  std::thread thread_;
};

struct CheckOptions : TargetOptions {
  std::string model;
  std::string format = "table";
  std::string output;
  bool verbose = false;
  std::string color = "auto";
  std::string fail_on = "unsupported";
  bool timings = false;
  std::vector<std::string> models;  // several, a folder or a glob: src/cli/batch.cpp
  int jobs = 0;
};

// Wall time of each phase, printed to stderr with --timings (where a big model's check spends its time).
class PhaseClock {
 public:
  void mark(const char* phase) {
    const auto now = std::chrono::steady_clock::now();
    if (current_) lines_.emplace_back(current_, std::chrono::duration<double>(now - since_).count());
    current_ = phase;
    since_ = now;
  }
  void print(std::ostream& err) {
    mark(nullptr);
    double total = 0;
    for (const auto& [name, secs] : lines_) total += secs;
    err << "timings:";
    for (const auto& [name, secs] : lines_) err << " " << name << " " << std::fixed << std::setprecision(3) << secs << " s,";
    err << " total " << total << " s\n";
  }

 private:
  const char* current_ = nullptr;
  std::chrono::steady_clock::time_point since_;
  std::vector<std::pair<const char*, double>> lines_;
};

// The whole target of a check: release, precisions, strict, plugins, strong typing and hardware.
Result<Target> check_target(const KnowledgeBase& kb, const CheckOptions& o) {
  return build_target(kb, o);
}

int run_check(const CheckOptions& o) {
  // The knowledge base (and the chosen release's operator table) is read while the model parses: on a 100k-node
  // model the two take about as long, and they share nothing.
  const KnowledgeBase* kb_ptr = nullptr;
  std::optional<Result<Target>> target_result;
  std::jthread kb_thread([&] {  // joins even if loading throws
    kb_ptr = &KnowledgeBase::builtin();
    target_result.emplace(check_target(*kb_ptr, o));
    if (target_result->ok()) (void)target_result->value().release->ops();
    warm_schema_registry();  // ONNX builds its whole operator registry on first use (~5 ms)
  });
  PhaseClock clock;
  clock.mark("load");
  Progress progress;
  progress.phase("loading " + o.model);
  auto loaded = load_model(o.model);
  kb_thread.join();
  clock.mark("index");
  const auto& kb = *kb_ptr;
  auto& target = *target_result;
  if (!target) {  // a usage error wins over a model error, as if the options were checked first
    progress.stop();
    return fail(target.error());
  }
  if (!loaded) {
    progress.stop();
    return fail(loaded.error());
  }
  progress.phase("indexing graph");
  BuildOptions build_options;
  for (Precision p : target.value().precisions)
    build_options.prefetch_float_stats = build_options.prefetch_float_stats || p == Precision::FP16 || p == Precision::BF16;
  auto index = ModelIndex::build(std::move(loaded.value()), build_options);
  if (!index) {
    progress.stop();
    return fail(index.error(), o.model + ": ");
  }
  progress.phase("checking nodes");
  clock.mark("analyze");
  Analysis analysis = analyze(*index.value(), target.value(), kb);
  progress.stop();
  clock.mark("report");

  std::ofstream file;
  std::ostream* out = &std::cout;
  if (!o.output.empty()) {
    std::error_code same_ec;
    if (std::filesystem::equivalent(o.output, o.model, same_ec))
      return fail("refusing to write the report over the model itself (" + o.output + "): choose another -o path");
    file.open(o.output, std::ios::out | std::ios::trunc);
    if (!file) return fail("cannot write " + o.output);
    out = &file;
  }
  const bool color = o.color == "always" || (o.color == "auto" && o.output.empty() && isatty(STDOUT_FILENO));
  if (o.format == "json") write_json(*out, *index.value(), analysis, true);
  else if (o.format == "markdown") write_markdown(*out, *index.value(), analysis);
  else if (o.format == "sarif") write_sarif(*out, *index.value(), analysis);
  else if (o.format == "junit") write_junit(*out, *index.value(), analysis);
  else if (o.format == "html") write_html(*out, *index.value(), analysis);
  else if (o.format == "model-explorer") write_model_explorer(*out, *index.value(), analysis);
  else write_table(*out, *index.value(), analysis, ReportOptions{color, o.verbose});
  out->flush();
  if (o.timings) clock.print(std::cerr);
  // The process ends right after this: freeing a big model's protobuf arena and tensor maps would cost ~10% of
  // the whole check for nothing, so the index is deliberately left to the OS.
#if !defined(__SANITIZE_ADDRESS__)  // LeakSanitizer would report the deliberate leak
  (void)index.value().release();
#endif

  const auto& s = analysis.summary;
  int code = kExitOk;
  if (!s.model_convertible) code = kExitFindings;
  else if (o.fail_on == "fallback" && s.fallback > 0) code = kExitFindings;
  else if (o.fail_on == "warning" && (s.fallback > 0 || s.warnings > 0 || !analysis.model_issues.empty())) code = kExitFindings;
#if !defined(__SANITIZE_ADDRESS__)
  (void)new Analysis(std::move(analysis));  // the verdicts too (one per node) are left to the OS
  // Nothing is left to write (the report is flushed, the file closed): skip the static destructors of the knowledge
  // base and of ONNX's schema registry.
  if (file.is_open()) file.close();
  std::cout.flush();
  std::fflush(nullptr);
  std::_Exit(code);
#endif
  return code;
}

}  // namespace

namespace {
Runner add_check(CLI::App& app) {
  auto o = std::make_shared<CheckOptions>();
  auto* cmd = app.add_subcommand("check", "Check every node of an ONNX model against one TensorRT release");
  cmd->add_option("model", o->models, "ONNX model file; several, a folder or a glob check them all (one combined report)")
      ->required();
  cmd->add_option("-j,--jobs", o->jobs, "Models checked at the same time when checking several")->check(CLI::Range(1, 256));
  add_target_options(cmd, *o);
  cmd->add_option("--format", o->format, "Output format")->check(CLI::IsMember({"table", "json", "markdown", "sarif", "junit", "html", "model-explorer"}))->default_str("table");
  cmd->add_option("-o,--output", o->output, "Write the report to a file instead of stdout");
  cmd->add_flag("-v,--verbose", o->verbose, "Table: also list fallback nodes and warnings");
  cmd->add_flag("--timings", o->timings, "Print the wall time of each phase (load, index, analyze, report) to stderr");
  cmd->add_option("--color", o->color, "Colour: auto, always, never")->check(CLI::IsMember({"auto", "always", "never"}));
  cmd->add_option("--fail-on", o->fail_on, "What makes the exit code 1: unsupported, fallback, warning")
      ->check(CLI::IsMember({"unsupported", "fallback", "warning"}));
  return [o] {
    if (is_batch(o->models, o->jobs))
      return run_batch({o->models, std::max(o->jobs, 1), o->format, o->output, o->fail_on, [o](const KnowledgeBase& kb) {
                          return check_target(kb, *o);
                        }});
    o->model = o->models.front();
    return run_check(*o);
  };
}
}  // namespace
TRTLENS_REGISTER_COMMAND(10, add_check);

}  // namespace trtlens::cli
