// Invariants of the costing paths over generated profiles (seeded, so a failure repeats):
// cost does not fall as volume grows; a hybrid whose fleet takes all traffic costs what its
// private option costs, and one with no private replicas what its overflow costs; prices
// scale costs linearly; results do not depend on the order of options or workloads.
// PLAN_PROPERTY_CASES (default 1000) sets how many profiles, PLAN_PROPERTY_SEED the seed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <random>

#include "plan/core/options/compare.hpp"
#include "plan/core/finance/finance.hpp"
#include "plan/io/loaders.hpp"

using namespace plan;

namespace {

const PriceSheet& base_sheet() {
  static const PriceSheet s = io::load_price_sheet(PLAN_TEST_DATA "/sheet-basic.yaml");
  return s;
}

long env_or(const char* name, long fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtol(v, nullptr, 10) : fallback;
}

class Generator {
 public:
  explicit Generator(unsigned seed) : rng_(seed) {}

  Profile profile() {
    Profile p;
    p.name = "generated";
    p.path = "generated.yaml";
    const int n_workloads = pick(1, 3);
    for (int i = 0; i < n_workloads; ++i) p.workloads.push_back(workload(i));
    if (coin(0.5)) {
      p.ops.fte_share = uniform(0, 0.5);
      p.ops.loaded_cost_per_fte_year = 120000;
      p.ops.monitoring_per_month = uniform(0, 500);
    }
    p.options.push_back(api("api", coin(0.5) ? "flat-1" : "gpt-4o-mini"));
    p.options.push_back(api("api-any", coin(0.5) ? "blended-030" : "flat-15"));
    p.options.push_back(self_hosted("gpu"));
    if (coin(0.5)) p.options.push_back(self_hosted("gpu-b"));
    if (coin(0.3)) {
      Option pt;
      pt.id = "pt";
      ManagedOption m;
      m.offering = "pt-test";
      m.mode = ManagedMode::provisioned;
      m.term = coin(0.5) ? "none" : "1m";
      pt.spec = m;
      p.options.push_back(pt);
    }
    Option h;
    h.id = "mix";
    h.spec = HybridOption{"gpu", coin(0.5) ? "api" : "api-any", std::nullopt, coin(0.8)};
    p.options.push_back(h);
    return p;
  }

 private:
  Workload workload(int i) {
    Workload w;
    w.id = "w" + std::to_string(i);
    w.requests_per_day = std::pow(10.0, uniform(2, 5.5));
    w.input_tokens = std::round(uniform(50, 4000));
    w.output_tokens = std::round(uniform(10, 1000));
    const double shape = uniform(0, 1);
    if (shape < 0.4) {
      std::array<double, 24> day{};
      for (auto& x : day) x = uniform(0.1, 3);
      w.traffic = TrafficShape::from_hourly(day);
    } else if (shape < 0.7) {
      w.traffic = TrafficShape::from_peak_to_average(uniform(1, 4));
    }
    const double b = uniform(0, 1);
    w.batchable_share = b < 0.5 ? 0.0 : b < 0.8 ? 0.3 : 1.0;
    w.cached_input_share = coin(0.3) ? uniform(0, 0.6) : 0.0;
    const double dc = uniform(0, 1);
    w.data_class = dc < 0.7 ? "internal" : dc < 0.85 ? "public" : "phi";
    return w;
  }

  Option api(const std::string& id, const std::string& model) {
    Option o;
    o.id = id;
    ApiOption a;
    a.model = model;
    o.spec = a;
    return o;
  }

  Option self_hosted(const std::string& id) {
    Option o;
    o.id = id;
    SelfHostedOption s;
    const bool eight = coin(0.5);
    s.instance = eight ? "gpu-8x" : "gpu-2.50";
    s.fleet.model = "m";
    s.fleet.tokens_per_second_per_replica = std::pow(10.0, uniform(2.5, 4.5));
    s.fleet.gpus_per_replica = eight ? 1 << pick(0, 3) : 1;
    s.fleet.min_replicas = pick(0, 2);
    const double t = uniform(0, 1);
    s.fleet.pricing = !eight || t < 0.4 ? PricingTerm::on_demand : t < 0.7 ? PricingTerm::spot : PricingTerm::reserved_1y;
    s.fleet.autoscale = s.fleet.pricing != PricingTerm::reserved_1y && coin(0.3);
    s.fleet.spot_interruption_overhead = uniform(0, 0.3);
    o.spec = s;
    return o;
  }

  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  double uniform(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng_); }
  bool coin(double p) { return uniform(0, 1) < p; }

  std::mt19937 rng_;
};

const OptionResult* find(const CompareResult& c, const std::string& id) {
  for (const auto& o : c.options)
    if (o.id == id) return &o;
  return nullptr;
}

PriceSheet scaled(const PriceSheet& s, double k) {
  PriceSheet out = s;
  auto scale_prices = [k](TokenPrices& p) {
    p.input_per_mtok *= k;
    p.output_per_mtok *= k;
    for (auto* o : {&p.cached_input_per_mtok, &p.cache_write_per_mtok, &p.batch_input_per_mtok, &p.batch_output_per_mtok})
      if (*o) **o *= k;
  };
  for (auto& m : out.api_models) scale_prices(m.prices);
  for (auto& m : out.managed) {
    if (m.on_demand) scale_prices(*m.on_demand);
    if (m.provisioned)
      for (auto& t : m.provisioned->terms) t.usd_per_unit_hour *= k;
  }
  for (auto& i : out.gpu_instances) {
    i.on_demand_per_hour *= k;
    for (auto* o : {&i.reserved_1y_per_hour, &i.reserved_3y_per_hour, &i.spot_per_hour})
      if (*o) **o *= k;
  }
  return out;
}

}  // namespace

TEST_CASE("costing invariants over generated profiles", "[property]") {
  const long cases = env_or("PLAN_PROPERTY_CASES", 1000);
  const unsigned seed = static_cast<unsigned>(env_or("PLAN_PROPERTY_SEED", 20261201));
  Generator gen(seed);
  const PriceSheet& sheet = base_sheet();
  const PriceSheet doubled = scaled(sheet, 2.0);
  long hybrids_all_private = 0, hybrids_empty = 0;
  for (long n = 0; n < cases; ++n) {
    Profile p = gen.profile();
    INFO("seed " << seed << ", profile " << n);
    const CompareResult c = compare(p, sheet, nullptr);

    // Cost does not fall as volume grows.
    EvalSettings twice;
    twice.volume_scale = 2.0;
    const CompareResult c2 = compare(p, sheet, nullptr, twice);
    for (const auto& r : c.options) {
      const OptionResult* r2 = find(c2, r.id);
      REQUIRE(r2);
      INFO("option " << r.id);
      // A hybrid searched by pattern (over 200 fleet sizes) may stop short of the optimum.
      const bool exact = !hybrid_detail(r) || hybrid_detail(r)->full_replicas - hybrid_detail(r)->min_replicas < 200;
      if (r.feasible && r2->feasible && exact) CHECK(r2->monthly_cost_usd >= r.monthly_cost_usd - 0.011);
    }

    // A hybrid whose fleet takes all traffic is its private option; with no private
    // replicas, it is its overflow option.
    const OptionResult* mix = find(c, "mix");
    const OptionResult* gpu = find(c, "gpu");
    const HybridOption& h = std::get<HybridOption>(p.options.back().spec);
    const OptionResult* over = find(c, h.overflow_option);
    if (mix && hybrid_detail(*mix) && gpu && gpu->feasible) {
      Option all = p.options.back();
      std::get<HybridOption>(all.spec).replicas = hybrid_detail(*mix)->full_replicas;
      const OptionResult r = evaluate_option(p, sheet, all, nullptr);
      if (hybrid_detail(r) && hybrid_detail(r)->private_token_share > 1 - 1e-12) {
        ++hybrids_all_private;
        CHECK(r.feasible);
        CHECK(r.monthly_cost_usd == Approx(gpu->monthly_cost_usd).margin(0.011));
        CHECK(r.breakdown.gpu_compute == Approx(gpu->breakdown.gpu_compute).margin(0.005));
      }
    }
    const Option& gpu_option = p.options[2];
    if (mix && hybrid_detail(*mix) && hybrid_detail(*mix)->restricted_workloads.empty() && over &&
        gpu_option.fleet()->min_replicas == 0) {
      Option none = p.options.back();
      std::get<HybridOption>(none.spec).replicas = 0;
      const OptionResult r = evaluate_option(p, sheet, none, nullptr);
      ++hybrids_empty;
      CHECK(r.feasible == over->feasible);
      CHECK(r.monthly_cost_usd == Approx(over->monthly_cost_usd).margin(0.011));
    }

    // Prices (and the profile's ops costs) scale costs linearly.
    Profile p2 = p;
    p2.ops.loaded_cost_per_fte_year *= 2;
    p2.ops.monitoring_per_month *= 2;
    const CompareResult cd = compare(p2, doubled, nullptr);
    for (const auto& r : c.options) {
      const OptionResult* rd = find(cd, r.id);
      REQUIRE(rd);
      INFO("option " << r.id);
      CHECK(rd->feasible == r.feasible);
      if (r.feasible && (!hybrid_detail(r) || hybrid_detail(r)->full_replicas - hybrid_detail(r)->min_replicas < 200))
        CHECK(rd->monthly_cost_usd == Approx(2 * r.monthly_cost_usd).margin(0.03));
    }

    // The order of options and workloads does not matter.
    Profile rev = p;
    std::reverse(rev.options.begin(), rev.options.end());
    std::reverse(rev.workloads.begin(), rev.workloads.end());
    const CompareResult cr = compare(rev, sheet, nullptr);
    for (const auto& r : c.options) {
      const OptionResult* rr = find(cr, r.id);
      REQUIRE(rr);
      INFO("option " << r.id);
      CHECK(rr->feasible == r.feasible);
      CHECK(rr->monthly_cost_usd == Approx(r.monthly_cost_usd).margin(0.011));
    }
  }
  // The generator must reach both hybrid cases, or the checks above prove nothing.
  CHECK(hybrids_all_private > cases / 20);
  CHECK(hybrids_empty > cases / 20);
}
