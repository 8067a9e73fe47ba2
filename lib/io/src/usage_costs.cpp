// The OpenAI organization costs export (GET /v1/organization/costs with group_by=line_item):
// pages of daily buckets, each with results {object: "organization.costs.result",
// amount: {value, currency}, line_item, project_id}. Summed per model of the line items
// ("gpt-4.1-2025-04-14, input" -> gpt-4.1-2025-04-14) for reconciliation with usage data.
#include <algorithm>
#include <cctype>
#include <fmt/format.h>

#include "plan/core/base/error.hpp"
#include "plan/io/files.hpp"
#include "plan/io/usage_import.hpp"
#include "usage_formats.hpp"

namespace plan::io {
namespace {

std::string trimmed_lower(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string cost_line_item_model(std::string_view line_item) {
  return trimmed_lower(line_item.substr(0, std::min(line_item.find(','), line_item.size())));
}

CostExport read_openai_costs(const std::string& path, std::int64_t from_s, std::int64_t to_s) {
  CostExport out;
  out.path = path;
  const auto docs = detail::read_json_documents(path);
  const std::string expected = "expected OpenAI organization costs pages: {\"object\": \"page\", \"data\": [buckets with "
                               "start_time, end_time and results]}, fetched with group_by=line_item";
  std::int64_t first = INT64_MAX, end = INT64_MIN;
  // A file holds one page, a JSON array of pages, or one page per line.
  std::vector<std::pair<int, const nlohmann::json*>> pages;
  for (const auto& [line, doc] : docs) {
    if (doc.is_array())
      for (const auto& p : doc) pages.emplace_back(line, &p);
    else
      pages.emplace_back(line, &doc);
  }
  for (const auto& [line, page] : pages) {
    const nlohmann::json& doc = *page;
    const SourceLoc at{path, line, 1};
    auto data = doc.is_object() ? doc.find("data") : doc.end();
    if (!doc.is_object() || data == doc.end() || !data->is_array())
      throw Error(at, fmt::format("not a costs page ({})", expected));
    for (std::size_t i = 0; i < data->size(); ++i) {
      const auto& bucket = (*data)[i];
      const std::string where = fmt::format("bucket {}", i + 1);
      if (!bucket.is_object()) throw Error(at, fmt::format("{} is not an object ({})", where, expected));
      auto s = bucket.find("start_time"), e = bucket.find("end_time");
      const auto start = s != bucket.end() ? detail::json_time(*s) : std::nullopt;
      const auto stop = e != bucket.end() ? detail::json_time(*e) : std::nullopt;
      if (!start || !stop || *stop <= *start)
        throw Error(at, fmt::format("{} has no start_time and end_time in Unix seconds, end after start ({})", where,
                                    expected));
      auto results = bucket.find("results");
      if (results == bucket.end()) results = bucket.find("result");
      if (results == bucket.end() || !results->is_array())
        throw Error(at, fmt::format("{} has no results list ({})", where, expected));
      // A daily bucket counts when it overlaps the usage period; every one is checked.
      const bool counted = *stop > from_s && *start < to_s;
      if (counted) {
        ++out.buckets;
        first = std::min(first, *start);
        end = std::max(end, *stop);
      } else {
        ++out.outside;
      }
      for (std::size_t k = 0; k < results->size(); ++k) {
        const auto& r = (*results)[k];
        const std::string item_at = fmt::format("{}, result {}", where, k + 1);
        auto obj = r.is_object() ? r.find("object") : r.end();
        if (!r.is_object() || obj == r.end() || *obj != "organization.costs.result")
          throw Error(at, fmt::format("{} is not an organization.costs.result ({})", item_at, expected));
        auto amount = r.find("amount");
        if (amount == r.end() || !amount->is_object())
          throw Error(at, fmt::format("{} has no amount object (expected {{\"value\": USD, \"currency\": \"usd\"}})", item_at));
        const auto value = detail::json_count(*amount, "value");
        if (!value) throw Error(at, fmt::format("{}: amount.value is not a non-negative number", item_at));
        auto currency = amount->find("currency");
        if (currency != amount->end() && !(currency->is_string() && trimmed_lower(currency->get<std::string>()) == "usd"))
          throw Error(at, fmt::format("{}: amount.currency is {} (expected usd)", item_at, currency->dump()));
        auto item = r.find("line_item");
        if (item == r.end() || !item->is_string())
          throw Error(at, fmt::format("{} has no line_item (expected an export fetched with group_by=line_item, so that "
                                      "costs are per model)",
                                      item_at));
        if (!counted) continue;
        out.usd_by_model[cost_line_item_model(item->get<std::string>())] += *value;
        out.usd += *value;
      }
    }
  }
  if (out.buckets > 0) {
    out.first_s = first;
    out.end_s = end;
  }
  out.sha256 = sha256_file(path);
  return out;
}

}  // namespace plan::io
