#include "plan/core/options/compare.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "options/evaluators.hpp"
#include "plan/core/options/disagg_search.hpp"
#include "plan/core/options/search.hpp"
#include "plan/core/base/units.hpp"

namespace plan {

double CostBreakdown::total() const {
  double t = 0;
  for (const auto& [name, v] : lines()) t += v;
  return t;
}

std::vector<std::pair<const char*, double>> CostBreakdown::lines() const {
  return {{"api_tokens", api_tokens}, {"provisioned_units", provisioned_units},
          {"gpu_compute", gpu_compute}, {"amortization", amortization}, {"energy", energy},
          {"colocation", colocation}, {"maintenance", maintenance}, {"ops_labour", ops_labour},
          {"monitoring", monitoring}, {"storage", storage}, {"egress", egress}};
}

std::vector<double*> CostBreakdown::fields() {
  return {&api_tokens, &provisioned_units, &gpu_compute, &amortization, &energy, &colocation, &maintenance,
          &ops_labour, &monitoring, &storage, &egress};
}

// Half away from zero on the decimal value, not on the double nearest it: 32,997.825 is
// stored as 32,997.82499999999709 and would round down. The amount is first taken to whole
// micro-dollars (integer), where such a tie is exact, then the micro-dollars to cents.
double round_cents(double usd) {
  constexpr double max_exact_usd = 9e12;  // micro-dollars within a long long
  if (!std::isfinite(usd) || std::fabs(usd) > max_exact_usd) return std::round(usd * 100.0) / 100.0;
  const long long micro = std::llround(std::fabs(usd) * 1e6);
  const long long cents = (micro + 5000) / 10000;
  return std::copysign(static_cast<double>(cents) / 100.0, usd);
}

// Totals are the sum of cent-rounded lines, so a printed total always equals the sum of
// its printed lines.
void finish_totals(OptionResult& r) {
  double cents = 0;
  for (const auto& [name, v] : r.breakdown.lines()) cents += std::round(v * 100.0);
  r.monthly_cost_usd = cents / 100.0;
  r.cost_per_mtok_usd = r.monthly_tokens > 0 ? r.monthly_cost_usd / r.monthly_tokens * tokens_per_mtok : 0.0;
}

std::unique_ptr<ReplicaModel> make_replica_model(const Option& o, const GpuInstance& inst, const WorkloadMix& mix,
                                                 const ReplicaModelProvider* perf) {
  if (o.fleet() && o.fleet()->tokens_per_second_per_replica) return std::make_unique<OverrideReplicaModel>(o, inst, mix);
  if (perf) return perf->make(o, inst, mix);
  return nullptr;
}

namespace {

// Without a list of accepted models, say when the options serve different models: a price
// comparison is then not a comparison of like with like.
std::vector<std::string> model_notes(const Profile& p, const std::vector<OptionResult>& options) {
  bool listed = true;
  for (const auto& w : p.workloads) listed = listed && !w.models.empty();
  if (listed) return {};
  std::vector<std::string> models;
  for (const auto& r : options)
    if (!r.model.empty() && std::find(models.begin(), models.end(), r.model) == models.end()) models.push_back(r.model);
  if (models.size() < 2) return {};
  return {fmt::format("the options serve {} different models ({}): costs compare price, not quality; list the models "
                      "a workload accepts in its 'models' to hold options to them",
                      models.size(), fmt::join(models, ", "))};
}

}  // namespace

std::unique_ptr<ReplicaModel> build_replica_model(const Profile& p, const PriceSheet& sheet, const Option& o,
                                                  const ReplicaModelProvider* perf) {
  return std::visit([&](const auto& k) { return detail::replica_model(k, o, p, sheet, perf); }, o.spec);
}

OptionResult empty_result(const Option& o) {
  OptionResult r;
  r.id = o.id;
  r.detail = std::visit([](const auto& k) { return detail::empty_detail(k); }, o.spec);
  r.kind = static_cast<OptionKind>(r.detail.index());  // ResultDetail is in OptionKind order
  return r;
}

namespace {
// The slot of a result's detail, where its kind has one: e.g. slot(&ManagedResult::fleet).
template <class T, class D>
const T* slot(const OptionResult& r, std::optional<T> D::*member) {
  const D* d = std::get_if<D>(&r.detail);
  return d && (d->*member) ? &*(d->*member) : nullptr;
}
}  // namespace

const TokenCost* token_cost(const OptionResult& r) {
  return std::visit([](const auto& d) -> const TokenCost* {
    if constexpr (requires { d.tokens; }) return d.tokens ? &*d.tokens : nullptr;
    else return nullptr;
  }, r.detail);
}

const RateCheck* rate_check(const OptionResult& r) {
  return std::visit([](const auto& d) -> const RateCheck* {
    if constexpr (requires { d.rate_check; }) return d.rate_check ? &*d.rate_check : nullptr;
    else return nullptr;
  }, r.detail);
}

const ProvisionedCost* provisioned_cost(const OptionResult& r) { return slot(r, &ManagedResult::provisioned); }

const SelfHostedDetail* fleet_detail(const OptionResult& r) {
  return std::visit([](const auto& d) -> const SelfHostedDetail* {
    if constexpr (requires { d.fleet; }) return d.fleet ? &*d.fleet : nullptr;
    else return nullptr;
  }, r.detail);
}

const HybridDetail* hybrid_detail(const OptionResult& r) { return slot(r, &HybridResult::hybrid); }

std::optional<HeldCapacity> held_capacity(const OptionResult& r) {
  return std::visit([](const auto& d) { return detail::held_capacity(d); }, r.detail);
}

std::optional<FleetCapacity> fleet_capacity(const OptionResult& r, double tokens_per_request) {
  return std::visit([&](const auto& d) { return detail::fleet_capacity(d, tokens_per_request); }, r.detail);
}

namespace detail {
void set_tokens(OptionResult& r, const TokenCost& t, const std::optional<RateCheck>& rc) {
  std::visit([&](auto& d) {
    if constexpr (requires { d.tokens; }) {
      d.tokens = t;
      d.rate_check = rc;
    }
  }, r.detail);
}

void set_fleet(OptionResult& r, const SelfHostedDetail& f) {
  std::visit([&](auto& d) {
    if constexpr (requires { d.fleet; }) d.fleet = f;
  }, r.detail);
}
}  // namespace detail

OptionResult evaluate_option(const Profile& p, const PriceSheet& sheet, const Option& o,
                             const ReplicaModelProvider* perf, const EvalSettings& settings) {
  return evaluate_option(p, sheet, o, perf, nullptr, settings);
}

OptionResult evaluate_option(const Profile& p, const PriceSheet& sheet, const Option& o,
                             const ReplicaModelProvider* perf, const ReplicaModel* prebuilt,
                             const EvalSettings& settings) {
  if (has_open_choices(o)) return detail::evaluate_searched(p, sheet, o, perf, settings);
  OptionResult r = empty_result(o);
  const double scale = settings.volume_scale;
  r.monthly_tokens = p.tokens_per_day() * scale * days_per_month;
  r.monthly_requests = p.requests_per_day() * scale * days_per_month;
  const detail::EvalContext ctx{p, sheet, perf, prebuilt, scale, settings.what_if_findings};
  std::visit([&](const auto& spec) { detail::evaluate(o, spec, ctx, r); }, o.spec);
  finish_totals(r);
  return r;
}

OptionEvaluator::OptionEvaluator(const Profile& p, const PriceSheet& sheet, const Option& o,
                                 const ReplicaModelProvider* perf)
    : profile_(&p), sheet_(&sheet), option_(&o), perf_(perf) {
  // Open choices: the point searched at today's volume is the option at every volume.
  if (has_open_choices(o)) {
    SearchSettings s;
    s.top = 1;
    auto found = search_option(p, sheet, o, perf, s);
    if (!found.ranked.empty()) {
      if (found.ranked.front().disagg) disagg_ = std::make_shared<const SearchPoint>(found.ranked.front());
      resolved_ = std::make_unique<Option>(std::move(found.ranked.front().option));
      option_ = resolved_.get();
    }
  }
  if (!disagg_) model_ = build_replica_model(p, sheet, *option_, perf);
}

OptionResult OptionEvaluator::operator()(double volume_scale) const {
  EvalSettings s;
  s.volume_scale = volume_scale;
  s.what_if_findings = false;
  if (disagg_) return disagg_result_at(*profile_, *disagg_, volume_scale);
  return evaluate_option(*profile_, *sheet_, *option_, perf_, model_.get(), s);
}

CompareResult compare(const Profile& p, const PriceSheet& sheet, const ReplicaModelProvider* perf,
                      const EvalSettings& settings) {
  CompareResult c;
  c.profile_name = p.name;
  c.profile_path = p.path;
  c.price_sheet_version = sheet.version;
  c.price_sheet_path = sheet.path;
  c.price_sheet_sha256 = sheet.sha256;
  c.currency = sheet.currency;
  c.hours_per_month = hours_per_month;
  c.monthly_tokens = p.tokens_per_day() * settings.volume_scale * days_per_month;
  c.monthly_requests = p.requests_per_day() * settings.volume_scale * days_per_month;
  for (const auto& o : p.options) c.options.push_back(evaluate_option(p, sheet, o, perf, settings));
  c.notes = model_notes(p, c.options);
  for (const auto& w : p.workloads)
    if (w.tokens_per_request_assumed)
      c.notes.push_back(fmt::format("{}: workload '{}' gives tokens_per_day without tokens_per_request: 1,000 tokens "
                                    "per request assumed (it sets the request count: rate limits, per-request "
                                    "overheads and queueing depend on it)",
                                    to_string(w.loc), w.id));
  if (auto age = sheet_age_finding(sheet)) c.notes.insert(c.notes.begin(), *age);
  if (perf)
    for (auto& f : perf->findings()) c.notes.push_back(std::move(f));
  const OptionResult* best = nullptr;
  for (const auto& r : c.options) {
    if (r.feasible && (!best || r.monthly_cost_usd < best->monthly_cost_usd)) best = &r;
  }
  if (best) c.cheapest = best->id;
  return c;
}

}  // namespace plan
