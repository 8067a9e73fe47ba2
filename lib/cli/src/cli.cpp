#include "plan/cli/cli.hpp"

#include <chrono>
#include <cstdlib>
#include <fmt/format.h>
#include <iostream>

#include "common.hpp"
#include "plan/core/base/error.hpp"
#include "plan/core/base/suggest.hpp"
#include "plan/io/paths.hpp"
#include "plan/report/escape.hpp"

#ifndef PLAN_VERSION
#define PLAN_VERSION "0.0.0"
#endif
// The source tree of a development build, the last place data is looked for.
#ifndef PLAN_SOURCE_DATA_DIR
#define PLAN_SOURCE_DATA_DIR "."
#endif
// From the installed executable's directory to the installed data (<prefix>/share/plan).
#ifndef PLAN_INSTALLED_DATA_DIR
#define PLAN_INSTALLED_DATA_DIR "../share/plan"
#endif

namespace plan::cli {
namespace {

// The names a user could have meant at `app`: its subcommands, or the options of it and of
// the commands above it (accepted after a subcommand).
std::vector<std::string> subcommand_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) names.push_back(sub->get_name());
  return names;
}
std::vector<std::string> option_names(const CLI::App* app) {
  std::vector<std::string> names;
  for (; app; app = app->get_parent()) {
    for (const CLI::Option* o : app->get_options()) {
      if (!o->nonpositional()) continue;
      for (const auto& l : o->get_lnames()) names.push_back("--" + l);
      for (const auto& s : o->get_snames()) names.push_back("-" + s);
    }
  }
  return names;
}
const CLI::App* find_subcommand(const CLI::App& app, const std::string& name) {
  auto found = app.get_subcommands([&](const CLI::App* s) { return s->check_name(name); });
  return found.empty() ? nullptr : found.front();
}
const CLI::Option* find_option(const CLI::App* app, const std::string& name) {
  for (; app; app = app->get_parent()) {
    if (const CLI::Option* o = app->get_option_no_throw(name)) return o;
  }
  return nullptr;
}

// After a parse error: the first word of the command line that names no subcommand where
// one is expected, or no option of the command it follows, as "unknown command 'comapre';
// did you mean 'compare'?". Empty when every word is known (CLI11's message then stands).
std::string diagnose_unknown_word(const CLI::App& app, int argc, char** argv) {
  const CLI::App* at = &app;
  std::string path = "plan";
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "--") break;
    if (word.size() > 1 && word[0] == '-') {
      // --name=value and -xVALUE name their option in the first part.
      std::string name = word.substr(0, word.find('='));
      if (name.size() > 2 && name[1] != '-') name = name.substr(0, 2);
      const CLI::Option* o = find_option(at, name);
      if (!o) {
        auto near = nearest_name(name, option_names(at));
        return fmt::format("unknown option '{}' for {}{}", name, path,
                           near ? fmt::format("; did you mean '{}'?", *near) : std::string());
      }
      // An option that takes a value given as the next word: skip that word.
      if (o->get_items_expected_max() > 0 && word.find('=') == std::string::npos && name == word) ++i;
      continue;
    }
    if (const CLI::App* sub = find_subcommand(*at, word)) {
      at = sub;
      path += " " + word;
      continue;
    }
    // A word where a subcommand is expected (a command with subcommands and no arguments).
    auto subs = subcommand_names(*at);
    if (!subs.empty() && at->get_options([](const CLI::Option* o) { return !o->nonpositional(); }).empty()) {
      auto near = nearest_name(word, subs);
      if (near) return fmt::format("unknown command '{}'; did you mean '{}'?", word, *near);
      std::string list;
      for (const auto& s : subs) list += (list.empty() ? "" : ", ") + s;
      return fmt::format("unknown command '{}' (expected one of: {})", word, list);
    }
  }
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"plan: cost and capacity planning for LLM inference.\n"
               "Compares pay-per-token APIs, managed inference and self-hosted GPUs for a workload profile.\n"
               "A month is 730 hours everywhere.",
               "plan"};
  app.set_version_flag("--version", std::string("plan ") + PLAN_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  Registry reg;
  std::string data_dir_flag;
  auto* data_dir = app.add_option("--data-dir", data_dir_flag,
                                  "Directory holding pricing/, profiles/ and calib/ (default: $PLAN_DATA_DIR, else "
                                  "the installed <prefix>/share/plan, else the source tree of a development build)")
                       ->type_name("DIR");
  auto* cal = app.add_option("--calibration", reg.globals.calibrations,
                             "Calibration file for self-hosted figures, instead of those in calib/results/ of the "
                             "data directory and of $XDG_DATA_HOME/plan (repeatable: several serving results are "
                             "fitted together)")
                  ->type_name("FILE")
                  ->allow_extra_args(false);
  app.add_flag("--no-calibration", reg.globals.no_calibration,
               "Size self-hosted options from the catalog alone, ignoring calibration results")
      ->excludes(cal);
  const char* env_today = std::getenv("PLAN_TODAY");
  reg.globals.today_arg = env_today ? env_today : "";
  app.add_option("--today", reg.globals.today_arg,
                 "The date reports treat as today, YYYY-MM-DD (default: $PLAN_TODAY, else the system date); "
                 "a price sheet more than 90 days older than it is reported as old")
      ->type_name("DATE");
  bool csv_raw = false;
  app.add_flag("--csv-raw", csv_raw,
               "Write CSV text cells as they are: without it, a cell starting with = + - @ tab or CR gets a leading ' "
               "so that a spreadsheet does not run it as a formula (docs/reports.md)");
  app.footer("Exit codes: 0 ok, 1 check failed, 2 bad input, 64 usage, 69 unavailable, 70 internal error, "
             "73 cannot write output. See docs/errors.md.");

  setup_compare(app, reg);
  setup_prices(app, reg);
  setup_recommend(app, reg);
  setup_report(app, reg);
  setup_project(app, reg);
  setup_breakeven(app, reg);
  setup_sweep(app, reg);
  setup_risk(app, reg);
  setup_diff(app, reg);
  setup_perf(app, reg);
  setup_calibrate(app, reg);
  setup_profile(app, reg);
  setup_models(app, reg);
  setup_validate(app, reg);
  setup_search(app, reg);
  setup_completion(app, reg);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string unknown = diagnose_unknown_word(app, argc, argv);
    std::cerr << "plan: error: " << report::terminal_cell(unknown.empty() ? std::string(e.what()) : unknown)
              << " (see plan --help)\n";
    return static_cast<int>(ExitCode::usage_error);
  }

  // Shipped data: --data-dir, $PLAN_DATA_DIR, the installed share/plan, the source tree.
  // The user's own files: $XDG_DATA_HOME/plan (plan/io/paths.hpp).
  io::DataDirInputs where;
  if (data_dir->count() > 0) where.flag = data_dir_flag;
  if (const char* env = std::getenv("PLAN_DATA_DIR")) where.env = env;
  where.executable = io::executable_path();
  where.installed_relative = PLAN_INSTALLED_DATA_DIR;
  where.source_tree = PLAN_SOURCE_DATA_DIR;
  report::set_csv_formula_guard(!csv_raw);
  reg.globals.data_dir = io::resolve_data_dir(where).path;
  reg.globals.user_dir = io::user_data_dir();

  try {
    if (reg.globals.today_arg.empty()) {
      const auto ymd = std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
      reg.globals.today = Date{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
                               static_cast<int>(static_cast<unsigned>(ymd.day()))};
    } else if (auto given = Date::parse(reg.globals.today_arg)) {
      reg.globals.today = *given;
    } else {
      throw Error(fmt::format("--today (or PLAN_TODAY) is '{}' (expected a date YYYY-MM-DD)", reg.globals.today_arg),
                  ExitCode::usage_error);
    }
    for (auto& [sub, action] : reg.actions) {
      if (sub->parsed()) return action();
    }
    return static_cast<int>(ExitCode::usage_error);
  } catch (const Error& e) {
    // Messages quote the user's files: control characters and invalid UTF-8 shown escaped.
    std::cerr << "plan: error: " << report::terminal_cell(e.formatted()) << "\n";
    return static_cast<int>(e.code());
  } catch (const std::bad_alloc&) {
    std::cerr << "plan: error: out of memory\n";
    return static_cast<int>(ExitCode::internal_error);
  } catch (const std::exception& e) {
    std::cerr << "plan: error: internal error: " << report::terminal_cell(e.what()) << "\n";
    return static_cast<int>(ExitCode::internal_error);
  }
}

}  // namespace plan::cli
