#pragma once
// Workloads from real usage: a streaming aggregator over normalised usage records (one
// request, or a bucket of requests), producing per-model (or per-tag) workload figures for
// a profile. No files and no parsing of formats here: the readers in plan_io turn each
// source format into UsageRecords (docs/profiles.md, "Importing usage").
//
// Memory is flat in the number of records: per key, one accumulator per hour of the period
// (bounded by max_period_hours) and two fixed-size length histograms.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plan/core/data/price_sheet.hpp"

namespace plan::usage {

// One normalised usage record. Token counts are totals over the record's requests.
struct UsageRecord {
  std::int64_t start_s = 0;     // Unix seconds, UTC
  std::int64_t duration_s = 0;  // 0 for a single request; the bucket's width for a bucket
  std::string_view key;         // model or tag the record belongs to
  double input_tokens = 0;      // all input tokens, cached ones included
  double output_tokens = 0;
  double cached_tokens = 0;       // input tokens read from a prompt cache
  double cache_write_tokens = 0;  // input tokens written to a prompt cache
  double cache_write_1h_tokens = 0;  // of those, written with a 1-hour TTL (Anthropic)
  bool batch = false;             // served by a batch API
  // Requests the record stands for: 1 for a request row, N for a bucket; nullopt when the
  // source does not count requests (then the workload is written in tokens-per-day form).
  std::optional<double> requests = 1.0;
  // What the source says the record cost (LiteLLM's `spend`, a `cost` column), USD; nullopt
  // when it does not say.
  std::optional<double> billed_usd;
};

// The records of a key that carry a billed cost, and their tokens: the list price of the
// same tokens is compared with what was billed (docs/profiles.md, "Reconciliation").
struct BilledTotals {
  double usd = 0;
  double records = 0;
  double input = 0, output = 0, cached = 0, cache_write = 0;  // non-batch records
  double cache_write_1h = 0;  // of cache_write, with a 1-hour TTL
  double batch_input = 0, batch_output = 0;                   // batch records
};

// The list price of `b`'s tokens at `p`, USD: uncached input at input_per_mtok, cache reads
// at cached_input_per_mtok and cache writes at cache_write_per_mtok, 1-hour writes at
// cache_write_1h_per_mtok (each at the input price, a 1-hour write at the 5-minute price,
// where the sheet has none), output (reasoning tokens included, as the vendors bill them) at
// output_per_mtok; batch records' input and output at the batch prices (the standard ones
// where the sheet has none).
double list_cost_usd(const BilledTotals& b, const TokenPrices& p);

// Log-bucket histogram of non-negative integer lengths (tokens), fixed size. Values below
// 128 are counted exactly; above, each power of two is split into 64 buckets, so a bucket
// spans at most 1/64 of its lower bound and its midpoint is within 1/128 (0.79%) of any
// value in it. Values are rounded to the nearest integer and capped at 2^40.
class LengthSketch {
 public:
  static constexpr int exact_below = 128;
  static constexpr int sub_buckets = 64;
  static constexpr int max_exponent = 40;
  static constexpr int bucket_count = exact_below + (max_exponent - 7 + 1) * sub_buckets;

  void add(double value, std::uint64_t count = 1);
  std::uint64_t count() const { return total_; }
  // Nearest-rank quantile (the smallest bucket whose cumulative count reaches q x count),
  // returned as the bucket's midpoint; nullopt when empty. q in (0, 1].
  std::optional<double> quantile(double q) const;

 private:
  static int bucket_of(std::uint64_t v);
  static double midpoint(int bucket);
  std::array<std::uint64_t, bucket_count> counts_{};
  std::uint64_t total_ = 0;
};

// Quantile of a cumulative histogram (Prometheus convention: upper bounds `le`, ascending,
// the last may be +inf; cumulative counts), by linear interpolation inside the bucket that
// holds rank q x total, as Prometheus's histogram_quantile does. A quantile in the +inf
// bucket returns the highest finite bound. nullopt when the total is 0.
std::optional<double> histogram_quantile(const std::vector<double>& upper_bounds, const std::vector<double>& cumulative,
                                         double q);

struct LengthPercentiles {
  double p50 = 0, p90 = 0, p99 = 0;
  double samples = 0;  // lengths the percentiles come from
  bool from_histogram = false;  // from a server's histogram (interpolated) rather than rows
};

// What the aggregator found for one key.
struct ImportedWorkload {
  std::string key;
  bool requests_known = true;    // false: tokens-per-day form
  double requests_per_day = 0;   // mean over the window (requests_known)
  double tokens_per_day = 0;     // input + output, mean over the window
  double input_tokens = 0;       // mean per request (requests_known)
  double output_tokens = 0;
  double input_share = 0;        // input / (input + output) tokens over the window
  std::array<double, 24> hourly{};  // requests (or tokens) per local hour, summed over the window
  bool hourly_known = false;        // false when the window has no rows of an hour or finer
  double cached_input_share = 0;
  double cache_write_share = 0;
  double cache_write_1h_share = 0;  // of the cache writes, those with a 1-hour TTL
  double batchable_share = 0;  // of requests (or tokens when requests are not counted)
  std::optional<LengthPercentiles> input_lengths;
  std::optional<LengthPercentiles> output_lengths;
  double window_days = 0;  // length of the window the means cover
  double rows = 0;         // records aggregated (whole period)
  std::optional<BilledTotals> billed;  // whole period; when some record carries a billed cost
};

// Log-linear least-squares fit of daily totals: ln(total_d) = a + b d.
struct GrowthFit {
  double growth_per_month = 0;  // exp(b x 730/24) - 1
  double r_squared = 0;
  int days = 0;                 // full days fitted (days with a zero total are left out)
  int zero_days = 0;
};

struct ImportSummary {
  std::vector<ImportedWorkload> workloads;  // sorted by key
  std::int64_t first_s = 0;                 // earliest record start
  std::int64_t end_s = 0;                   // latest record end
  double window_days = 0;
  std::optional<GrowthFit> growth;          // when the data spans at least min_growth_days
  double period_days = 0;
};

// A UTC offset: "UTC", "Z", "+HH:MM", "-HH:MM", "+HH" or "UTC+HH:MM". Seconds east of UTC,
// or nullopt when `tz` is not one (zone names need a tz database this build does not use).
std::optional<int> parse_utc_offset(std::string_view tz);

// The profile id of a model or tag: lowercase, characters other than letters, digits, '.',
// '_' and '-' replaced with '-'; empty input gives "unknown".
std::string workload_id(std::string_view name);

// The sheet id a model name of the data maps to: the name lowercased, a provider prefix
// ("openai/", "anthropic.") removed, then itself, or itself without a dated snapshot suffix
// ("-2024-08-06", "-20241022", "@20241022", "-v1:0"), when `sheet_ids` has it.
std::optional<std::string> map_to_sheet_model(std::string_view model, const std::vector<std::string>& sheet_ids);

// One offer of a model in a price sheet: an API entry or a managed offering's on-demand prices.
struct ModelOffer {
  std::string id;        // api_models or managed id
  bool managed = false;  // a managed offering (kind: managed, offering: id)
  std::string provider;
  // The model id an option on this offer serves, as a workload's `models:` names it: the
  // api_models id for an API entry, the offering's `model` for a managed one.
  std::string serves;
  std::vector<std::string> service_tiers;  // names of its service tiers
  bool batch = false;                      // has batch prices (its own or its provider's rule)
  int line = 0;
};

// The offers of the same model as `model` (an api_models id or a catalog model id) across
// the sheet's providers: the api_models entry `model` itself; api_models entries of another
// provider whose id is `model` with a provider prefix ("azure-gpt-5.6", "azure-us-gpt-5.6",
// "vertex-claude-sonnet-5" for "gpt-5.6" and "claude-sonnet-5"); managed offerings with
// on-demand prices whose `model` is `model`. In sheet order, `model` itself first.
std::vector<ModelOffer> same_model_offers(const PriceSheet& sheet, const std::string& model);

class Aggregator {
 public:
  // The longest period a key may span: ten years of hours. Beyond, a timestamp is wrong
  // (seconds read as milliseconds, a default date), not a usage log.
  static constexpr std::int64_t max_period_hours = 10 * 366 * 24;
  static constexpr int min_growth_days = 56;  // 8 weeks

  // utc_offset_s: the time zone of the hourly shape and of day boundaries.
  // window_days: the recent level is the mean over this many days before the data's end.
  Aggregator(int utc_offset_s, int window_days);
  Aggregator(const Aggregator&) = delete;  // holds views of its own map's keys
  Aggregator& operator=(const Aggregator&) = delete;

  // Adds one record. Returns false (adding nothing) when it would stretch its key's period
  // beyond max_period_hours.
  bool add(const UsageRecord& r);
  // Lengths from a server's histogram (vLLM): cumulative counts over the period for
  // `upper_bounds`; used for a key that has no single-request rows.
  void add_length_histogram(std::string_view key, bool output, const std::vector<double>& upper_bounds,
                            const std::vector<double>& cumulative);

  std::uint64_t records() const { return records_; }
  ImportSummary finish() const;

 private:
  struct Hour {
    double requests = 0, input = 0, output = 0, cached = 0, cache_write = 0, cache_write_1h = 0;
    double batch_requests = 0, batch_tokens = 0;
    double fine_requests = 0, fine_tokens = 0;  // from rows of an hour or finer (the shape)
  };
  struct Key {
    std::int64_t base_hour = 0;  // hour index of hours[0]
    std::vector<Hour> hours;     // may start before first_hour (grown ahead for rows in reverse order)
    std::int64_t first_hour = 0, last_hour = 0;  // hours of the key's earliest and latest rows
    bool requests_unknown = false;
    double rows = 0;
    LengthSketch input_sketch, output_sketch;
    std::vector<double> hist_bounds[2], hist_counts[2];
    BilledTotals billed;
  };
  Key& key_for(std::string_view k);
  Hour* hour_for(Key& k, std::int64_t hour);

  int utc_offset_s_;
  int window_days_;
  std::map<std::string, Key, std::less<>> keys_;
  // The keys seen last, checked before the map: logs interleave a few models row by row.
  static constexpr std::size_t recent_keys = 8;
  std::vector<std::pair<std::string_view, Key*>> recent_;  // views of keys_'s own strings
  std::uint64_t records_ = 0;
  std::int64_t first_s_ = INT64_MAX;
  std::int64_t end_s_ = INT64_MIN;
};

}  // namespace plan::usage
