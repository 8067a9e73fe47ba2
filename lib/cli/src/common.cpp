#include "common.hpp"

#include "plan/io/files.hpp"
#include "plan/io/loaders.hpp"

namespace plan::cli {

void emit(const std::string& content, const std::string& out) {
  io::write_file_atomic(out.empty() ? "-" : out, content);
}

CLI::Option* add_format_option(CLI::App& sub, std::string& target, const std::vector<std::string>& choices) {
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "" : "|") + c;
  return sub.add_option("--format", target, "Output format: " + list)
      ->check(CLI::IsMember(choices))
      ->capture_default_str();
}

report::Format to_format(const std::string& s) {
  report::Format f = report::Format::table;
  report::parse_format(s, f);
  return f;
}

Loaded load_profile_and_sheet(const Globals& g, const std::string& profile_path, const std::string& prices) {
  Loaded l{io::load_profile(profile_path), {}};
  std::string spec = prices.empty() ? l.profile.price_sheet.value_or("") : prices;
  l.sheet = io::resolve_price_sheet(spec, g.pricing_dir());
  io::check_references(l.profile, l.sheet);
  return l;
}

}  // namespace plan::cli
