#include "tools/sfa/completion.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace sfa::tools::cli {
namespace {

std::vector<std::string> LongFlags(const CLI::App& app) {
  std::vector<std::string> flags;
  for (const CLI::Option* opt : app.get_options()) {
    for (const std::string& name : opt->get_lnames()) flags.push_back("--" + name);
  }
  return flags;
}

// One `case` arm per command path ("lead create"): its subcommands, or its flags once it has none.
void Arms(const CLI::App& app, const std::string& path, std::string* arms, std::vector<std::string>* paths) {
  std::vector<std::string> words;
  for (const CLI::App* sub : app.get_subcommands({})) {
    words.push_back(sub->get_name());
    for (const std::string& alias : sub->get_aliases()) words.push_back(alias);
  }
  for (const std::string& flag : LongFlags(app)) words.push_back(flag);
  absl::StrAppend(arms, "    \"", path, "\") words=\"", absl::StrJoin(words, " "), "\" ;;\n");
  for (const CLI::App* sub : app.get_subcommands({})) {
    std::vector<std::string> names = {sub->get_name()};
    for (const std::string& alias : sub->get_aliases()) names.push_back(alias);
    for (const std::string& name : names) {
      const std::string sub_path = path.empty() ? name : absl::StrCat(path, " ", name);
      paths->push_back(sub_path);
      Arms(*sub, sub_path, arms, paths);
    }
  }
}

}  // namespace

// $FN, $PROGRAM, $GLOBALS, $PATHS and $ARMS are filled in below (in one pass: values are not rescanned).
constexpr char kTemplate[] = R"sh(# bash completion for $PROGRAM: source <($PROGRAM completion bash)
$FN() {
  local cur="${COMP_WORDS[COMP_CWORD]}" path="" w words
  local globals="$GLOBALS"
  local paths="|$PATHS|"
  for w in "${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$w" in -*) continue ;; esac
    if [[ "$paths" == *"|${path:+$path }$w|"* ]]; then path="${path:+$path }$w"; fi
  done
  case "$path" in
$ARMS    *) words="" ;;
  esac
  [[ -n "$path" && "$cur" == -* ]] && words="$(printf '%s\n' $words $globals | sort -u)"
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F $FN $PROGRAM
)sh";

std::string BashCompletion(const CLI::App& app, const std::string& program) {
  std::string arms;
  std::vector<std::string> paths;
  Arms(app, "", &arms, &paths);
  const std::string fn = absl::StrCat("_", absl::StrReplaceAll(program, {{"-", "_"}, {".", "_"}}), "_complete");
  return absl::StrReplaceAll(kTemplate, {{"$FN", fn},
                                         {"$PROGRAM", program},
                                         {"$GLOBALS", absl::StrJoin(LongFlags(app), " ")},
                                         {"$PATHS", absl::StrJoin(paths, "|")},
                                         {"$ARMS", arms}});
}

}  // namespace sfa::tools::cli
