#include "plan/cli/cli.hpp"

#include <chrono>
#include <cstdlib>
#include <fmt/format.h>
#include <iostream>

#include "common.hpp"
#include "plan/core/error.hpp"

#ifndef PLAN_VERSION
#define PLAN_VERSION "0.0.0"
#endif
#ifndef PLAN_DEFAULT_DATA_DIR
#define PLAN_DEFAULT_DATA_DIR "."
#endif

namespace plan::cli {

int main(int argc, char** argv) {
  CLI::App app{"plan: cost and capacity planning for LLM inference.\n"
               "Compares pay-per-token APIs, managed inference and self-hosted GPUs for a workload profile.\n"
               "A month is 730 hours everywhere.",
               "plan"};
  app.set_version_flag("--version", std::string("plan ") + PLAN_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  Registry reg;
  const char* env_dir = std::getenv("PLAN_DATA_DIR");
  reg.globals.data_dir = env_dir && *env_dir ? env_dir : PLAN_DEFAULT_DATA_DIR;
  app.add_option("--data-dir", reg.globals.data_dir,
                 "Directory holding pricing/, profiles/ and calib/ (default: $PLAN_DATA_DIR, else the source tree)")
      ->capture_default_str();
  auto* cal = app.add_option("--calibration", reg.globals.calibrations,
                             "Calibration file for self-hosted figures, instead of those in calib/results/ "
                             "(repeatable: several serving results are fitted together)")
                  ->type_name("FILE")
                  ->allow_extra_args(false);
  app.add_flag("--no-calibration", reg.globals.no_calibration,
               "Size self-hosted options from the catalog alone, ignoring calib/results/")
      ->excludes(cal);
  const char* env_today = std::getenv("PLAN_TODAY");
  reg.globals.today = env_today ? env_today : "";
  app.add_option("--today", reg.globals.today,
                 "The date reports treat as today, YYYY-MM-DD (default: $PLAN_TODAY, else the system date); "
                 "a price sheet more than 90 days older than it is reported as old")
      ->type_name("DATE");
  app.footer("Exit codes: 0 ok, 1 check failed, 2 bad input, 64 usage, 69 unavailable, 70 internal error, "
             "73 cannot write output. See docs/errors.md.");

  setup_compare(app, reg);
  setup_prices(app, reg);
  setup_recommend(app, reg);
  setup_report(app, reg);
  setup_project(app, reg);
  setup_breakeven(app, reg);
  setup_sweep(app, reg);
  setup_diff(app, reg);
  setup_perf(app, reg);
  setup_calibrate(app, reg);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "plan: error: " << e.what() << " (see plan --help)\n";
    return static_cast<int>(ExitCode::usage_error);
  }

  try {
    if (reg.globals.today.empty()) {
      const auto ymd = std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
      reg.globals.today = fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd.year()),
                                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    } else if (!is_iso_date(reg.globals.today)) {
      throw Error(fmt::format("--today (or PLAN_TODAY) is '{}' (expected a date YYYY-MM-DD)", reg.globals.today),
                  ExitCode::usage_error);
    }
    for (auto& [sub, action] : reg.actions) {
      if (sub->parsed()) return action();
    }
    return static_cast<int>(ExitCode::usage_error);
  } catch (const Error& e) {
    std::cerr << "plan: error: " << e.formatted() << "\n";
    return static_cast<int>(e.code());
  } catch (const std::bad_alloc&) {
    std::cerr << "plan: error: out of memory\n";
    return static_cast<int>(ExitCode::internal_error);
  } catch (const std::exception& e) {
    std::cerr << "plan: error: internal error: " << e.what() << "\n";
    return static_cast<int>(ExitCode::internal_error);
  }
}

}  // namespace plan::cli
