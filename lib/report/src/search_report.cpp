#include "plan/report/search_report.hpp"

#include <fmt/format.h>

#include "plan/report/json.hpp"
#include "plan/report/table.hpp"

namespace plan::report {
namespace {

std::string opt_fixed(const std::optional<double>& v, int decimals) { return v ? fixed(*v, decimals) : "-"; }

const char* const columns[] = {"rank",     "cloud",      "instance",    "term",     "GPUs",
                               "layout",   "precision",  "engine",      "replicas", "USD/month",
                               "USD/1M tokens", "TTFT p95 ms", "TPOT ms", "tokens/s/GPU", "tokens/s/user"};

std::vector<std::string> cells(const SearchPoint& p, std::size_t rank, bool text) {
  return {std::to_string(rank),
          p.cloud,
          p.instance,
          term_key(p.term),
          std::to_string(p.gpus),
          p.layout,
          p.precision,
          p.engine,
          std::to_string(p.replicas),
          text ? usd(p.monthly_usd) : fixed(p.monthly_usd, 2),
          fixed(p.usd_per_mtok, 4),
          opt_fixed(p.ttft_p95_ms, 1),
          opt_fixed(p.tpot_ms, 2),
          fixed(p.tokens_per_s_per_gpu, 1),
          opt_fixed(p.tokens_per_s_per_user, 1)};
}

std::string counts_line(const SearchResult& r) {
  const auto& n = r.counts;
  return fmt::format("{} points: {} do not fit, {} miss the targets on one replica, {} have no price for the term, {} "
                     "pruned by the lower bound; {} costed, {} feasible",
                     n.points, n.no_fit, n.misses_targets, n.no_price, n.pruned_bound, n.costed, n.feasible);
}

std::string render_text(const SearchReportHeader& h, const std::vector<SearchResult>& results, bool markdown) {
  std::string out;
  out += fmt::format("profile {}, price sheet {} ({}), {} tokens/month\n", h.profile_name, h.price_sheet_version,
                     h.price_sheet_path, human_volume(h.monthly_tokens));
  for (const auto& r : results) {
    out += fmt::format("\noption {}: searched {}\n{}\n", r.option_id, r.space, counts_line(r));
    if (r.ranked.empty()) {
      out += "no feasible point\n";
      for (const auto& why : r.reasons) out += "  why: " + why + "\n";
      continue;
    }
    Table t;
    for (std::size_t i = 0; i < std::size(columns); ++i)
      t.add_column(columns[i], i >= 1 && i <= 3 ? Align::left : (i >= 5 && i <= 7 ? Align::left : Align::right));
    t.set_key_columns(3);
    for (std::size_t i = 0; i < r.ranked.size(); ++i) t.add_row(cells(r.ranked[i], i + 1, !markdown));
    out += "\n" + (markdown ? t.render_markdown() : t.render_text());
    for (const auto& n : r.notes) out += "note: " + n + "\n";
  }
  return markdown ? out : fit_lines(out);
}

std::string render_csv(const std::vector<SearchResult>& results) {
  std::vector<std::string> head{"option"};
  for (const char* c : columns) head.push_back(c);
  head.push_back("price_source");
  std::string out = csv_row(head);
  for (const auto& r : results)
    for (std::size_t i = 0; i < r.ranked.size(); ++i) {
      std::vector<std::string> row{r.option_id};
      for (auto& c : cells(r.ranked[i], i + 1, false)) row.push_back(c == "-" ? "" : c);
      row.push_back(r.ranked[i].price_source);
      out += csv_row(row);
    }
  return out;
}

std::string render_json(const SearchReportHeader& h, const std::vector<SearchResult>& results) {
  JsonWriter w;
  w.begin_object();
  w.field("profile", h.profile_name);
  w.field("price_sheet", h.price_sheet_version);
  w.field("price_sheet_path", h.price_sheet_path);
  w.field("monthly_tokens", h.monthly_tokens);
  w.key("searches").begin_array();
  for (const auto& r : results) {
    w.begin_object();
    w.field("option", r.option_id);
    w.field("space", r.space);
    w.key("counts").begin_object();
    w.field("points", static_cast<double>(r.counts.points));
    w.field("no_fit", static_cast<double>(r.counts.no_fit));
    w.field("misses_targets", static_cast<double>(r.counts.misses_targets));
    w.field("no_price", static_cast<double>(r.counts.no_price));
    w.field("pruned_bound", static_cast<double>(r.counts.pruned_bound));
    w.field("costed", static_cast<double>(r.counts.costed));
    w.field("feasible", static_cast<double>(r.counts.feasible));
    w.end_object();
    w.key("points").begin_array();
    for (std::size_t i = 0; i < r.ranked.size(); ++i) {
      const SearchPoint& p = r.ranked[i];
      w.begin_object();
      w.field("rank", static_cast<int>(i + 1));
      w.field("cloud", p.cloud);
      w.field("instance", p.instance);
      w.field("region", p.region);
      w.field("gpu", p.gpu);
      w.field("term", term_key(p.term));
      w.field("gpus", p.gpus);
      w.field("gpus_per_replica", p.gpus_per_replica);
      w.field("layout", p.layout);
      w.field("precision", p.precision);
      w.field("engine", p.engine);
      w.field("replicas", p.replicas);
      w.money("monthly_usd", p.monthly_usd);
      w.field("usd_per_mtok", p.usd_per_mtok);
      w.field("ttft_p95_ms", p.ttft_p95_ms);
      w.field("tpot_ms", p.tpot_ms);
      w.field("tokens_per_s_per_gpu", p.tokens_per_s_per_gpu);
      w.field("tokens_per_s_per_user", p.tokens_per_s_per_user);
      w.field("price_source", p.price_source);
      w.end_object();
    }
    w.end_array();
    w.strings("reasons", r.reasons);
    w.strings("notes", r.notes);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.str();
}

}  // namespace

std::string render_search(const SearchReportHeader& h, const std::vector<SearchResult>& results, Format f) {
  switch (f) {
    case Format::csv: return render_csv(results);
    case Format::json: return render_json(h, results);
    case Format::markdown: return render_text(h, results, true);
    case Format::table: break;
  }
  return render_text(h, results, false);
}

}  // namespace plan::report
