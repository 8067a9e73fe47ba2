#include "common.hpp"

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "plan/io/files.hpp"
#include "plan/io/hardware_loader.hpp"
#include "plan/io/loaders.hpp"

namespace plan::cli {

void emit(const std::string& content, const std::string& out) {
  io::write_file_atomic(out.empty() ? "-" : out, content);
}

void add_window_args(CLI::App& sub, WindowArgs& w) {
  sub.add_option("--start", w.start,
                 "First month, YYYY-MM (default: the profile's horizon start, else the current month; see --today)");
  sub.add_option("--months", w.months, "Months to project (default: the profile's horizon months, else 12)")
      ->check(CLI::Range(1, 600));
}

void apply_window(Profile& p, const WindowArgs& w) {
  if (!w.start.empty()) {
    p.horizon.start = YearMonth::parse(w.start);
    if (!p.horizon.start)
      throw Error(fmt::format("--start '{}' is not a month (expected YYYY-MM, month 01 to 12)", w.start),
                  ExitCode::usage_error);
  }
  if (w.months > 0) {
    if (!p.horizon.monthly_volume_scale.empty() &&
        p.horizon.monthly_volume_scale.size() != static_cast<std::size_t>(w.months))
      throw Error(fmt::format("--months {} differs from the {} months of the profile's monthly_volume_scale "
                              "(expected the same number, or growth_per_month in the profile)",
                              w.months, p.horizon.monthly_volume_scale.size()),
                  ExitCode::usage_error);
    p.horizon.months = w.months;
  }
}

void add_scale_arg(CLI::App& sub, double& scale) {
  sub.add_option("--scale", scale, "Multiply every workload's volume (requests per day) by X, e.g. 2 or 0.5")
      ->check(CLI::Range(1e-6, 1e6));
}

std::string apply_scale(Profile& p, double scale) {
  if (scale == 1) return "";
  for (auto& w : p.workloads) w.requests_per_day *= scale;
  return fmt::format("volume x{:g} (--scale): every workload's requests per day is {:g} times the profile's", scale,
                     scale);
}

CLI::Option* add_format_option(CLI::App& sub, std::string& target, const std::vector<std::string>& choices) {
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "" : "|") + c;
  return sub.add_option("--format", target, "Output format: " + list)
      ->check(CLI::IsMember(choices))
      ->capture_default_str();
}

void add_profile_args(CLI::App& sub, ProfileArgs& a, const std::string& profile_help, const std::string& prices_help) {
  sub.add_option("profile", a.profile, profile_help)->required();
  sub.add_option("--prices", a.prices, prices_help);
}

void add_report_output_args(CLI::App& sub, ProfileArgs& a, const std::vector<std::string>& formats,
                            const std::string& out_help) {
  add_format_option(sub, a.format, formats);
  sub.add_option("-o,--output", a.out, out_help);
}

report::Format to_format(const std::string& s) {
  report::Format f = report::Format::table;
  report::parse_format(s, f);
  return f;
}

bool parse_volume(const std::string& s, double& out) {
  if (s.empty() || s.size() > 64) return false;
  std::string num = s;
  double mult = 1;
  switch (s.back()) {
    case 'k': case 'K': mult = 1e3; break;
    case 'M': case 'm': mult = 1e6; break;
    case 'B': case 'G': case 'b': case 'g': mult = 1e9; break;
    case 'T': case 't': mult = 1e12; break;
    default: break;
  }
  if (mult != 1) num.pop_back();
  if (num.empty()) return false;
  char* end = nullptr;
  double v = std::strtod(num.c_str(), &end);
  if (end != num.c_str() + num.size() || !std::isfinite(v) || v <= 0) return false;
  out = v * mult;
  return std::isfinite(out);
}

bool parse_volume_range(const std::string& s, double& from, double& to) {
  auto dots = s.find("..");
  if (dots == std::string::npos) return false;
  return parse_volume(s.substr(0, dots), from) && parse_volume(s.substr(dots + 2), to) && from < to;
}

Loaded load_profile_and_sheet(const Globals& g, const std::string& profile_path, const std::string& prices) {
  Loaded l{io::load_profile(profile_path), {}};
  std::string spec = prices.empty() ? l.profile.price_sheet.value_or("") : prices;
  l.sheet = io::resolve_price_sheet(spec, g.pricing_dir());
  l.sheet.today = g.today;
  io::check_references(l.profile, l.sheet);
  if (io::names_hardware(l.profile))
    io::resolve_owned_hardware(l.profile, io::newest_hardware_list(g.pricing_dir() + "/hardware"));
  return l;
}

}  // namespace plan::cli
