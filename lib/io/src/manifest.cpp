#include "plan/io/manifest.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>

#include "plan/core/base/error.hpp"
#include "plan/io/files.hpp"

namespace plan::io {

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

std::vector<SheetVerification> verify_sheets(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error(SourceLoc{dir, 0, 0}, "price-sheet directory not found");
  const auto manifest = read_manifest(dir + "/MANIFEST.sha256");
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".yaml") files.push_back(e.path().filename().string());
  }
  for (const auto& [name, hex] : manifest) {
    if (std::find(files.begin(), files.end(), name) == files.end()) files.push_back(name);
  }
  std::sort(files.begin(), files.end());
  std::vector<SheetVerification> out;
  for (const auto& name : files) {
    SheetVerification v{name, SheetCheck::ok, "", ""};
    const std::string path = dir + "/" + name;
    auto it = manifest.find(name);
    if (it == manifest.end()) {
      v.check = SheetCheck::not_in_manifest;
    } else if (v.manifest_sha256 = it->second; !fs::exists(path, ec)) {
      v.check = SheetCheck::missing;
    } else {
      v.file_sha256 = sha256_file(path);
      v.check = v.file_sha256 == v.manifest_sha256 ? SheetCheck::ok : SheetCheck::changed;
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace plan::io
