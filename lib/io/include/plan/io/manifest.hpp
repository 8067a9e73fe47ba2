#pragma once
// The price-sheet manifest (pricing/MANIFEST.sha256) and `plan prices verify`: every sheet of
// a directory against the checksum the manifest records for it.
#include <map>
#include <string>
#include <vector>

namespace plan::io {

// pricing/MANIFEST.sha256, in sha256sum's format: "HEX  FILENAME" per line ('*' before the
// name, sha256sum's binary marker, is accepted). Blank lines and lines starting '#' are
// skipped. File name -> lower-case hex checksum. Throws plan::Error at the offending line.
std::map<std::string, std::string> read_manifest(const std::string& path);

// What a sheet file is against the manifest.
enum class SheetCheck {
  ok,               // listed, present, same checksum
  changed,          // listed and present, another checksum
  missing,          // listed, no such file
  not_in_manifest,  // a .yaml file the manifest does not list
};

struct SheetVerification {
  std::string file;             // file name within the directory
  SheetCheck check = SheetCheck::ok;
  std::string manifest_sha256;  // empty when not in the manifest
  std::string file_sha256;      // empty when the file is missing or not checked
};

// Every .yaml file of `dir` and every file its MANIFEST.sha256 lists, by file name. Throws
// plan::Error when `dir` is not a directory or the manifest cannot be read.
std::vector<SheetVerification> verify_sheets(const std::string& dir);

}  // namespace plan::io
