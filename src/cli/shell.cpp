// Shell integration generated from the one CLI definition: `trtlens completion bash|zsh|fish` and `trtlens man` walk
// the CLI11 App tree every command registered itself into, so a new command or option reaches the completions and
// the man page without anyone editing them. Release names and precisions come from the built-in knowledge base.
// Both commands are hidden from --help (empty group); the build runs them to produce the installed files.
#include <algorithm>
#include <iostream>
#include <set>
#include <sstream>

#include "cli/commands.h"
#include "cli/version.h"
#include "kb/kb.h"

namespace trtlens::cli {

namespace {

enum class ValueKind { kNone, kAny, kFile, kDir, kRelease, kPrecisions, kChoice };

struct OptionSpec {
  std::vector<std::string> names;  // "-o", "--output"
  std::string help;
  ValueKind kind = ValueKind::kNone;
  std::vector<std::string> choices;
};

struct CommandSpec {
  std::string path;   // "check", "track/add"; "" for the program itself
  std::string help;
  std::vector<OptionSpec> options;
  std::vector<std::string> positionals;
  bool positional_files = false;   // positionals name model files
  std::vector<std::string> children;  // names of the subcommands
};

bool hidden(const CLI::App* app) { return app->get_group().empty(); }

// "{table,json}" at the end of CLI11's type name (IsMember's description) lists the accepted values.
std::vector<std::string> choices_of(const CLI::Option* opt) {
  const std::string type = opt->get_type_name();
  const auto open = type.rfind('{'), close = type.rfind('}');
  std::vector<std::string> out;
  if (open == std::string::npos || close == std::string::npos || close < open) return out;
  std::stringstream list(type.substr(open + 1, close - open - 1));
  for (std::string item; std::getline(list, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

// What an option's value is, from its name: one place that knows which options take releases or precisions.
ValueKind kind_of(const std::string& path, const CLI::Option* opt, const std::vector<std::string>& choices) {
  if (opt->get_expected_max() == 0) return ValueKind::kNone;  // a flag
  const std::string name = opt->get_lnames().empty() ? opt->get_name() : opt->get_lnames().front();
  if (!choices.empty()) return ValueKind::kChoice;
  if (name == "trt" || (path == "diff" && (name == "from" || name == "to"))) return ValueKind::kRelease;
  if (name == "precision") return ValueKind::kPrecisions;
  if (name.find("dir") != std::string::npos) return ValueKind::kDir;
  if (name == "output") return ValueKind::kFile;
  return ValueKind::kAny;
}

void collect(const CLI::App* app, const std::string& path, std::vector<CommandSpec>& out) {
  CommandSpec spec;
  spec.path = path;
  spec.help = app->get_description();
  for (const CLI::Option* opt : app->get_options()) {
    if (opt->get_group().empty()) continue;
    if (opt->get_positional() && opt->get_lnames().empty() && opt->get_snames().empty()) {
      spec.positionals.push_back(opt->get_name());
      const std::string n = opt->get_name();
      if (n.find("model") != std::string::npos) spec.positional_files = true;
      continue;
    }
    OptionSpec o;
    for (const auto& s : opt->get_snames()) o.names.push_back("-" + s);
    for (const auto& l : opt->get_lnames()) o.names.push_back("--" + l);
    o.help = opt->get_description();
    o.choices = choices_of(opt);
    o.kind = kind_of(path, opt, o.choices);
    spec.options.push_back(std::move(o));
  }
  std::vector<std::pair<const CLI::App*, std::string>> subs;
  for (const CLI::App* sub : app->get_subcommands([](const CLI::App*) { return true; })) {
    if (hidden(sub)) continue;
    spec.children.push_back(sub->get_name());
    subs.emplace_back(sub, path.empty() ? sub->get_name() : path + "/" + sub->get_name());
  }
  out.push_back(std::move(spec));
  for (const auto& [sub, sub_path] : subs) collect(sub, sub_path, out);
}

struct KbValues {
  std::vector<std::string> releases;    // oldest first, then "latest"
  std::vector<std::string> precisions;  // every precision any release knows, in first-seen order
};

KbValues kb_values() {
  KbValues v;
  for (const Release& r : KnowledgeBase::builtin().releases()) {
    v.releases.push_back(r.name);
    for (const auto& p : r.precisions)
      if (std::find(v.precisions.begin(), v.precisions.end(), p) == v.precisions.end()) v.precisions.push_back(p);
  }
  v.releases.push_back("latest");
  return v;
}

std::string join(const std::vector<std::string>& items, const char* sep = " ") {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

// Single-quoted for sh/zsh/fish: ' becomes '\''.
std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string parent_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}
std::string leaf_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The case patterns that walk the words typed so far into a command path ("/check", "track/add").
std::string path_patterns(const std::vector<CommandSpec>& cmds, const char* sep) {
  std::vector<std::string> pats;
  for (const auto& c : cmds)
    if (!c.path.empty()) pats.push_back(parent_of(c.path) + "/" + leaf_of(c.path));
  return join(pats, sep);
}

void write_bash(std::ostream& out, const std::vector<CommandSpec>& cmds, const KbValues& kb) {
  out << "# bash completion for trtlens (generated by `trtlens completion bash`; do not edit)\n"
      << "_trtlens() {\n"
      << "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
      << "  local cmd=\"\" i w\n"
      << "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      << "    w=\"${COMP_WORDS[i]}\"\n"
      << "    case \"${cmd}/${w}\" in\n"
      << "      " << path_patterns(cmds, "|") << ") cmd=\"${cmd:+$cmd/}$w\" ;;\n"
      << "    esac\n"
      << "  done\n"
      << "  local releases=" << quote(join(kb.releases)) << " precisions=" << quote(join(kb.precisions)) << "\n"
      << "  case \"${cmd}:${prev}\" in\n";
  for (const auto& c : cmds)
    for (const auto& o : c.options) {
      if (o.kind == ValueKind::kNone) continue;
      std::vector<std::string> keys;
      for (const auto& n : o.names) keys.push_back("\"" + c.path + ":" + n + "\"");
      out << "    " << join(keys, "|") << ")\n      ";
      switch (o.kind) {
        case ValueKind::kRelease: out << "COMPREPLY=($(compgen -W \"$releases\" -- \"$cur\"))"; break;
        case ValueKind::kPrecisions:
          out << "local pre=\"\" last=\"$cur\"; [[ $cur == *,* ]] && pre=\"${cur%,*},\" last=\"${cur##*,}\"\n"
              << "      COMPREPLY=($(compgen -P \"$pre\" -W \"$precisions\" -- \"$last\")); compopt -o nospace 2>/dev/null";
          break;
        case ValueKind::kChoice: out << "COMPREPLY=($(compgen -W " << quote(join(o.choices)) << " -- \"$cur\"))"; break;
        case ValueKind::kFile: out << "compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$cur\"))"; break;
        case ValueKind::kDir: out << "compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- \"$cur\"))"; break;
        default: out << "COMPREPLY=()"; break;
      }
      out << "\n      return ;;\n";
    }
  out << "  esac\n"
      << "  case \"$cmd\" in\n";
  for (const auto& c : cmds) {
    std::vector<std::string> opts;
    for (const auto& o : c.options)
      for (const auto& n : o.names) opts.push_back(n);
    out << "    \"" << c.path << "\")\n"
        << "      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W " << quote(join(opts)) << " -- \"$cur\")); return; fi\n";
    if (!c.children.empty())
      out << "      COMPREPLY=($(compgen -W " << quote(join(c.children)) << " -- \"$cur\"))\n";
    else if (c.positional_files)
      out << "      compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$cur\"))\n";
    out << "      ;;\n";
  }
  out << "  esac\n"
      << "}\n"
      << "complete -F _trtlens trtlens\n";
}

// zsh: _describe takes "name:description"; a colon inside a name must be escaped.
std::string zsh_item(const std::string& name, const std::string& help) {
  std::string n;
  for (char c : name) n += c == ':' ? std::string("\\:") : std::string(1, c);
  return quote(n + ":" + help);
}

void write_zsh(std::ostream& out, const std::vector<CommandSpec>& cmds, const KbValues& kb) {
  out << "#compdef trtlens\n"
      << "# zsh completion for trtlens (generated by `trtlens completion zsh`; do not edit)\n"
      << "_trtlens() {\n"
      << "  local cmd=\"\" w i\n"
      << "  for ((i = 2; i < CURRENT; i++)); do\n"
      << "    w=${words[i]}\n"
      << "    case \"$cmd/$w\" in\n"
      << "      (" << path_patterns(cmds, "|") << ") cmd=${cmd:+$cmd/}$w ;;\n"
      << "    esac\n"
      << "  done\n"
      << "  local prev=${words[CURRENT-1]} cur=${words[CURRENT]}\n"
      << "  local -a releases precisions items\n"
      << "  releases=(" << join(kb.releases) << ")\n"
      << "  precisions=(" << join(kb.precisions) << ")\n"
      << "  case \"$cmd:$prev\" in\n";
  for (const auto& c : cmds)
    for (const auto& o : c.options) {
      if (o.kind == ValueKind::kNone) continue;
      std::vector<std::string> keys;
      for (const auto& n : o.names) keys.push_back(c.path + ":" + n);
      out << "    (" << join(keys, "|") << ") ";
      switch (o.kind) {
        case ValueKind::kRelease: out << "compadd -a releases"; break;
        case ValueKind::kPrecisions: out << "compset -P '*,'; compadd -S '' -a precisions"; break;
        case ValueKind::kChoice: out << "compadd -- " << join(o.choices); break;
        case ValueKind::kFile: out << "_files"; break;
        case ValueKind::kDir: out << "_files -/"; break;
        default: out << "_message 'value'"; break;
      }
      out << "; return ;;\n";
    }
  out << "  esac\n"
      << "  case \"$cmd\" in\n";
  for (const auto& c : cmds) {
    out << "    (" << (c.path.empty() ? "''" : c.path) << ")\n"
        << "      if [[ $cur == -* ]]; then\n"
        << "        items=(";
    for (const auto& o : c.options)
      for (const auto& n : o.names) out << " " << zsh_item(n, o.help);
    out << " )\n"
        << "        _describe -t options option items; return\n"
        << "      fi\n";
    if (!c.children.empty()) {
      out << "      items=(";
      for (const auto& child : c.children)
        for (const auto& s : cmds)
          if (s.path == (c.path.empty() ? child : c.path + "/" + child)) out << " " << zsh_item(child, s.help);
      out << " )\n"
          << "      _describe -t commands command items ;;\n";
    } else if (c.positional_files) {
      out << "      _files ;;\n";
    } else {
      out << "      ;;\n";
    }
  }
  out << "  esac\n"
      << "}\n"
      << "_trtlens \"$@\"\n";
}

void write_fish(std::ostream& out, const std::vector<CommandSpec>& cmds, const KbValues& kb) {
  out << "# fish completion for trtlens (generated by `trtlens completion fish`; do not edit)\n"
      << "function __trtlens_path\n"
      << "    set -l path ''\n"
      << "    for w in (commandline -opc)[2..-1]\n"
      << "        switch \"$path/$w\"\n"
      << "            case " << path_patterns(cmds, " ") << "\n"
      << "                if test -z \"$path\"\n"
      << "                    set path $w\n"
      << "                else\n"
      << "                    set path \"$path/$w\"\n"
      << "                end\n"
      << "        end\n"
      << "    end\n"
      << "    echo $path\n"
      << "end\n"
      << "function __trtlens_in\n"
      << "    set -l path (__trtlens_path)\n"
      << "    test \"$path\" = \"$argv[1]\"\n"
      << "end\n"
      << "function __trtlens_precisions\n"
      << "    set -l prefix (string replace -r '[^,]*$' '' -- (commandline -ct))\n"
      << "    for p in " << join(kb.precisions) << "\n"
      << "        echo $prefix$p\n"
      << "    end\n"
      << "end\n"
      << "complete -c trtlens -f\n";
  for (const auto& c : cmds) {
    const std::string cond = "-n " + quote("__trtlens_in " + quote(c.path));
    for (const auto& child : c.children)
      for (const auto& s : cmds)
        if (s.path == (c.path.empty() ? child : c.path + "/" + child))
          out << "complete -c trtlens " << cond << " -a " << child << " -d " << quote(s.help) << "\n";
    if (c.children.empty() && c.positional_files) out << "complete -c trtlens " << cond << " -F\n";
    for (const auto& o : c.options) {
      out << "complete -c trtlens " << cond;
      for (const auto& n : o.names) out << (n.rfind("--", 0) == 0 ? " -l " + n.substr(2) : " -s " + n.substr(1));
      switch (o.kind) {
        case ValueKind::kNone: break;
        case ValueKind::kRelease: out << " -x -a " << quote(join(kb.releases)); break;
        case ValueKind::kPrecisions: out << " -x -a '(__trtlens_precisions)'"; break;
        case ValueKind::kChoice: out << " -x -a " << quote(join(o.choices)); break;
        case ValueKind::kFile: out << " -r -F"; break;
        case ValueKind::kDir: out << " -x -a '(__fish_complete_directories)'"; break;
        default: out << " -x"; break;
      }
      out << " -d " << quote(o.help) << "\n";
    }
  }
}

// roff: a backslash is "\e", a minus "\-", and a line may not start with '.' or '\''.
std::string roff(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

void write_man(std::ostream& out, const CLI::App& app, const std::vector<CommandSpec>& cmds, const KbValues& kb) {
  const auto& releases = KnowledgeBase::builtin().releases();
  out << ".\\\" Generated by `trtlens man` from the command-line definition; do not edit.\n"
      << ".TH TRTLENS 1 \"" << kb_date() << "\" \"trtlens " << tool_version() << "\" \"User Commands\"\n"
      << ".SH NAME\ntrtlens \\- check whether an ONNX model converts to TensorRT, node by node\n"
      << ".SH SYNOPSIS\n.B trtlens\n.I command\n[\\fIoptions\\fR] [\\fImodel.onnx\\fR ...]\n"
      << ".br\n.B trtlens \\-\\-version\n"
      << ".SH DESCRIPTION\n" << roff(app.get_description()) << "\n"
      << ".PP\nEvery node gets a verdict: \\fBconvertible\\fR, \\fBfallback\\fR (converts, but runs at a wider "
         "precision than asked) or \\fBunsupported\\fR, with a reason code and a fix hint. No GPU and no TensorRT "
         "installation are needed: the knowledge base is compiled in.\n"
      << ".SH COMMANDS\n";
  for (const auto& c : cmds) {
    if (c.path.empty()) continue;
    std::string title = "trtlens " + c.path;
    std::replace(title.begin(), title.end(), '/', ' ');
    out << ".SS \"" << roff(title);
    for (const auto& p : c.positionals) out << " " << roff(p);
    out << "\"\n" << roff(c.help) << "\n";
    for (const auto& o : c.options) {
      out << ".TP\n";
      std::vector<std::string> names;
      for (const auto& n : o.names) names.push_back("\\fB" + roff(n) + "\\fR");
      out << join(names, ", ");
      if (o.kind == ValueKind::kChoice) out << " \\fI" << roff(join(o.choices, "|")) << "\\fR";
      else if (o.kind == ValueKind::kRelease) out << " \\fIRELEASE\\fR";
      else if (o.kind == ValueKind::kPrecisions) out << " \\fIPRECISION\\fR[,...]";
      else if (o.kind != ValueKind::kNone) out << " \\fIVALUE\\fR";
      out << "\n" << roff(o.help) << "\n";
    }
  }
  out << ".SH RELEASES AND PRECISIONS\nThe built-in knowledge base covers TensorRT "
      << roff(releases.front().version) << " to " << roff(releases.back().version) << " (" << releases.size()
      << " releases; data of " << kb_date() << "):\n" << roff(join(kb.releases, ", ")) << ".\n"
      << "A release may be spelled 8.6, 8.6.1, \"TensorRT 8.6.1\" or latest.\n"
      << ".PP\nPrecisions (comma-separated in \\fB\\-\\-precision\\fR): " << roff(join(kb.precisions, ", "))
      << ". A precision a release does not have is a usage error.\n"
      << ".SH EXIT STATUS\n.TP\n0\nEverything converts.\n.TP\n1\nSomething is unsupported (or what "
         "\\fB\\-\\-fail\\-on\\fR names).\n.TP\n2\nUsage or input error; one line on standard error.\n"
      << ".SH FILES\n.TP\n\\fI$XDG_DATA_HOME/trtlens\\fR\nThe tracked-model library of \\fBtrtlens track\\fR and "
         "\\fBtrtlens serve\\fR (default \\fI~/.local/share/trtlens\\fR).\n"
      << ".SH SEE ALSO\nThe documentation in \\fI/usr/share/doc/trtlens\\fR: json\\-format.md (the JSON contract), "
         "reports.md, rules.md, install.md, ci.md.\n";
}

Runner add_completion(CLI::App& app) {
  auto shell = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("completion", "Print a shell completion script (bash, zsh or fish)");
  cmd->group("");  // hidden: the package installs the scripts
  cmd->add_option("shell", *shell, "bash, zsh or fish")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
  return [shell, &app] {
    std::vector<CommandSpec> cmds;
    collect(&app, "", cmds);
    const KbValues kb = kb_values();
    if (*shell == "bash") write_bash(std::cout, cmds, kb);
    else if (*shell == "zsh") write_zsh(std::cout, cmds, kb);
    else write_fish(std::cout, cmds, kb);
    return kExitOk;
  };
}

Runner add_man(CLI::App& app) {
  auto* cmd = app.add_subcommand("man", "Print the manual page (roff)");
  cmd->group("");
  return [&app] {
    std::vector<CommandSpec> cmds;
    collect(&app, "", cmds);
    write_man(std::cout, app, cmds, kb_values());
    return kExitOk;
  };
}

}  // namespace

TRTLENS_REGISTER_COMMAND(1000, add_completion);
TRTLENS_REGISTER_COMMAND(1001, add_man);

}  // namespace trtlens::cli
