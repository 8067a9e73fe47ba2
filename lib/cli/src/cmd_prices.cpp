// plan prices list | show VERSION | verify | import SPEC -o FILE: the versioned price sheets.
#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <map>

#include "common.hpp"
#include "plan/io/files.hpp"
#include "plan/io/loaders.hpp"
#include "plan/io/manifest.hpp"
#include "plan/io/price_import.hpp"
#include "plan/report/escape.hpp"
#include "plan/core/options/price_sheet_lint.hpp"
#include "plan/report/prices_report.hpp"
#include "plan/report/table.hpp"

namespace plan::cli {
namespace {

// The `plan prices verify` lines of one directory, each file name preceded by `prefix`, and
// whether every file matches the manifest.
std::pair<std::string, bool> render_verification(const std::vector<io::SheetVerification>& files,
                                                 const std::string& prefix = "") {
  std::string out;
  bool all_ok = true;
  for (const auto& v : files) {
    std::string status;
    switch (v.check) {
      case io::SheetCheck::ok: status = "ok"; break;
      case io::SheetCheck::changed:
        status = fmt::format("CHANGED (manifest {}, file {})", v.manifest_sha256, v.file_sha256);
        break;
      case io::SheetCheck::missing: status = "MISSING"; break;
      case io::SheetCheck::not_in_manifest: status = "NOT IN MANIFEST"; break;
    }
    all_ok = all_ok && v.check == io::SheetCheck::ok;
    out += fmt::format("{}{}: {}\n", prefix, v.file, status);
  }
  return {out, all_ok};
}

// `plan prices list`: the sheets' versions, oldest first, and which is the default.
void setup_prices_list(CLI::App* prices, Registry& reg) {
  auto* list = prices->add_subcommand("list", "List price-sheet versions, oldest first; the last is the default");
  reg.add(list, [&g = reg.globals]() {
    auto sheets = io::list_price_sheets(g.pricing_dir());
    report::Table t;
    t.add_column("version", report::Align::left);
    t.add_column("effective", report::Align::left);
    t.add_column("file", report::Align::left);
    // The sheet a plan uses when neither the profile nor --prices names one: the newest.
    t.add_column("default", report::Align::left);
    for (std::size_t i = 0; i < sheets.size(); ++i)
      t.add_row({sheets[i].version, sheets[i].effective_date,
                 "pricing/" + sheets[i].path.substr(sheets[i].path.find_last_of('/') + 1),
                 i + 1 == sheets.size() ? "yes" : ""});
    emit(t.render_text(), "");
    return 0;
  });
}

// `plan prices show VERSION`: every price of one sheet.
void setup_prices_show(CLI::App* prices, Registry& reg) {
  auto version = std::make_shared<std::string>();
  auto* show = prices->add_subcommand("show", "Show every price of one sheet, with its line numbers and sources");
  show->add_option("version", *version, "Version (see `plan prices list`) or path to a sheet")->required();
  reg.add(show, [version, &g = reg.globals]() {
    emit(report::render_price_sheet(io::resolve_price_sheet(*version, g.pricing_dir())), "");
    return 0;
  });
}

// `plan prices verify`: every sheet and hardware price list against its manifest.
void setup_prices_verify(CLI::App* prices, Registry& reg) {
  auto* verify = prices->add_subcommand(
      "verify", "Check every sheet's sha256 against pricing/MANIFEST.sha256, and every hardware price list's "
                "against pricing/hardware/MANIFEST.sha256: one line per file, ok / CHANGED / NOT IN MANIFEST / "
                "MISSING; exit 1 unless all are ok");
  reg.add(verify, [&g = reg.globals]() {
    auto [report, all_ok] = render_verification(io::verify_sheets(g.pricing_dir()));
    // Hardware price lists (owned servers) are released and never edited, like sheets.
    const std::string hardware = g.pricing_dir() + "/hardware";
    std::error_code ec;
    if (std::filesystem::is_directory(hardware, ec)) {
      auto [hw_report, hw_ok] = render_verification(io::verify_sheets(hardware), "hardware/");
      report += hw_report;
      all_ok = all_ok && hw_ok;
    }
    emit(report, "");
    return static_cast<int>(all_ok ? ExitCode::ok : ExitCode::check_failed);
  });
}

struct PriceDiffOptions {
  std::string a, b;
};

// `plan prices diff A B`: what differs between two sheets.
void setup_prices_diff(CLI::App* prices, Registry& reg) {
  auto dif = std::make_shared<PriceDiffOptions>();
  auto* diff = prices->add_subcommand(
      "diff", "Every price and limit that differs between two sheets (versions or paths), entry by entry, with "
              "the line of each figure in both sheets; entries added and removed; e.g. `plan prices diff 2026-05 "
              "2026-07`, or a released sheet against a draft from `plan prices import`");
  diff->add_option("a", dif->a, "Sheet A: a version (see `plan prices list`) or a path")->required();
  diff->add_option("b", dif->b, "Sheet B: a version or a path")->required();
  reg.add(diff, [dif, &g = reg.globals]() {
    const PriceSheet a = io::resolve_price_sheet(dif->a, g.pricing_dir());
    const PriceSheet b = io::resolve_price_sheet(dif->b, g.pricing_dir());
    emit(report::render_sheet_diff(a, b, diff_sheets(a, b)), "");
    return 0;
  });
}

struct PriceLintOptions {
  std::string sheet;
  std::vector<std::string> profiles;
  std::string profiles_dir;
};

// `plan prices lint [SHEET]`: a sheet's figures, and profiles' options, checked for consistency.
void setup_prices_lint(CLI::App* prices, Registry& reg) {
  auto lo = std::make_shared<PriceLintOptions>();
  auto* lint = prices->add_subcommand(
      "lint", "Check a sheet's figures for consistency: cache read < input <= cache write, batch prices = the "
              "provider's batch rule unless the entry says why, spot and reserved <= on demand, input and output "
              "limits on every per-token entry, a successor for every retiring entry, and no profile option "
              "retired before the profile's first month. One line per finding, FILE:LINE. Without SHEET every "
              "sheet is linted: the default strictly, older released sheets' findings as warnings. Exit 1 on any "
              "error");
  lint->add_option("sheet", lo->sheet, "A version (see `plan prices list`) or a path; linted strictly");
  lint->add_option("--profile", lo->profiles, "A profile whose options are checked against the sheet it uses "
                                              "(repeatable)");
  lint->add_option("--profiles-dir", lo->profiles_dir, "Every *.yaml profile in DIR, as --profile");
  reg.add(lint, [lo, &g = reg.globals]() {
    namespace fs = std::filesystem;
    std::vector<std::string> profile_paths = lo->profiles;
    if (!lo->profiles_dir.empty()) {
      std::error_code ec;
      if (!fs::is_directory(lo->profiles_dir, ec))
        throw Error(SourceLoc{lo->profiles_dir, 0, 0}, "profile directory not found (expected a directory of *.yaml)");
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(lo->profiles_dir, ec))
        if (e.path().extension() == ".yaml") found.push_back(e.path().string());
      std::sort(found.begin(), found.end());
      profile_paths.insert(profile_paths.end(), found.begin(), found.end());
    }
    // The sheets linted, each strict or not.
    std::vector<std::pair<PriceSheet, bool>> sheets;
    if (!lo->sheet.empty()) {
      sheets.emplace_back(io::resolve_price_sheet(lo->sheet, g.pricing_dir()), true);
    } else {
      const auto all = io::list_price_sheets(g.pricing_dir());
      for (std::size_t i = 0; i < all.size(); ++i)
        sheets.emplace_back(io::resolve_price_sheet(all[i].version, g.pricing_dir()), i + 1 == all.size());
    }
    std::vector<Profile> profiles;
    for (const auto& p : profile_paths) profiles.push_back(io::load_profile(p));
    std::string out;
    int errors = 0, warnings = 0;
    auto print = [&](const std::vector<LintFinding>& fs_, bool strict) {
      for (const auto& f : fs_) {
        out += fmt::format("{}:{}: {}: {}: {}\n", f.file, f.line, strict ? "error" : "warning", f.check, f.message);
        (strict ? errors : warnings)++;
      }
    };
    for (const auto& [sheet, strict] : sheets) {
      print(lint_price_sheet(sheet), strict);
      // A profile is checked against the sheet it uses: its pinned version, else the default
      // (with SHEET given: that sheet).
      for (const auto& p : profiles) {
        const bool uses = !lo->sheet.empty() || (p.price_sheet ? *p.price_sheet == sheet.version : strict);
        if (uses) print(lint_profile(p, sheet), true);
      }
    }
    out += fmt::format("{} sheet{} linted: {} error{}, {} warning{}\n", sheets.size(), sheets.size() == 1 ? "" : "s",
                       errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
    emit(out, "");
    return static_cast<int>(errors == 0 ? ExitCode::ok : ExitCode::check_failed);
  });
}

struct PriceImportOptions {
  std::string spec;
  std::string out;
};

// `plan prices import SPEC -o FILE`: a draft sheet from upstream price files.
void setup_prices_import(CLI::App* prices, Registry& reg) {
  auto imp = std::make_shared<PriceImportOptions>();
  auto* import_cmd = prices->add_subcommand(
      "import", "Build a draft price sheet from upstream price files (LiteLLM JSON, Cyclenerd's GCP list, "
                "SkyPilot-format CSV, AWS family files) as an import spec names them; every figure's source "
                "row and each input's sha256 are recorded. Review the draft before releasing it.");
  import_cmd->add_option("spec", imp->spec, "Import spec (YAML; docs/pricing.md, \"Importing prices\"), e.g. "
                                        "pricing/sources/2026-07/import.yaml")
      ->required();
  import_cmd->add_option("-o,--output", imp->out, "Write the draft sheet to FILE (required; not inside pricing/, "
                                              "where released sheets live)")
      ->required();
  reg.add(import_cmd, [imp, &g = reg.globals]() {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path pricing = fs::weakly_canonical(g.pricing_dir(), ec);
    const fs::path out = fs::weakly_canonical(fs::absolute(imp->out, ec), ec);
    const auto rel = out.lexically_relative(pricing);
    if (imp->out != "-" && !rel.empty() && rel.begin()->string() != "..")
      throw Error(fmt::format("-o {} is inside {} (expected a path outside it: a draft is reviewed, then "
                              "released by hand as pricing/VERSION.yaml)",
                              imp->out, g.pricing_dir()),
                  ExitCode::usage_error);
    io::PriceImport draft = io::import_price_sheet(imp->spec);
    // The draft must load as a sheet before it is written.
    io::parse_price_sheet(imp->out, draft.sheet_yaml);
    emit(draft.sheet_yaml, imp->out);
    for (const auto& f : draft.findings) fmt::print(stderr, "plan: note: {}\n", report::terminal_cell(f));
    return 0;
  });
}

}  // namespace

void setup_prices(CLI::App& app, Registry& reg) {
  auto* prices = app.add_subcommand("prices", "List and show the versioned price sheets in pricing/");
  prices->require_subcommand(1);

  setup_prices_list(prices, reg);
  setup_prices_show(prices, reg);
  setup_prices_verify(prices, reg);
  setup_prices_diff(prices, reg);
  setup_prices_lint(prices, reg);
  setup_prices_import(prices, reg);
}

}  // namespace plan::cli
