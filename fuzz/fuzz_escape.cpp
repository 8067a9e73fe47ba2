// libFuzzer target: the escaping rule of each output format (plan/report/escape.hpp) on
// arbitrary bytes. Each rule's invariant must hold for every input, else abort():
//   html_escape     no < > " ' and no & that does not start a reference; valid UTF-8
//   terminal_text   no control character but newline and tab, no C1 or bidi control; UTF-8
//   terminal_cell   the same without newline and tab
//   markdown_cell   no unescaped | or `
//   csv_guard       no result starting with = + - @ tab or CR unless a plain number
//   json_escape     valid UTF-8, no raw control character
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "plan/report/escape.hpp"
#include "plan/report/json.hpp"

namespace {

using plan::report::utf8_sequence;

void check(bool ok) {
  if (!ok) std::abort();
}

// Valid UTF-8 whose code points pass `allowed`.
template <class F>
void utf8_where(std::string_view s, F allowed) {
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    const std::size_t n = utf8_sequence(s, i, cp);
    check(n > 0 && allowed(cp));
    i += n;
  }
}

bool control(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  using namespace plan::report;

  const std::string h = html_escape(in);
  utf8_where(h, [](char32_t cp) { return cp != '<' && cp != '>' && cp != '"' && cp != '\''; });
  for (std::size_t i = h.find('&'); i != std::string::npos; i = h.find('&', i + 1)) {
    const std::string_view rest = std::string_view(h).substr(i);
    check(rest.rfind("&amp;", 0) == 0 || rest.rfind("&lt;", 0) == 0 || rest.rfind("&gt;", 0) == 0 ||
          rest.rfind("&quot;", 0) == 0 || rest.rfind("&#39;", 0) == 0);
  }

  utf8_where(terminal_text(in), [](char32_t cp) { return cp == '\n' || cp == '\t' || !control(cp); });
  utf8_where(terminal_cell(in), [](char32_t cp) { return !control(cp); });

  const std::string m = markdown_cell(in);
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (m[i] != '|' && m[i] != '`') continue;
    std::size_t slashes = 0;
    for (std::size_t k = i; k > 0 && m[k - 1] == '\\'; --k) ++slashes;
    check(slashes > 0);
  }

  const std::string c = csv_guard(in);
  if (!c.empty() && std::string_view("=+-@\t\r").find(c.front()) != std::string_view::npos) check(is_csv_number(c));

  utf8_where(json_escape(in), [](char32_t cp) { return !control(cp); });
  utf8_where(valid_utf8(in), [](char32_t) { return true; });
  return 0;
}
