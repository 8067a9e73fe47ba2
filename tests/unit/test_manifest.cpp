// The price-sheet manifest and `plan prices verify` (lib/io/src/manifest.cpp). Checksums are
// the published SHA-256 test vectors (FIPS 180-2, appendix B.1): "abc" ->
// ba7816bf...f20015ad; "" -> e3b0c442...7852b855.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "plan/core/base/error.hpp"
#include "plan/io/manifest.hpp"

using namespace plan;
namespace fs = std::filesystem;

namespace {
const std::string abc_sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const std::string empty_sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fs::path fresh_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("plan-test-manifest-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }
}  // namespace

TEST_CASE("verify_sheets: ok, changed, missing and unlisted files, sorted by name", "[manifest]") {
  const fs::path d = fresh_dir("verify");
  write(d / "a.yaml", "abc");
  write(d / "b.yaml", "abc");  // listed with the empty file's checksum: changed
  write(d / "d.yaml", "");     // not listed
  write(d / "notes.txt", "x");  // not a sheet: ignored
  // The manifest lists an upper-case checksum (read as lower case), a binary marker and a
  // file that is not there.
  write(d / "MANIFEST.sha256", "# sheets\n\n" + std::string("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD") +
                                   "  a.yaml\n" + empty_sha256 + " *b.yaml\r\n" + abc_sha256 + "  c.yaml\n");
  const auto vs = io::verify_sheets(d.string());
  REQUIRE(vs.size() == 4);
  CHECK(vs[0].file == "a.yaml");
  CHECK(vs[0].check == io::SheetCheck::ok);
  CHECK(vs[1].file == "b.yaml");
  CHECK(vs[1].check == io::SheetCheck::changed);
  CHECK(vs[1].manifest_sha256 == empty_sha256);
  CHECK(vs[1].file_sha256 == abc_sha256);
  CHECK(vs[2].file == "c.yaml");
  CHECK(vs[2].check == io::SheetCheck::missing);
  CHECK(vs[3].file == "d.yaml");
  CHECK(vs[3].check == io::SheetCheck::not_in_manifest);
  fs::remove_all(d);
}

TEST_CASE("read_manifest: a bad line is an error at its line", "[manifest]") {
  const fs::path d = fresh_dir("bad");
  const fs::path m = d / "MANIFEST.sha256";
  auto line_of_error = [&](const std::string& text) {
    write(m, text);
    try {
      io::read_manifest(m.string());
    } catch (const Error& e) {
      return e.loc().line;
    }
    return -1;
  };
  // Line 2: one space between checksum and name.
  CHECK(line_of_error("# x\n" + abc_sha256 + " a.yaml\n") == 2);
  // Line 1: a 'g' is not hexadecimal.
  CHECK(line_of_error("g" + abc_sha256.substr(1) + "  a.yaml\n") == 1);
  // Line 3: a path, not a file name.
  CHECK(line_of_error(abc_sha256 + "  a.yaml\n\n" + abc_sha256 + "  sub/b.yaml\n") == 3);
  // Line 2: listed twice.
  CHECK(line_of_error(abc_sha256 + "  a.yaml\n" + empty_sha256 + "  a.yaml\n") == 2);
  CHECK_THROWS_AS(io::read_manifest((d / "none").string()), Error);
  CHECK_THROWS_AS(io::verify_sheets((d / "none").string()), Error);
  fs::remove_all(d);
}
