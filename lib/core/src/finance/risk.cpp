#include "plan/core/finance/risk.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <limits>
#include <memory>
#include <thread>

#include "options/evaluators.hpp"
#include "plan/core/base/units.hpp"

namespace plan {
namespace {

constexpr double max_cells = 2e7;  // draws x options held in memory

std::uint64_t mix64(std::uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Runs f(begin, end) over [0, n) split into `threads` contiguous ranges; rethrows the first
// exception a worker threw.
template <class F>
void parallel_for(std::size_t n, int threads, F f) {
  const std::size_t t = std::max<std::size_t>(1, std::min<std::size_t>(static_cast<std::size_t>(threads), n));
  if (t == 1) {
    f(std::size_t{0}, n);
    return;
  }
  std::vector<std::exception_ptr> errors(t);
  std::vector<std::thread> pool;
  for (std::size_t k = 0; k < t; ++k) {
    pool.emplace_back([&, k] {
      try {
        f(n * k / t, n * (k + 1) / t);
      } catch (...) {
        errors[k] = std::current_exception();
      }
    });
  }
  for (auto& th : pool) th.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

// One input of the run, with its slot in each draw's stream of uniforms.
struct Input {
  std::string name;
  UncertainInput role;
  std::string provider;
  Distribution dist;  // throughput: the first fleet's, for display
  std::string source;
  int at_month = 1;   // api_price_step and gpu_price_step: first month (1-based) at the changed price
};

// An option's cost lines at log-spaced effective volumes, evaluated by the compare engine.
struct Table {
  double log_lo = 0, step = 0;  // ln of the first volume; ln step
  double expm1_step = 0;        // e^step - 1: the relative step between grid volumes
  int n = 0;
  std::vector<double> api, gpu, rest;  // api_tokens; gpu_compute; every other line
  std::vector<unsigned char> flags;    // bit 0 feasible, bit 1 cost defined
};

struct Lines {
  double api = 0, gpu = 0, rest = 0;
  bool feasible = true, defined = true;
};

Lines look_up(const Table& t, double log_x) {
  double p = (log_x - t.log_lo) / t.step;
  p = std::clamp(p, 0.0, static_cast<double>(t.n - 1));
  int i = std::min(static_cast<int>(p), t.n - 2);
  // Linear in volume between the two grid volumes (not in its log), so that lines
  // proportional to volume are read exactly.
  const double f = std::expm1((p - i) * t.step) / t.expm1_step;
  const auto a = static_cast<std::size_t>(i), b = a + 1;
  Lines l;
  l.api = t.api[a] + (t.api[b] - t.api[a]) * f;
  l.gpu = t.gpu[a] + (t.gpu[b] - t.gpu[a]) * f;
  l.rest = t.rest[a] + (t.rest[b] - t.rest[a]) * f;
  unsigned char fl = t.flags[a];
  if (f > 0) fl &= t.flags[b];
  l.feasible = fl & 1;
  l.defined = fl & 2;
  return l;
}

struct OptionModel {
  const Option* option = nullptr;
  detail::RiskTraits traits;
  Distribution throughput = Distribution::fixed(1);
  // Multiplier of a spot fleet's instance price: the profile's spot_price, else the zone
  // spread the sheet gives (lowest / median, 1, highest / median, triangular), else 1.
  Distribution spot_price = Distribution::fixed(1);
  int api_input = -1;  // index into inputs of its provider's price change, -1 none
  double one_time = 0;
  double lo = inf, hi = 0;  // range of effective volumes the draws need
  Table table;
};

struct OptionDraw;

// Values of one draw, from its uniforms.
struct DrawInputs {
  double volume = 1;
  std::optional<double> growth;  // nullopt: the horizon's volume scales
  double gpu_change = 0;
  double gpu_step = 0;       // one-time change of GPU prices
  int gpu_step_month = 0;    // 0-based month it starts; months_ or later: none
  double api_step = 0;       // one-time change of pay-per-token prices (every provider)
  int api_step_month = 0;
  double throughput_u = 0.5;
  double spot_price_u = 0.5;
  std::optional<double> spot;
  double peak = 1;
};

class Engine {
 public:
  Engine(const Profile& p, const Uncertainty& u, const PriceSheet& s, const ReplicaModelProvider* perf,
         const RiskSettings& st)
      : p_(p), u_(u), s_(s), perf_(perf), st_(st) {}

  RiskResult run();

 private:
  void resolve_inputs();
  DrawInputs values(const double* u) const;
  double effective_throughput(const OptionModel& m, const DrawInputs& d) const;
  void widen(const double* u);
  void tabulate(int threads);
  OptionDraw option_draw(const OptionModel& m, const DrawInputs& d) const;
  // The volume scale nearest today's at which option a turns cheaper, or stops being cheaper,
  // than b in month 1 (prices as today), within the volumes both grids cover: a coarse scan,
  // then bisection; nullopt when a's standing never changes there.
  std::optional<double> break_even(const double* u, std::size_t a, std::size_t b) const;
  // Month-1 and horizon cost of every option, and cumulative cost at the fan months.
  void cost(const double* u, double* monthly, double* horizon, unsigned char* feasible, float* fan) const;

  // The steps of run().
  void prepare_models(RiskResult& res);
  // Each option's volume range over the draws `uni` and the tornado's points `oat` (k inputs
  // a row): reduced per thread, then combined (min and max do not depend on the order).
  void widen_all(const std::vector<double>& uni, const std::vector<double>& oat, std::size_t n, int threads);
  // The draws' per-option costs, summarised: quantiles, the chance of being cheapest (by
  // option and by group) and of being feasible.
  void summarise_draws(const std::vector<double>& monthly, const std::vector<double>& horizon,
                       const std::vector<unsigned char>& feasible, const std::vector<float>& fan, std::size_t n,
                       RiskResult& res) const;
  void describe_inputs(RiskResult& res) const;

  const Profile& p_;
  const Uncertainty& u_;
  const PriceSheet& s_;
  const ReplicaModelProvider* perf_;
  RiskSettings st_;
  std::vector<Input> inputs_;
  std::vector<OptionModel> models_;
  std::vector<double> base_log_scale_;  // ln of the horizon's volume scale per month (no uncertain growth)
  std::vector<int> fan_;                // 0-based months
  int months_ = 0;
  std::vector<std::string> notes_;
};

void Engine::resolve_inputs() {
  const Uncertainty& u = u_;
  auto add = [&](const UncertainValue& v) {
    inputs_.push_back({v.name(), v.input, v.provider, v.dist,
                       v.loc.file.empty() ? "profile" : fmt::format("{}:{}", v.loc.file, v.loc.line), v.at_month});
    if ((v.input == UncertainInput::api_price_step || v.input == UncertainInput::gpu_price_step) &&
        v.at_month > p_.horizon.months)
      notes_.push_back(fmt::format("{} starts in month {}, after the horizon's {} months: it changes nothing",
                                   to_string(v.input), v.at_month, p_.horizon.months));
  };
  for (const auto& v : u.inputs)
    if (v.input != UncertainInput::throughput && v.input != UncertainInput::spot_price) add(v);

  // Throughput: the profile's distribution for every fleet, else each fleet's default from
  // its throughput provenance. One uniform per draw drives all fleets (one performance model).
  const UncertainValue* given = u.find(UncertainInput::throughput);
  bool any = false;
  for (auto& m : models_) {
    if (!m.traits.fleet_option) continue;
    if (given) {
      m.throughput = given->dist;
      any = true;
      continue;
    }
    const Option* fo = p_.find_option(*m.traits.fleet_option);
    if (!fo) continue;
    OptionResult r = evaluate_option(p_, s_, *fo, perf_);
    const SelfHostedDetail* f = fleet_detail(r);
    if (!f || !f->throughput_provenance) continue;
    if (auto d = default_throughput(*f->throughput_provenance, f->model_class, f->throughput_cv_error_pct)) {
      m.throughput = *d;
      any = true;
    }
  }
  if (given && !any)
    notes_.push_back("throughput is uncertain but no option has a replica fleet: it changes nothing");
  if (any) {
    Input in{"throughput", UncertainInput::throughput, "", Distribution::fixed(1), ""};
    for (const auto& m : models_)
      if (m.traits.fleet_option && m.throughput.kind != Distribution::Kind::fixed) {
        in.dist = m.throughput;
        break;
      }
    in.source = given ? fmt::format("{}:{}", given->loc.file, given->loc.line) : "default from throughput provenance";
    inputs_.push_back(in);
  }
  // Spot price: the profile's distribution for every spot fleet, else each fleet's from the
  // spread of its instance's spot price across the region's zones (spot_min_per_hour,
  // spot_per_hour = the median, spot_max_per_hour). One uniform per draw drives all.
  const UncertainValue* spot_given = u.find(UncertainInput::spot_price);
  bool any_spot = false;
  std::vector<std::string> spreads;
  for (auto& m : models_) {
    if (!m.traits.spot || !m.traits.fleet_option) continue;
    if (spot_given) {
      m.spot_price = spot_given->dist;
      any_spot = true;
      continue;
    }
    const Option* fo = p_.find_option(*m.traits.fleet_option);
    const std::string instance =
        fo ? std::visit([](const auto& k) { return detail::rented_instance(k); }, fo->spec) : std::string();
    const GpuInstance* inst = instance.empty() ? nullptr : s_.find_instance(instance);
    if (!inst || !inst->spot_per_hour || !inst->spot_min_per_hour || !inst->spot_max_per_hour || *inst->spot_per_hour <= 0 ||
        !(*inst->spot_min_per_hour < *inst->spot_max_per_hour))
      continue;
    const double med = *inst->spot_per_hour;
    m.spot_price = Distribution::triangular(*inst->spot_min_per_hour / med, 1.0, *inst->spot_max_per_hour / med);
    any_spot = true;
    spreads.push_back(fmt::format("{} {:g} / {:g} / {:g} ({})", inst->id, *inst->spot_min_per_hour, med,
                                  *inst->spot_max_per_hour, s_.cite(inst->line)));
  }
  if (spot_given && !any_spot)
    notes_.push_back("spot_price is uncertain but no option runs a fleet on spot: it changes nothing");
  if (any_spot) {
    Input in{"spot_price", UncertainInput::spot_price, "", Distribution::fixed(1), ""};
    for (const auto& m : models_)
      if (m.traits.spot && m.spot_price.kind != Distribution::Kind::fixed) {
        in.dist = m.spot_price;
        break;
      }
    in.source = spot_given ? fmt::format("{}:{}", spot_given->loc.file, spot_given->loc.line)
                           : fmt::format("spot spread across zones (lowest / median / highest): {}",
                                         fmt::join(spreads, "; "));
    inputs_.push_back(in);
  }
  bool priced_per_token = false;
  for (const auto& m : models_) priced_per_token = priced_per_token || !m.traits.token_provider.empty();
  if (u.find(UncertainInput::api_price_change_per_year) && !priced_per_token)
    notes_.push_back("api_price_change_per_year is uncertain but no option pays per token: it changes nothing");
  if (u.find(UncertainInput::api_price_step) && !priced_per_token)
    notes_.push_back("api_price_change is uncertain but no option pays per token: it changes nothing");
  // Each pay-per-token provider's price change: its own entry, else the default one.
  for (auto& m : models_) {
    if (m.traits.token_provider.empty()) continue;
    for (std::size_t i = 0; i < inputs_.size(); ++i) {
      if (inputs_[i].role != UncertainInput::api_price_change_per_year) continue;
      if (inputs_[i].provider == m.traits.token_provider) m.api_input = static_cast<int>(i);
      else if (inputs_[i].provider.empty() && m.api_input < 0) m.api_input = static_cast<int>(i);
    }
  }
}

DrawInputs Engine::values(const double* u) const {
  DrawInputs d;
  for (std::size_t i = 0; i < inputs_.size(); ++i) {
    const Input& in = inputs_[i];
    if (in.role == UncertainInput::throughput) {
      d.throughput_u = u[i];
      continue;
    }
    if (in.role == UncertainInput::spot_price) {
      d.spot_price_u = u[i];
      continue;
    }
    const double v = in.dist.quantile(u[i]);
    switch (in.role) {
      case UncertainInput::volume: d.volume = std::max(0.0, v); break;
      case UncertainInput::growth_per_month: d.growth = std::max(-0.99, v); break;
      case UncertainInput::gpu_price_change_per_year: d.gpu_change = std::max(-1.0, v); break;
      case UncertainInput::spot_interruption_overhead: d.spot = std::max(0.0, v); break;
      case UncertainInput::peak_to_average: d.peak = std::max(1e-6, v); break;
      case UncertainInput::gpu_price_step:
        d.gpu_step = std::max(-1.0, v);
        d.gpu_step_month = in.at_month - 1;
        break;
      case UncertainInput::api_price_step:
        d.api_step = std::max(-1.0, v);
        d.api_step_month = in.at_month - 1;
        break;
      default: break;  // yearly api price trends: per option, in cost()
    }
  }
  return d;
}

// A fleet's throughput over the peak multiplier: the fleet sized for a peak k times higher
// with replicas t times faster sees traffic k / t times today's (docs/risk.md).
double Engine::effective_throughput(const OptionModel& m, const DrawInputs& d) const {
  if (!m.traits.fleet_option) return 1;
  return std::max(1e-6, m.throughput.quantile(d.throughput_u)) / d.peak;
}

void Engine::widen(const double* u) {
  const DrawInputs d = values(u);
  double lo = 0, hi = 0;  // ln of the month volume scale, lowest and highest
  if (d.growth) {
    const double last = (months_ - 1) * std::log1p(*d.growth);
    lo = std::min(0.0, last);
    hi = std::max(0.0, last);
  } else {
    lo = *std::min_element(base_log_scale_.begin(), base_log_scale_.end());
    hi = *std::max_element(base_log_scale_.begin(), base_log_scale_.end());
  }
  const double v = std::max(d.volume, 1e-9);
  for (auto& m : models_) {
    const double e = effective_throughput(m, d);
    m.lo = std::min(m.lo, v / e * std::exp(lo));
    m.hi = std::max(m.hi, v / e * std::exp(hi));
  }
}

void Engine::tabulate(int threads) {
  const int n = std::max(2, st_.grid_points);
  for (auto& m : models_) {
    Table& t = m.table;
    const double lo = std::max(m.lo, 1e-12) / 1.0001, hi = std::max(m.hi, lo * 1.0001) * 1.0001;
    t.n = n;
    t.log_lo = std::log(lo);
    t.step = (std::log(hi) - t.log_lo) / (n - 1);
    t.expm1_step = std::expm1(t.step);
    t.api.assign(n, 0);
    t.gpu.assign(n, 0);
    t.rest.assign(n, 0);
    t.flags.assign(n, 0);
  }
  // Work items: (option, point); each worker evaluates with its own evaluators (replica
  // models cache fleet capacities and are not shared between threads).
  const std::size_t per = static_cast<std::size_t>(n);
  parallel_for(models_.size() * per, threads, [&](std::size_t begin, std::size_t end) {
    std::size_t k = begin;
    while (k < end) {
      const std::size_t j = k / per;
      OptionModel& m = models_[j];
      OptionEvaluator eval(p_, s_, *m.option, perf_);
      for (; k < end && k / per == j; ++k) {
        const int i = static_cast<int>(k % per);
        const OptionResult r = eval(std::exp(m.table.log_lo + m.table.step * i));
        const CostBreakdown& b = r.breakdown;
        m.table.api[static_cast<std::size_t>(i)] = b.api_tokens;
        m.table.gpu[static_cast<std::size_t>(i)] = b.gpu_compute;
        m.table.rest[static_cast<std::size_t>(i)] = b.provisioned_units + b.ops_labour + b.monitoring + b.storage + b.egress;
        const bool defined = cost_defined(r);
        m.table.flags[static_cast<std::size_t>(i)] =
            static_cast<unsigned char>((r.feasible && defined ? 1 : 0) | (defined ? 2 : 0));
      }
    }
  });
}

// One option in one draw: where its grid is read and how its lines are scaled.
struct OptionDraw {
  const OptionModel* m = nullptr;
  double log_e = 0;      // ln of the effective throughput (volume is read at s / e)
  double api_scale = 1;  // e for a fleet (tokens follow the draw's volume), else 1
  double spot = 1;       // gpu_compute x (1 + o) / (1 + o as written) on spot
  // Cost lines at volume scale e^log_s, prices x api_f and x gpu_f.
  double cost(double log_s, double api_f, double gpu_f, Lines* lines) const {
    *lines = look_up(m->table, log_s - log_e);
    return lines->api * api_f * api_scale + lines->gpu * gpu_f * spot + lines->rest;
  }
};

OptionDraw Engine::option_draw(const OptionModel& m, const DrawInputs& d) const {
  OptionDraw o;
  o.m = &m;
  const double e = effective_throughput(m, d);
  o.log_e = std::log(e);
  // Tokens a fleet serves scale with the draw's volume, not with its throughput: the api
  // line read at volume / e is the overflow of that load, times e.
  o.api_scale = m.traits.fleet_option ? e : 1.0;
  o.spot = (m.traits.spot && d.spot) ? (1 + *d.spot) / (1 + m.traits.spot_overhead) : 1.0;
  if (m.traits.spot && m.spot_price.kind != Distribution::Kind::fixed)
    o.spot *= std::max(0.0, m.spot_price.quantile(d.spot_price_u));
  else if (m.traits.spot)
    o.spot *= m.spot_price.a;
  return o;
}

std::optional<double> Engine::break_even(const double* u, std::size_t a, std::size_t b) const {
  const DrawInputs d = values(u);
  const OptionDraw oa = option_draw(models_[a], d), ob = option_draw(models_[b], d);
  // Volume scales both grids cover.
  const Table& ta = models_[a].table;
  const Table& tb = models_[b].table;
  double lo = std::max(ta.log_lo + oa.log_e, tb.log_lo + ob.log_e);
  double hi = std::min(ta.log_lo + ta.step * (ta.n - 1) + oa.log_e, tb.log_lo + tb.step * (tb.n - 1) + ob.log_e);
  if (!(lo < hi)) return std::nullopt;
  // Whether a is cheaper by more than half a cent (a hybrid whose best fleet is empty costs
  // what its overflow option costs, to rounding).
  Lines la, lb;
  auto diff = [&](double log_s) { return oa.cost(log_s, 1, 1, &la) - ob.cost(log_s, 1, 1, &lb); };
  auto cheaper = [&](double log_s) { return diff(log_s) < -0.005; };
  // Up a coarse grid over the span, every change of standing; the one nearest today's
  // volume (log scale 0) is refined by bisection on the exact sign.
  constexpr int coarse = 32;
  const double step = (hi - lo) / coarse;
  int best = -1;
  bool prev = cheaper(lo);
  for (int i = 1; i <= coarse; ++i) {
    const bool now = cheaper(lo + step * i);
    if (now != prev && (best < 0 || std::fabs(lo + step * (i - 0.5)) < std::fabs(lo + step * (best - 0.5)))) best = i;
    prev = now;
  }
  if (best < 0) return std::nullopt;
  double v0 = lo + step * (best - 1), v1 = lo + step * best;
  const bool above = cheaper(v1);
  for (int it = 0; it < 60 && v1 - v0 > 1e-10; ++it) {
    const double mid = 0.5 * (v0 + v1);
    if ((diff(mid) < 0) == above) v1 = mid;
    else v0 = mid;
  }
  return std::exp(v1);
}

void Engine::cost(const double* u, double* monthly, double* horizon, unsigned char* feasible, float* fan) const {
  const DrawInputs d = values(u);
  const double log_v = std::log(std::max(d.volume, 1e-9));
  const double log_g = d.growth ? std::log1p(*d.growth) : 0;
  const double gpu_step = std::pow(1 + d.gpu_change, 1.0 / 12);
  for (std::size_t j = 0; j < models_.size(); ++j) {
    const OptionModel& m = models_[j];
    const OptionDraw od = option_draw(m, d);
    double api_step = 1;
    if (m.api_input >= 0) {
      const double c = std::max(-1.0, inputs_[static_cast<std::size_t>(m.api_input)].dist.quantile(u[m.api_input]));
      api_step = std::pow(1 + c, 1.0 / 12);
    }
    double api_f = 1, gpu_f = 1;
    if (d.gpu_step_month == 0) gpu_f *= 1 + d.gpu_step;
    if (d.api_step_month == 0 && !m.traits.token_provider.empty()) api_f *= 1 + d.api_step;
    double total = m.one_time;
    bool ok = true, defined = true;
    std::size_t f = 0;
    for (int month = 0; month < months_; ++month) {
      const double log_s = log_v + (d.growth ? month * log_g : base_log_scale_[static_cast<std::size_t>(month)]);
      Lines l;
      const double c = od.cost(log_s, api_f, gpu_f, &l);
      if (!l.defined) defined = false;
      if (!l.feasible) ok = false;
      total += c;
      if (month == 0) monthly[j] = defined ? c : inf;
      if (f < fan_.size() && fan_[f] == month) {
        fan[j * fan_.size() + f] = defined ? static_cast<float>(total) : std::numeric_limits<float>::infinity();
        ++f;
      }
      api_f *= api_step;
      gpu_f *= gpu_step;
      // A one-time change applies from its month on: the factor for month + 1.
      if (month + 1 == d.gpu_step_month) gpu_f *= 1 + d.gpu_step;
      if (month + 1 == d.api_step_month && !m.traits.token_provider.empty()) api_f *= 1 + d.api_step;
    }
    horizon[j] = defined ? total : inf;
    feasible[j] = ok && defined;
  }
}

Quantiles quantiles_of(std::vector<double>& v) {
  Quantiles q;
  if (v.empty()) return q;
  double sum = 0;
  for (double x : v) sum += x;
  q.mean = sum / static_cast<double>(v.size());
  auto at = [&](double p) {
    const double h = (static_cast<double>(v.size()) - 1) * p;
    const auto lo = static_cast<std::size_t>(std::floor(h));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(lo), v.end());
    const double a = v[lo];
    if (lo + 1 >= v.size()) return a;
    const double b = *std::min_element(v.begin() + static_cast<std::ptrdiff_t>(lo) + 1, v.end());
    return (std::isinf(a) || std::isinf(b)) ? (h > static_cast<double>(lo) ? b : a) : a + (b - a) * (h - static_cast<double>(lo));
  };
  q.p10 = at(0.1);
  q.p50 = at(0.5);
  q.p90 = at(0.9);
  return q;
}

void Engine::prepare_models(RiskResult& res) {
  for (const auto& o : p_.options) {
    OptionModel m;
    m.option = &o;
    m.traits = std::visit([&](const auto& k) { return detail::risk_traits(k, o, p_, s_); }, o.spec);
    for (const auto& ot : o.one_time) m.one_time += ot.usd;
    models_.push_back(std::move(m));
  }
  resolve_inputs();
  for (int m = 0; m < months_; ++m) base_log_scale_.push_back(std::log(std::max(p_.horizon.volume_scale(m), 1e-300)));
  const int fan_n = std::min(months_, std::max(1, st_.fan_points));
  for (int f = 0; f < fan_n; ++f) fan_.push_back((f + 1) * months_ / fan_n - 1);
  for (int f : fan_) res.fan_months.push_back(f + 1);
}

void Engine::widen_all(const std::vector<double>& uni, const std::vector<double>& oat, std::size_t n, int threads) {
  const std::size_t k = inputs_.size();
  std::vector<std::vector<std::pair<double, double>>> part;
  const std::size_t t = static_cast<std::size_t>(std::max(1, std::min<int>(threads, static_cast<int>(std::max<std::size_t>(n, 1)))));
  part.assign(t, {});
  parallel_for(t, threads, [&](std::size_t b, std::size_t e) {
    for (std::size_t w = b; w < e; ++w) {
      Engine local = *this;
      for (std::size_t d = n * w / t; d < n * (w + 1) / t; ++d) local.widen(&uni[d * k]);
      for (const auto& m : local.models_) part[w].push_back({m.lo, m.hi});
    }
  });
  for (std::size_t row = 0; row < 1 + 2 * k; ++row) widen(&oat[row * k]);
  for (const auto& pw : part)
    for (std::size_t j = 0; j < pw.size(); ++j) {
      models_[j].lo = std::min(models_[j].lo, pw[j].first);
      models_[j].hi = std::max(models_[j].hi, pw[j].second);
    }
}

void Engine::summarise_draws(const std::vector<double>& monthly, const std::vector<double>& horizon,
                             const std::vector<unsigned char>& feasible, const std::vector<float>& fan, std::size_t n,
                             RiskResult& res) const {
  const std::size_t nopt = p_.options.size();
  const std::size_t nf = fan_.size();
  std::vector<long long> cheapest(nopt, 0), ok(nopt, 0);
  std::vector<long long> group_cheapest(st_.groups.size(), 0);
  for (std::size_t d = 0; d < n; ++d) {
    int best = -1;
    for (std::size_t j = 0; j < nopt; ++j) {
      if (!feasible[d * nopt + j]) continue;
      ++ok[j];
      if (best < 0 || horizon[d * nopt + j] < horizon[d * nopt + static_cast<std::size_t>(best)]) best = static_cast<int>(j);
    }
    if (best < 0) continue;
    ++cheapest[static_cast<std::size_t>(best)];
    for (std::size_t g = 0; g < st_.groups.size(); ++g)
      if (kind_label(p_.options[static_cast<std::size_t>(best)]) == st_.groups[g]) ++group_cheapest[g];
  }
  // By kind: the share of draws in which the cheapest feasible option is of that kind, that
  // is, in which some option of the kind beats every option of the others.
  for (std::size_t g = 0; g < st_.groups.size(); ++g) {
    RiskGroup rg;
    rg.kind = st_.groups[g];
    for (const auto& o : p_.options)
      if (kind_label(o) == rg.kind) rg.options.push_back(o.id);
    rg.probability_cheapest = static_cast<double>(group_cheapest[g]) / static_cast<double>(n);
    res.groups.push_back(std::move(rg));
  }
  std::vector<double> col(n);
  for (std::size_t j = 0; j < nopt; ++j) {
    RiskOption ro;
    ro.id = p_.options[j].id;
    ro.kind = kind_label(p_.options[j]);
    for (std::size_t d = 0; d < n; ++d) col[d] = monthly[d * nopt + j];
    ro.monthly_cost_usd = quantiles_of(col);
    for (std::size_t d = 0; d < n; ++d) col[d] = horizon[d * nopt + j];
    ro.horizon_cost_usd = quantiles_of(col);
    for (std::size_t f = 0; f < nf; ++f) {
      for (std::size_t d = 0; d < n; ++d) col[d] = fan[(d * nopt + j) * nf + f];
      ro.cumulative_usd.push_back(quantiles_of(col));
    }
    ro.probability_cheapest = static_cast<double>(cheapest[j]) / static_cast<double>(n);
    ro.probability_feasible = static_cast<double>(ok[j]) / static_cast<double>(n);
    res.options.push_back(std::move(ro));
  }
}

void Engine::describe_inputs(RiskResult& res) const {
  for (const auto& in : inputs_) {
    if (in.role == UncertainInput::throughput) {
      for (const auto& m : models_) {
        if (!m.traits.fleet_option || m.throughput.kind == Distribution::Kind::fixed) continue;
        res.inputs.push_back({fmt::format("throughput[{}]", m.option->id), m.throughput.describe(), in.source,
                              m.throughput.quantile(0.1), m.throughput.quantile(0.5), m.throughput.quantile(0.9)});
      }
      continue;
    }
    res.inputs.push_back({in.name, in.dist.describe(), in.source, in.dist.quantile(0.1), in.dist.quantile(0.5),
                          in.dist.quantile(0.9)});
  }
}

RiskResult Engine::run() {
  const Uncertainty& u = u_;
  RiskResult res;
  res.profile_name = p_.name;
  res.price_sheet_version = s_.version;
  res.draws = st_.draws.value_or(u.draws);
  res.seed = st_.seed.value_or(u.seed);
  months_ = res.months = p_.horizon.months;
  const std::size_t nopt = p_.options.size();
  const auto n = static_cast<std::size_t>(res.draws);
  if (static_cast<double>(n) * static_cast<double>(nopt) > max_cells)
    throw Error(fmt::format("{} draws of {} options is {:.3g} costs to hold (expected at most {:.0e}: fewer draws)",
                            n, nopt, static_cast<double>(n) * static_cast<double>(nopt), max_cells),
                ExitCode::usage_error);
  const int threads = st_.threads > 0 ? st_.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  prepare_models(res);

  const std::size_t k = inputs_.size();
  // The draws' uniforms, and the one-at-a-time points of the tornado (row 0: medians).
  std::vector<double> uni(n * k);
  parallel_for(n, threads, [&](std::size_t b, std::size_t e) {
    for (std::size_t d = b; d < e; ++d)
      for (std::size_t i = 0; i < k; ++i) uni[d * k + i] = draw_uniform(res.seed, d, static_cast<int>(i));
  });
  std::vector<double> oat((1 + 2 * k) * k, 0.5);
  for (std::size_t i = 0; i < k; ++i) {
    oat[(1 + 2 * i) * k + i] = 0.1;
    oat[(2 + 2 * i) * k + i] = 0.9;
  }
  widen_all(uni, oat, n, threads);
  tabulate(threads);
  res.grid_points = models_.empty() ? 0 : models_.front().table.n;
  for (const auto& m : models_) res.grid_max_step = std::max(res.grid_max_step, m.table.expm1_step);

  // Every input at its median: the recommendation and the runner-up.
  std::vector<double> om(nopt), oh(nopt);
  std::vector<unsigned char> of(nopt);
  std::vector<float> ofan(nopt * fan_.size());
  auto eval_point = [&](std::size_t row) {
    cost(&oat[row * k], om.data(), oh.data(), of.data(), ofan.data());
    return oh;
  };
  const std::vector<double> med = eval_point(0);
  const std::vector<unsigned char> med_ok = of;
  std::vector<std::size_t> order;
  for (std::size_t j = 0; j < nopt; ++j)
    if (med_ok[j]) order.push_back(j);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return med[a] < med[b]; });
  if (!order.empty()) res.recommended = p_.options[order[0]].id;
  const bool pair = order.size() >= 2;
  const std::size_t rec = pair ? order[0] : 0, second = pair ? order[1] : 0;
  // The draws, and in each the month-1 break-even volume of the recommendation against
  // the runner-up.
  const std::size_t nf = fan_.size();
  std::vector<double> monthly(n * nopt), horizon(n * nopt), be(pair ? n : 0);
  std::vector<unsigned char> feasible(n * nopt);
  std::vector<float> fan(n * nopt * nf);
  parallel_for(n, threads, [&](std::size_t b, std::size_t e) {
    for (std::size_t d = b; d < e; ++d) {
      cost(&uni[d * k], &monthly[d * nopt], &horizon[d * nopt], &feasible[d * nopt], &fan[d * nopt * nf]);
      if (pair) be[d] = break_even(&uni[d * k], rec, second).value_or(-1);
    }
  });
  if (pair) {
    BreakEvenSpread spread;
    spread.a = p_.options[rec].id;
    spread.b = p_.options[second].id;
    std::vector<double> found;
    for (double v : be)
      if (v >= 0) found.push_back(v * p_.tokens_per_day());
    spread.share_found = static_cast<double>(found.size()) / static_cast<double>(n);
    if (!found.empty()) spread.tokens_per_day = quantiles_of(found);
    res.break_even = spread;
  }

  summarise_draws(monthly, horizon, feasible, fan, n, res);

  describe_inputs(res);

  // Tornado: one input at a time at its p10 and p90.
  if (pair) {
    const std::size_t r = rec, q = second;
    res.runner_up = p_.options[q].id;
    res.median_margin_usd = med[q] - med[r];
    for (std::size_t i = 0; i < k; ++i) {
      TornadoBar bar;
      bar.input = inputs_[i].name;
      bar.low_value = inputs_[i].dist.quantile(0.1);
      bar.high_value = inputs_[i].dist.quantile(0.9);
      // An input with no spread (a fixed value) moves nothing: it has no bar.
      if (bar.low_value == bar.high_value) continue;
      const std::vector<double> lo = eval_point(1 + 2 * i);
      const std::vector<double> hi = eval_point(2 + 2 * i);
      bar.low_usd = lo[q] - lo[r];
      bar.high_usd = hi[q] - hi[r];
      bar.swing_usd = std::fabs(bar.high_usd - bar.low_usd);
      res.tornado.push_back(bar);
    }
    std::stable_sort(res.tornado.begin(), res.tornado.end(),
                     [](const TornadoBar& a, const TornadoBar& b) { return a.swing_usd > b.swing_usd; });
  } else {
    res.notes.push_back("fewer than two options are feasible with every input at its median: no tornado");
  }
  for (auto& n2 : notes_) res.notes.push_back(n2);
  return res;
}

}  // namespace

double draw_uniform(std::uint64_t seed, std::uint64_t draw, int slot) {
  std::uint64_t state = mix64(seed ^ mix64(draw));
  std::uint64_t x = 0;
  for (int i = 0; i <= slot; ++i) {
    state += 0x9E3779B97F4A7C15ull;
    x = state;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    x ^= x >> 31;
  }
  return (static_cast<double>(x >> 11) + 0.5) * 0x1.0p-53;
}

double quantile_of(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double h = (static_cast<double>(values.size()) - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= values.size()) return values[lo];
  return values[lo] + (values[lo + 1] - values[lo]) * (h - static_cast<double>(lo));
}

std::optional<Distribution> default_throughput(ThroughputProvenance p, const std::string& model_class,
                                               double cv_median_pct) {
  switch (p) {
    case ThroughputProvenance::engine:
      if (cv_median_pct > 0) {
        // 0.6745: the median of |Z| for a standard normal Z; 1.2816: its 90th percentile.
        const double sigma = std::log1p(cv_median_pct / 100.0) / 0.6745;
        return Distribution::lognormal_p10_p90(std::exp(-1.2816 * sigma), std::exp(1.2816 * sigma));
      }
      [[fallthrough]];
    case ThroughputProvenance::spec:
      for (const auto& w : spec_throughput_widths)
        if (model_class == w.model_class) return Distribution::lognormal_p10_p90(w.p10, w.p90);
      return Distribution::lognormal_p10_p90(0.70, 1.00);
    case ThroughputProvenance::calibrated: return Distribution::lognormal_p10_p90(0.90, 1.10);
    case ThroughputProvenance::override: return std::nullopt;
  }
  return std::nullopt;
}

RiskResult run_risk(const Profile& p, const Uncertainty& u, const PriceSheet& s, const ReplicaModelProvider* perf,
                    const RiskSettings& st) {
  Engine e(p, u, s, perf, st);
  return e.run();
}

}  // namespace plan
