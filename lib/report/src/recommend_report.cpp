#include "plan/report/recommend_report.hpp"

#include "option_json.hpp"

#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "plan/core/base/units.hpp"
#include "plan/report/escape.hpp"
#include "plan/report/json.hpp"
#include "plan/report/table.hpp"

namespace plan::report {
namespace {

std::string pct(double x) { return fixed(x * 100, 1) + "%"; }

Table plans_table(const Recommendation& r) {
  Table t;
  t.add_column("plan", Align::left);
  t.add_column("monthly USD");
  t.add_column("USD/1M tok");
  t.add_column("feasible", Align::left);
  t.add_column("what", Align::left);
  for (const auto& p : r.plans) {
    t.add_row({p.id, p.feasible ? usd(p.monthly_cost_usd) : "-", p.feasible ? fixed(p.cost_per_mtok_usd, 4) : "-",
               p.feasible ? "yes" : "no", p.description});
  }
  return t;
}

const HybridDetail* best_hybrid(const Recommendation& r) {
  const HybridDetail* h = nullptr;
  for (const auto& p : r.plans) {
    if (p.feasible && p.result && hybrid_detail(*p.result)) return hybrid_detail(*p.result);
    if (!h && p.result && hybrid_detail(*p.result)) h = hybrid_detail(*p.result);
  }
  return h;
}

// The lines of the summary: each kept with its label, so that the text format and the
// HTML report's card show the same statements.
std::vector<RecommendLine> summary_lines(const Recommendation& r) {
  using K = RecommendLine::Kind;
  std::vector<RecommendLine> out;
  if (!r.best) return out;
  const Plan& b = r.plans[*r.best];
  out.push_back({K::what, "what: ", b.description});
  if (r.runner_up) {
    const Plan& ru = r.plans[*r.runner_up];
    double gap = ru.monthly_cost_usd - b.monthly_cost_usd;
    out.push_back({K::reason, "why: ",
                   fmt::format("cheapest feasible plan; runner-up {} costs {} USD/month more ({})", ru.id, usd(gap),
                               b.monthly_cost_usd > 0 ? pct(gap / b.monthly_cost_usd) : "-")});
  } else {
    out.push_back({K::reason, "why: ", "the only feasible plan"});
  }
  if (b.result && hybrid_detail(*b.result)) {
    const auto& h = *hybrid_detail(*b.result);
    out.push_back({K::reason, "private fleet: ",
                   fmt::format("{} replicas of {} serve {} of tokens at {} utilisation; overflow to {} costs {} USD/month",
                               h.replicas, h.private_option, pct(h.private_token_share), pct(h.private_utilization),
                               h.overflow_option, usd(h.overflow_cost_usd))});
    if (h.batch_private_share > 0)
      out.push_back({K::reason, "batch: ",
                     fmt::format("{} of batchable requests run on idle private capacity", pct(h.batch_private_share))});
    if (r.pure_private_usd)
      out.push_back({K::reason, "",
                     fmt::format("saves {} USD/month against all traffic on {} ({} USD/month)",
                                 usd(*r.pure_private_usd - b.monthly_cost_usd), h.private_option, usd(*r.pure_private_usd))});
    if (r.pure_overflow_usd)
      out.push_back({K::reason, "",
                     fmt::format("saves {} USD/month against all traffic on {} ({} USD/month)",
                                 usd(*r.pure_overflow_usd - b.monthly_cost_usd), h.overflow_option,
                                 usd(*r.pure_overflow_usd))});
    else
      out.push_back({K::note, "", fmt::format("all traffic on {} is not possible", h.overflow_option)});
    for (const auto& why : h.restricted_workloads) out.push_back({K::note, "kept private: ", why});
    if (!h.overflow_model.empty() && h.overflow_model != h.private_model && h.private_token_share < 1.0)
      out.push_back({K::note, "note: ",
                     fmt::format("overflow is served by a different model ({}) than the private fleet ({})",
                                 h.overflow_model, h.private_model)});
  }
  if (r.runner_up && b.result && r.plans[*r.runner_up].result && !b.result->model.empty() &&
      !r.plans[*r.runner_up].result->model.empty() && b.result->model != r.plans[*r.runner_up].result->model)
    out.push_back({K::note, "note: ",
                   fmt::format("{} serves {}, the runner-up {} serves {}: different models", b.id, b.result->model,
                               r.plans[*r.runner_up].id, r.plans[*r.runner_up].result->model)});
  for (const auto& n : r.compare.notes) out.push_back({K::note, "note: ", n});
  for (const auto& a : b.assignments) {
    if (a.share <= 0) continue;
    out.push_back({K::workload, "", fmt::format("workload {}: {} of requests on {}", a.workload, pct(a.share), a.option)});
  }
  // Savings that need another model: said apart, never recommended.
  for (const auto& w : r.what_ifs) {
    if (w.held_option.empty())
      out.push_back({K::note, fmt::format("if you accept {}: ", w.model),
                     fmt::format("workload {} on {} at {} USD/month (no option within its models serves it)", w.workload,
                                 w.option, usd(w.monthly_cost_usd))});
    else
      out.push_back({K::note, fmt::format("if you accept {}: ", w.model),
                     fmt::format("workload {} on {} at {} USD/month saves {} USD/month against {} ({} USD/month), "
                                 "alone; add {} to its models to let recommend move it",
                                 w.workload, w.option, usd(w.monthly_cost_usd), usd(w.held_cost_usd - w.monthly_cost_usd),
                                 w.held_option, usd(w.held_cost_usd), w.model)});
  }
  return out;
}

// Billed against list price: the difference as a share of list, nullopt without a list price.
std::optional<double> billed_difference(const Workload::Billed& b) {
  if (!b.list_usd || *b.list_usd <= 0) return std::nullopt;
  return b.usd / *b.list_usd - 1;
}

constexpr double reconcile_flag = 0.02;  // a billed cost further than this from list is flagged

double billed_monthly(const Workload::Billed& b) { return b.usd / b.days * days_per_month; }

std::string share_list(const std::vector<Assignment>& to) {
  std::string out;
  for (const auto& a : to)
    out += (out.empty() ? "" : " + ") + (a.share < 1 ? pct(a.share) + " " : std::string()) + a.option;
  return out;
}

// The one line of what to do, and the saving against today.
std::string action(const Recommendation& r) {
  const Decision& d = *r.decision;
  if (!r.best) return "nothing: no plan can serve the profile as it is (see excluded)";
  const Plan& b = r.plans[*r.best];
  std::string moves;
  for (const auto& w : d.workloads) {
    std::vector<Assignment> to;
    for (const auto& m : d.moves)
      if (m.workload == w.workload) to.push_back(m);
    if (to.empty()) continue;
    moves += (moves.empty() ? "" : ", ") +
             (w.today_option.empty() ? fmt::format("put {} on {}", w.workload, share_list(to))
                                     : fmt::format("move {} from {} to {}", w.workload, w.today_option, share_list(to)));
  }
  if (!d.today_usd) {
    std::vector<std::string> unknown;
    for (const auto& w : d.workloads)
      if (!w.today_usd) unknown.push_back(w.workload);
    return fmt::format("{}: {} at {} USD/month; the saving is not known: no cost today for {} (no current_option, "
                       "or infeasible there)",
                       moves.empty() ? "adopt " + b.id : moves, b.id, usd(b.monthly_cost_usd), fmt::join(unknown, ", "));
  }
  const double saving = *d.today_usd - b.monthly_cost_usd;
  if (moves.empty())
    return fmt::format("keep every workload where it is: today's options are the cheapest within their models ({} "
                       "USD/month)",
                       usd(*d.today_usd));
  if (saving <= 0)
    return fmt::format("{}: costs {} USD/month more than today ({} to {} USD/month at list price): today's options are "
                       "outside the workloads' models",
                       moves, usd(-saving), usd(*d.today_usd), usd(b.monthly_cost_usd));
  return fmt::format("{}: saves {} USD/month ({} to {} USD/month at list price, {})", moves, usd(saving),
                     usd(*d.today_usd), usd(b.monthly_cost_usd), pct(saving / *d.today_usd));
}

std::vector<RecommendLine> decision_lines(const Recommendation& r) {
  using K = RecommendLine::Kind;
  std::vector<RecommendLine> out;
  if (!r.decision) return out;
  for (const auto& w : r.decision->workloads) {
    std::string today;
    if (w.today_option.empty()) today = "today: not given (no current_option)";
    else if (!w.today_usd)
      today = fmt::format("today on {}: infeasible ({})", w.today_option, fmt::join(w.today_reasons, "; "));
    else {
      today = fmt::format("today on {} at {} USD/month at list price", w.today_option, usd(*w.today_usd));
      if (w.billed)
        if (auto diff = billed_difference(*w.billed))
          today += fmt::format(", {} USD/month at the rate billed in the data ({:+.1f}%)", usd(*w.today_usd * (1 + *diff)),
                               100 * *diff);
    }
    const char* within = w.any_model ? "of any model" : "within its models";
    std::string same = w.same_model_option.empty()
                           ? fmt::format("no option {} is feasible", within)
                           : fmt::format("cheapest {}: {} at {} USD/month", within, w.same_model_option,
                                         usd(w.same_model_usd));
    std::string other = w.other_option.empty()
                            ? "no other model of the profile costs less"
                            : fmt::format("with another model: {} at {} USD/month, if you accept {}", w.other_option,
                                          usd(w.other_usd), w.other_model);
    out.push_back({K::decision, fmt::format("{}: ", w.workload), fmt::format("{}; {}; {}", today, same, other)});
    if (w.billed) {
      const auto& b = *w.billed;
      std::string line = fmt::format("billed {} USD over {} days in the data ({} USD/month)", usd(b.usd),
                                     fixed(b.days, b.days == std::floor(b.days) ? 0 : 1), usd(billed_monthly(b)));
      if (auto diff = billed_difference(b)) {
        line += fmt::format(" against {} USD at list price for the same tokens: {:+.1f}%", usd(*b.list_usd), 100 * *diff);
        if (std::abs(*diff) > reconcile_flag) line += ", over 2%: a negotiated discount, a wrong price or a billing error";
      }
      out.push_back({K::decision, fmt::format("{}: ", w.workload), line});
    }
  }
  out.push_back({K::action, "do: ", action(r)});
  return out;
}

std::string decision_text(const Recommendation& r) {
  const auto lines = decision_lines(r);
  if (lines.empty()) return "";
  std::string out = "\ndecision (each workload alone, at list price; today = its current_option):\n";
  for (const auto& l : lines) out += "  " + l.label + l.text + "\n";
  return out;
}

std::string summary(const Recommendation& r) {
  if (!r.best) return "no feasible plan: every option is excluded (see below)\n" + decision_text(r);
  const Plan& b = r.plans[*r.best];
  std::string out = fmt::format("recommended: {} at {} USD/month ({} USD per 1M tokens)\n", b.id, usd(b.monthly_cost_usd),
                                fixed(b.cost_per_mtok_usd, 4));
  for (const auto& l : summary_lines(r)) out += "  " + l.label + l.text + "\n";
  return out + decision_text(r);
}

std::string header(const Recommendation& r) {
  const auto& c = r.compare;
  return fmt::format("plan recommend: {} ({})\nprice sheet {} ({}, sha256 {}), {}; month = {:.0f} hours\n\n",
                     c.profile_name, c.profile_path, c.price_sheet_version, c.price_sheet_path,
                     c.price_sheet_sha256.substr(0, 12), c.currency, c.hours_per_month);
}

std::string excluded(const Recommendation& r, const char* bullet) {
  std::string out;
  for (const auto& p : r.plans) {
    for (const auto& why : p.reasons) {
      if (!p.feasible) out += fmt::format("{}{}: {}\n", bullet, p.id, why);
    }
  }
  return out;
}

std::string curve_text(const Recommendation& r) {
  const HybridDetail* h = best_hybrid(r);
  if (!h || h->curve.size() < 2) return "";
  Table t;
  t.add_column("private replicas");
  t.add_column("monthly USD");
  t.add_column("private USD");
  t.add_column("overflow USD");
  t.add_column("private share");
  // At most 25 rows: every point when few, else evenly spaced ones plus the chosen K.
  const std::size_t n = h->curve.size();
  const std::size_t step = n <= 25 ? 1 : (n + 23) / 24;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& pt = h->curve[i];
    if (i % step != 0 && i + 1 != n && pt.replicas != h->replicas) continue;
    t.add_row({std::to_string(pt.replicas) + (pt.replicas == h->replicas ? " *" : ""),
               pt.feasible ? usd(pt.monthly_cost_usd) : "-", usd(pt.private_cost_usd), usd(pt.overflow_cost_usd),
               pct(pt.private_token_share)});
  }
  return fmt::format("\ncost against private fleet size ({} + {}):\n", h->private_option, h->overflow_option) +
         t.render_text();
}

void decision_json(JsonWriter& j, const Recommendation& r) {
  const Decision& d = *r.decision;
  j.key("decision").begin_object();
  j.money("today_monthly_cost_usd", d.today_usd);
  j.money("recommended_monthly_cost_usd",
          r.best ? std::optional<double>(r.plans[*r.best].monthly_cost_usd) : std::nullopt);
  j.money("saving_monthly_usd", d.today_usd && r.best
                                    ? std::optional<double>(*d.today_usd - r.plans[*r.best].monthly_cost_usd)
                                    : std::nullopt);
  j.field("action", action(r));
  j.key("moves").begin_array();
  for (const auto& a : d.moves)
    j.begin_object().field("workload", a.workload).field("option", a.option).field("share", a.share).end_object();
  j.end_array();
  j.key("workloads").begin_array();
  for (const auto& w : d.workloads) {
    j.begin_object().field("workload", w.workload);
    j.key("today_option");
    if (w.today_option.empty()) j.null();
    else j.value(w.today_option);
    j.money("today_monthly_cost_usd", w.today_usd);
    j.key("billed");
    if (!w.billed) {
      j.null();
    } else {
      const auto& b = *w.billed;
      const auto diff = billed_difference(b);
      j.begin_object().money("usd", b.usd).field("days", b.days).money("monthly_usd", billed_monthly(b));
      j.money("list_usd", b.list_usd);
      j.key("difference");
      if (diff) j.value_fixed(*diff, 4);
      else j.null();
      j.field("flagged", diff && std::abs(*diff) > reconcile_flag);
      j.end_object();
    }
    j.key("same_model_option");
    if (w.same_model_option.empty()) j.null().key("same_model_monthly_cost_usd").null();
    else j.value(w.same_model_option).money("same_model_monthly_cost_usd", w.same_model_usd);
    j.key("other_model");
    if (w.other_option.empty()) j.null().key("other_option").null().key("other_monthly_cost_usd").null();
    else j.value(w.other_model).field("other_option", w.other_option).money("other_monthly_cost_usd", w.other_usd);
    j.end_object();
  }
  j.end_array();
  j.end_object();
}

std::string render_json(const Recommendation& r) {
  JsonWriter j;
  j.begin_object();
  j.field("profile", r.compare.profile_name);
  j.key("price_sheet").begin_object();
  j.field("version", r.compare.price_sheet_version).field("sha256", r.compare.price_sheet_sha256);
  j.end_object();
  j.field("hours_per_month", r.compare.hours_per_month);
  j.field("currency", r.compare.currency);
  j.key("recommended");
  if (r.best) j.value(r.plans[*r.best].id);
  else j.null();
  j.key("runner_up");
  if (r.runner_up) j.value(r.plans[*r.runner_up].id);
  else j.null();
  if (r.pure_private_usd) j.money("pure_private_monthly_cost_usd", *r.pure_private_usd);
  if (r.pure_overflow_usd) j.money("pure_overflow_monthly_cost_usd", *r.pure_overflow_usd);
  j.key("plans").begin_array();
  for (const auto& p : r.plans) {
    j.begin_object();
    j.field("id", p.id).field("description", p.description).field("feasible", p.feasible);
    price_fields(j, p.feasible, p.monthly_cost_usd, p.cost_per_mtok_usd);
    j.strings("reasons", p.reasons);
    j.key("assignments").begin_array();
    for (const auto& a : p.assignments) j.begin_object().field("workload", a.workload).field("option", a.option).field("share", a.share).end_object();
    j.end_array();
    if (p.result && hybrid_detail(*p.result)) {
      const auto& h = *hybrid_detail(*p.result);
      j.key("hybrid").begin_object();
      j.field("private_option", h.private_option).field("overflow_option", h.overflow_option);
      j.field("replicas", h.replicas).field("min_replicas", h.min_replicas).field("full_replicas", h.full_replicas);
      j.field("private_token_share", h.private_token_share).field("private_utilization", h.private_utilization);
      j.money("overflow_cost_usd", h.overflow_cost_usd);
      j.field("batch_private_share", h.batch_private_share);
      j.strings("restricted", h.restricted_workloads);
      j.key("curve").begin_array();
      for (const auto& pt : h.curve) {
        j.begin_object().field("replicas", pt.replicas).field("feasible", pt.feasible);
        j.money("monthly_cost_usd", pt.monthly_cost_usd).money("overflow_cost_usd", pt.overflow_cost_usd);
        j.field("private_token_share", pt.private_token_share).end_object();
      }
      j.end_array();
      j.end_object();
    }
    j.end_object();
  }
  j.end_array();
  j.key("what_if").begin_array();
  for (const auto& w : r.what_ifs) {
    j.begin_object().field("workload", w.workload).field("model", w.model).field("option", w.option);
    j.money("monthly_cost_usd", w.monthly_cost_usd);
    if (w.held_option.empty()) {
      j.key("held_option").null();
      j.key("held_cost_usd").null();
    } else {
      j.field("held_option", w.held_option).money("held_cost_usd", w.held_cost_usd);
    }
    j.end_object();
  }
  j.end_array();
  if (r.decision) decision_json(j, r);
  j.end_object();
  return j.str();
}

}  // namespace

std::string render_recommend_summary(const Recommendation& r) { return summary(r); }

std::vector<RecommendLine> recommend_summary_lines(const Recommendation& r) { return summary_lines(r); }

std::vector<RecommendLine> recommend_decision_lines(const Recommendation& r) { return decision_lines(r); }

std::string render_recommend(const Recommendation& r, Format f) {
  switch (f) {
    case Format::json: return render_json(r);
    case Format::csv: {
      std::string out = csv_row({"plan", "feasible", "monthly_cost_usd", "cost_per_mtok_usd", "description"});
      for (const auto& p : r.plans)
        out += csv_row({p.id, p.feasible ? "true" : "false", p.feasible ? fixed(p.monthly_cost_usd, 2) : "",
                        p.feasible ? fixed(p.cost_per_mtok_usd, 4) : "",
                        p.description});
      return out;
    }
    case Format::markdown:
      return terminal_text("# " + header(r) + "```\n" + summary(r) + "```\n\n" + plans_table(r).render_markdown() +
             (excluded(r, "- ").empty() ? "" : "\n## Excluded\n\n" + excluded(r, "- ")));
    case Format::table: break;
  }
  std::string out = header(r) + summary(r) + "\nall plans, cheapest feasible first:\n" + plans_table(r).render_text();
  std::string ex = excluded(r, "  ");
  if (!ex.empty()) out += "\nexcluded:\n" + ex;
  out += curve_text(r);
  return fit_lines(terminal_text(out));
}

}  // namespace plan::report
