// `trtlens track ...`: the tracked-model library (src/store) from the command line, the same store the server uses.
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/commands.h"
#include "cli/target_options.h"
#include "kb/kb.h"
#include "store/store.h"
#include "store/store_json.h"
#include "store/version_analysis.h"

namespace trtlens::cli {
namespace {
using store::Store;

struct TrackOptions : TargetOptions {
  std::string data_dir;
  std::string model, name, new_name;
  std::vector<std::string> tags;
  std::string format = "table";
  int version = 0, from = 0, to = 0;
};

Result<std::unique_ptr<Store>> open_store(const TrackOptions& o) {
  return Store::open(o.data_dir.empty() ? Store::default_data_dir() : std::filesystem::path(o.data_dir));
}

// What list, show and diff start with: the target from --trt/--precision/--strict/--gpu/--dla, the open library and
// (show, diff) the model named on the command line.
struct Opened {
  Target target;
  std::unique_ptr<Store> store;
  store::ModelInfo model;
};
Result<Opened> open_for_target(const TrackOptions& o, bool with_model) {
  auto target = build_target(KnowledgeBase::builtin(), o);  // no --plugin here: o.plugins stays empty
  if (!target) return target.error();
  auto s = open_store(o);
  if (!s) return s.error();
  Opened opened{std::move(target.value()), std::move(s.value()), {}};
  if (with_model) {
    auto m = opened.store->model(o.name);
    if (!m) return m.error();
    opened.model = std::move(m.value());
  }
  return opened;
}

std::string target_text(const Target& t) {
  return "TensorRT " + t.release->name + ", " + store::precision_key(t) + (t.strict ? ", strict" : "") +
         (t.hardware.has_gpu ? ", " + t.hardware.text() : "");
}

void print_tags(const std::vector<std::string>& tags, const char* lead, const char* end) {
  if (tags.empty()) return;
  std::cout << lead;
  for (const auto& t : tags) std::cout << " " << t;
  std::cout << end;
}

std::string counts_text(const store::Counts& c) {
  std::ostringstream s;
  s << c.convertible << " convertible, " << c.fallback << " fallback, " << c.unsupported << " unsupported";
  return s.str();
}

// A 20-character bar: '#' convertible, '~' fallback, '!' unsupported (the web UI draws the same proportions).
std::string bar(const store::Counts& c) {
  const int total = c.convertible + c.fallback + c.unsupported;
  if (total == 0) return std::string(20, ' ');
  const int ok = c.convertible * 20 / total, fb = c.fallback * 20 / total;
  return std::string(ok, '#') + std::string(fb, '~') + std::string(20 - ok - fb, '!');
}

int run_add(const TrackOptions& o) {
  auto s = open_store(o);
  if (!s) return fail(s.error());
  const std::string name = o.name.empty() ? std::filesystem::path(o.model).stem().string() : o.name;
  auto added = s.value()->add_file(o.model, name, o.tags);
  if (!added) {
    const Error& error = added.error();
    return fail(error, error.message.find(o.model) == std::string::npos ? o.model + ": " : "");
  }
  if (o.format == "json") {
    std::cout << nlohmann::json{{"model", store::model_json(added->model)},
                                {"version", store::version_json(added->version)},
                                {"new_version", added->new_version},
                                {"new_model", added->new_model}}
                     .dump(2)
              << "\n";
  } else if (added->new_version) {
    std::cout << "added " << name << " version " << added->version.number << " (sha256 "
              << added->version.sha256.substr(0, 12) << ", " << added->version.size << " bytes)\n";
  } else {
    std::cout << "unchanged: " << name << " version " << added->version.number
              << " already has these exact bytes; nothing added\n";
  }
  return kExitOk;
}

int run_list(const TrackOptions& o) {
  auto opened = open_for_target(o, false);
  if (!opened) return fail(opened.error());
  const Target& target = opened->target;
  Store& store = *opened->store;
  auto models = store.list();
  if (!models) return fail(models.error());
  nlohmann::json out{{"target", store::target_json(target)}, {"models", nlohmann::json::array()}};
  if (o.format != "json") std::cout << target_text(target) << "\n";
  for (const auto& m : *models) {
    const auto* latest = m.latest();
    Result<store::CachedAnalysis> a = make_error("E_NOT_FOUND", "no versions");
    if (latest) a = store::analyze_version(store, *latest, target);
    if (o.format == "json") {
      nlohmann::json item{{"name", m.name}, {"tags", m.tags}, {"version_count", m.versions.size()}, {"latest", nullptr}};
      if (latest) {
        item["latest"] = store::version_json(*latest);
        item["latest"]["summary"] = a ? store::counts_json(a->counts) : nlohmann::json(nullptr);
      }
      out["models"].push_back(std::move(item));
      continue;
    }
    std::cout << std::left << std::setw(24) << m.name << " v" << std::setw(4) << (latest ? latest->number : 0);
    if (a) std::cout << " [" << bar(a->counts) << "] " << counts_text(a->counts);
    else std::cout << " " << a.error().message;
    print_tags(m.tags, "  tags:", "");
    std::cout << "\n";
  }
  if (o.format == "json") std::cout << out.dump(2) << "\n";
  else if (models->empty()) std::cout << "no tracked models (add one with: trtlens track add MODEL)\n";
  return kExitOk;
}

int run_show(const TrackOptions& o) {
  auto opened = open_for_target(o, true);
  if (!opened) return fail(opened.error());
  const Target& target = opened->target;
  Store& store = *opened->store;
  const store::ModelInfo* m = &opened->model;
  nlohmann::json out = store::model_json(*m);
  out["target"] = store::target_json(target);
  if (o.format != "json") {
    std::cout << m->name << "  (" << target_text(target) << ")\n";
    print_tags(m->tags, "tags:", "\n");
  }
  for (std::size_t i = 0; i < m->versions.size(); ++i) {
    const auto& v = m->versions[i];
    auto a = store::analyze_version(store, v, target);
    out["versions"][i]["summary"] = a ? store::counts_json(a->counts) : nlohmann::json(nullptr);
    if (o.format == "json") continue;
    std::cout << "  v" << std::left << std::setw(4) << v.number << v.added_at << "  " << v.sha256.substr(0, 12) << "  "
              << v.file_name << "  ";
    if (a) std::cout << "[" << bar(a->counts) << "] " << counts_text(a->counts) << "\n";
    else std::cout << a.error().message << "\n";
  }
  if (o.format == "json") std::cout << out.dump(2) << "\n";
  return kExitOk;
}

int run_rm(const TrackOptions& o) {
  auto s = open_store(o);
  if (!s) return fail(s.error());
  auto done = o.version > 0 ? s.value()->remove_version(o.name, o.version) : s.value()->remove_model(o.name);
  if (!done) return fail(done.error());
  if (o.version > 0) std::cout << "removed " << o.name << " version " << o.version << "\n";
  else std::cout << "removed " << o.name << " and all its versions\n";
  return kExitOk;
}

int run_rename(const TrackOptions& o) {
  auto s = open_store(o);
  if (!s) return fail(s.error());
  if (auto done = s.value()->rename(o.name, o.new_name); !done) return fail(done.error());
  std::cout << "renamed " << o.name << " to " << o.new_name << "\n";
  return kExitOk;
}

// Exit code 1 when some node became unsupported: usable as a regression gate in CI.
int run_diff(const TrackOptions& o) {
  auto opened = open_for_target(o, true);
  if (!opened) return fail(opened.error());
  const Target& target = opened->target;
  Store& store = *opened->store;
  const store::ModelInfo* m = &opened->model;
  auto to = store.version(o.name, o.to);
  if (!to) return fail(to.error());
  int from_number = o.from;
  if (from_number == 0) {
    from_number = to->number;
    for (const auto& v : m->versions)
      if (v.number < to->number) from_number = v.number;
  }
  auto from = store.version(o.name, from_number);
  if (!from) return fail(from.error());
  auto diffed = store::diff_versions(store, *from, *to, target);
  if (!diffed) return fail(diffed.error());
  const store::VersionDiff& d = *diffed.value();
  if (o.format == "json") {
    std::cout << store::diff_json(*m, *from, *to, target, d).dump(2) << "\n";
  } else {
    std::cout << m->name << " v" << from->number << " -> v" << to->number << " (" << target_text(target) << ")\n"
              << "  v" << from->number << ": " << counts_text(d.from_counts) << "\n"
              << "  v" << to->number << ": " << counts_text(d.to_counts) << "\n";
    const bool dla = target.hardware.dla;
    auto side = [dla](const std::string& status, const std::string& device) {
      if (status.empty()) return std::string("absent");
      return dla && !device.empty() ? status + " (" + (device == "dla" ? "DLA" : "GPU") + ")" : status;
    };
    auto name_of = [&d](const NodeChange& c) {
      const std::string& now = c.new_node >= 0 ? d.to_index->nodes()[static_cast<std::size_t>(c.new_node)].name : "";
      const std::string& was = c.old_node >= 0 ? d.from_index->nodes()[static_cast<std::size_t>(c.old_node)].name : "";
      return was.empty() ? now : now.empty() || now == was ? was : was + " -> " + now;
    };
    auto op_of = [&d](const NodeChange& c) {
      return c.new_node >= 0 ? d.to_index->nodes()[static_cast<std::size_t>(c.new_node)].op_type
                             : d.from_index->nodes()[static_cast<std::size_t>(c.old_node)].op_type;
    };
    auto print = [&](const char* title, const std::vector<const NodeChange*>& changes) {
      if (changes.empty()) return;
      std::cout << title << "\n";
      for (const auto* c : changes)
        std::cout << "  " << name_of(*c) << " (" << op_of(*c) << "): " << side(store::status_before(*c), c->device_before)
                  << " -> " << side(store::status_after(*c), c->device_after) << "\n";
    };
    print("became unsupported:", d.became_unsupported);
    print("became convertible:", d.became_convertible);
    print("other changes:", d.changed);
    if (dla)
      std::cout << "  " << d.nodes.moved_to_dla << " nodes moved GPU -> DLA, " << d.nodes.moved_to_gpu << " DLA -> GPU\n";
    if (d.empty()) std::cout << (dla ? "no node changed status or device\n" : "no node changed status\n");
  }
  return d.became_unsupported.empty() ? kExitOk : kExitFindings;
}

void add_common(CLI::App* cmd, TrackOptions& o) {
  cmd->add_option("--data-dir", o.data_dir, "Tracked-model library (default: $XDG_DATA_HOME/trtlens)");
  cmd->add_option("--format", o.format, "Output format")->check(CLI::IsMember({"table", "json"}));
}
void add_target(CLI::App* cmd, TrackOptions& o) {
  add_target_options(cmd, o, /*with_plugins=*/false);
}

Runner add_track(CLI::App& app) {
  auto o = std::make_shared<TrackOptions>();
  auto* track = app.add_subcommand("track", "Tracked models: a local library of model versions and their verdicts");
  track->require_subcommand(1);
  auto* add = track->add_subcommand("add", "Add a model file (a new version if its bytes changed)");
  add->add_option("model", o->model, "ONNX model file (its external-data files are stored with it)")->required();
  add->add_option("--name", o->name, "Tracked model name (default: the file name without extension)");
  add->add_option("--tag", o->tags, "Tag to add (repeatable)");
  add_common(add, *o);
  auto* list = track->add_subcommand("list", "List tracked models with their latest version's compatibility");
  add_common(list, *o);
  add_target(list, *o);
  auto* show = track->add_subcommand("show", "Show a tracked model's versions and their compatibility");
  show->add_option("name", o->name, "Tracked model name")->required();
  add_common(show, *o);
  add_target(show, *o);
  auto* rm = track->add_subcommand("rm", "Remove a tracked model, or one of its versions");
  rm->add_option("name", o->name, "Tracked model name")->required();
  rm->add_option("--version", o->version, "Remove only this version number")->check(CLI::PositiveNumber);
  add_common(rm, *o);
  auto* rename = track->add_subcommand("rename", "Rename a tracked model");
  rename->add_option("name", o->name, "Current name")->required();
  rename->add_option("new_name", o->new_name, "New name")->required();
  add_common(rename, *o);
  auto* diff = track->add_subcommand("diff", "What changed in compatibility between two versions (exit 1: regression)");
  diff->add_option("name", o->name, "Tracked model name")->required();
  diff->add_option("--from", o->from, "Older version (default: the one before --to)")->check(CLI::PositiveNumber);
  diff->add_option("--to", o->to, "Newer version (default: latest)")->check(CLI::PositiveNumber);
  add_common(diff, *o);
  add_target(diff, *o);
  return [o, add, list, show, rm, rename, diff] {
    if (add->parsed()) return run_add(*o);
    if (list->parsed()) return run_list(*o);
    if (show->parsed()) return run_show(*o);
    if (rm->parsed()) return run_rm(*o);
    if (rename->parsed()) return run_rename(*o);
    if (diff->parsed()) return run_diff(*o);
    return kExitUsage;
  };
}
}  // namespace
TRTLENS_REGISTER_COMMAND(60, add_track);

}  // namespace trtlens::cli
