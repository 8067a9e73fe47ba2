// plan prices list | show VERSION | verify: the versioned price sheets.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <map>

#include "common.hpp"
#include "plan/io/files.hpp"
#include "plan/io/loaders.hpp"
#include "plan/report/table.hpp"

namespace plan::cli {
namespace {

std::string opt_price(const std::optional<double>& v, int decimals) {
  return v ? report::fixed(*v, decimals) : "-";
}

std::string show_sheet(const PriceSheet& s) {
  using report::Align;
  std::string out = fmt::format("price sheet {} (effective {}, {}), {}\nsha256 {}\n\n", s.version, s.effective_date,
                                s.currency, s.path, s.sha256);
  if (!s.api_models.empty()) {
    report::Table t;
    for (auto h : {"api model", "provider"}) t.add_column(h, Align::left);
    for (auto h : {"input/1M", "output/1M", "cached/1M", "cache write/1M", "batch in/1M", "batch out/1M", "context"})
      t.add_column(h);
    t.add_column("line");
    for (const auto& a : s.api_models) {
      t.add_row({a.id, a.provider, report::fixed(a.prices.input_per_mtok, 3), report::fixed(a.prices.output_per_mtok, 3),
                 opt_price(a.prices.cached_input_per_mtok, 3), opt_price(a.prices.cache_write_per_mtok, 3),
                 opt_price(a.prices.batch_input_per_mtok, 3), opt_price(a.prices.batch_output_per_mtok, 3),
                 opt_price(a.context_tokens, 0), std::to_string(a.line)});
    }
    out += t.render_text() + "\n";
  }
  if (!s.managed.empty()) {
    report::Table t;
    for (auto h : {"managed offering", "provider", "model", "modes"}) t.add_column(h, Align::left);
    t.add_column("line");
    for (const auto& m : s.managed) {
      std::string modes;
      if (m.on_demand) modes += fmt::format("on_demand {}/{} per 1M", report::fixed(m.on_demand->input_per_mtok, 3),
                                            report::fixed(m.on_demand->output_per_mtok, 3));
      if (m.provisioned) {
        for (const auto& t2 : m.provisioned->terms)
          modes += fmt::format("{}provisioned {} {}/unit-h", modes.empty() ? "" : "; ", t2.term,
                               report::fixed(t2.usd_per_unit_hour, 2));
      }
      if (m.dedicated) modes += fmt::format("{}dedicated {}x {} {}/h", modes.empty() ? "" : "; ", m.dedicated->gpu_count,
                                            m.dedicated->gpu, report::fixed(m.dedicated->usd_per_hour, 2));
      t.add_row({m.id, m.provider, m.model, modes, std::to_string(m.line)});
    }
    out += t.render_text() + "\n";
  }
  if (!s.gpu_instances.empty()) {
    report::Table t;
    for (auto h : {"gpu instance", "provider", "instance", "gpu"}) t.add_column(h, Align::left);
    for (auto h : {"GPUs", "on-demand/h", "reserved 1y/h", "reserved 3y/h", "spot/h", "line"}) t.add_column(h);
    for (const auto& g : s.gpu_instances) {
      t.add_row({g.id, g.provider, g.instance, g.gpu, std::to_string(g.gpu_count), report::fixed(g.on_demand_per_hour, 4),
                 opt_price(g.reserved_1y_per_hour, 4), opt_price(g.reserved_3y_per_hour, 4),
                 opt_price(g.spot_per_hour, 4), std::to_string(g.line)});
    }
    out += t.render_text() + "\n";
  }
  out += "sources:\n";
  for (const auto& src : s.sources) out += fmt::format("  {}: {} (retrieved {})\n", src.id, src.url, src.retrieved);
  return out;
}

// pricing/MANIFEST.sha256, in sha256sum's format: "HEX  FILENAME" per line ('*' before the
// name, sha256sum's binary marker, is accepted). Blank lines and lines starting '#' are skipped.
std::map<std::string, std::string> read_manifest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(SourceLoc{path, 0, 0}, "cannot open file (expected the price-sheet manifest)");
  // One line per released sheet: a manifest this large is not one.
  constexpr std::uintmax_t max_manifest_bytes = 1u << 20;
  std::error_code ec;
  if (std::filesystem::file_size(path, ec) > max_manifest_bytes && !ec)
    throw Error(SourceLoc{path, 0, 0}, fmt::format("file is larger than {} bytes (expected a manifest of one line per sheet)",
                                                   max_manifest_bytes));
  std::map<std::string, std::string> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto bad = [&](const std::string& what) {
      return Error(SourceLoc{path, n, 1}, fmt::format("{} (expected \"SHA256  FILENAME\", 64 hex digits, two spaces)", what));
    };
    if (line.size() < 67 || line[64] != ' ' || (line[65] != ' ' && line[65] != '*')) throw bad("malformed manifest line");
    std::string hex = line.substr(0, 64);
    if (!std::all_of(hex.begin(), hex.end(), [](unsigned char c) { return std::isxdigit(c) != 0; }))
      throw bad("checksum is not hexadecimal");
    std::transform(hex.begin(), hex.end(), hex.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string name = line.substr(66);
    if (name.empty() || name.find('/') != std::string::npos) throw bad(fmt::format("file name '{}' is not a plain file name", name));
    if (!out.emplace(name, hex).second) throw bad(fmt::format("file '{}' is listed twice", name));
  }
  return out;
}

// Compares every sheet in `dir` with the manifest. Returns the report and whether all match.
std::pair<std::string, bool> verify_sheets(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error(SourceLoc{dir, 0, 0}, "price-sheet directory not found");
  auto manifest = read_manifest(dir + "/MANIFEST.sha256");
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".yaml") files.push_back(e.path().filename().string());
  }
  for (const auto& [name, hex] : manifest) {
    if (std::find(files.begin(), files.end(), name) == files.end()) files.push_back(name);
  }
  std::sort(files.begin(), files.end());
  std::string out;
  bool all_ok = true;
  for (const auto& name : files) {
    const std::string path = dir + "/" + name;
    auto it = manifest.find(name);
    std::string status;
    if (it == manifest.end()) {
      status = "NOT IN MANIFEST";
    } else if (!fs::exists(path, ec)) {
      status = "MISSING";
    } else {
      std::string got = io::sha256_file(path);
      status = got == it->second ? "ok" : fmt::format("CHANGED (manifest {}, file {})", it->second, got);
    }
    all_ok = all_ok && status == "ok";
    out += fmt::format("{}: {}\n", name, status);
  }
  return {out, all_ok};
}

}  // namespace

void setup_prices(CLI::App& app, Registry& reg) {
  auto* prices = app.add_subcommand("prices", "List and show the versioned price sheets in pricing/");
  prices->require_subcommand(1);

  auto* list = prices->add_subcommand("list", "List price-sheet versions, oldest first; the last is the default");
  reg.add(list, [&g = reg.globals]() {
    auto sheets = io::list_price_sheets(g.pricing_dir());
    report::Table t;
    t.add_column("version", report::Align::left);
    t.add_column("effective", report::Align::left);
    t.add_column("file", report::Align::left);
    t.add_column("", report::Align::left);
    for (std::size_t i = 0; i < sheets.size(); ++i)
      t.add_row({sheets[i].version, sheets[i].effective_date,
                 "pricing/" + sheets[i].path.substr(sheets[i].path.find_last_of('/') + 1),
                 i + 1 == sheets.size() ? "(default)" : ""});
    emit(t.render_text(), "");
    return 0;
  });

  auto version = std::make_shared<std::string>();
  auto* show = prices->add_subcommand("show", "Show every price of one sheet, with its line numbers and sources");
  show->add_option("version", *version, "Version (see `plan prices list`) or path to a sheet")->required();
  reg.add(show, [version, &g = reg.globals]() {
    emit(show_sheet(io::resolve_price_sheet(*version, g.pricing_dir())), "");
    return 0;
  });

  auto* verify = prices->add_subcommand(
      "verify", "Check every sheet's sha256 against pricing/MANIFEST.sha256: one line per sheet, "
                "ok / CHANGED / NOT IN MANIFEST / MISSING; exit 1 unless all are ok");
  reg.add(verify, [&g = reg.globals]() {
    auto [report, all_ok] = verify_sheets(g.pricing_dir());
    emit(report, "");
    return static_cast<int>(all_ok ? ExitCode::ok : ExitCode::check_failed);
  });
}

}  // namespace plan::cli
