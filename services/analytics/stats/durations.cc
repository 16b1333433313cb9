#include "analytics/stats/durations.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/key_codec.h"

namespace sfa::analytics::stats {
namespace {

constexpr uint64_t kHistogramFormat = 1;
constexpr uint64_t kSlippageFormat = 1;
constexpr int kOverflow = kDurationBuckets - 1;
constexpr int kLogBuckets = kDurationBuckets - 2;

// Edges in whole microseconds, so that Lower(b) is exactly an absl::Duration and BucketOf(Lower(b)) == b:
// edge[b] is the lower bound of bucket b, edge[kDurationBuckets - 1] = 5 years.
const std::array<int64_t, kDurationBuckets>& EdgeMicros() {
  static const std::array<int64_t, kDurationBuckets> edges = [] {
    std::array<int64_t, kDurationBuckets> e{};
    const double floor = absl::ToDoubleMicroseconds(kHistogramFloor);
    const double ceiling = absl::ToDoubleMicroseconds(kHistogramCeiling);
    const double log_ratio = std::log(ceiling / floor) / kLogBuckets;
    e[0] = 0;
    for (int b = 1; b < kOverflow; ++b) e[b] = std::llround(floor * std::exp(log_ratio * (b - 1)));
    e[kOverflow] = absl::ToInt64Microseconds(kHistogramCeiling);
    return e;
  }();
  return edges;
}

// The same edges in seconds, for CDF knots.
const std::array<double, kDurationBuckets>& Edges() {
  static const std::array<double, kDurationBuckets> edges = [] {
    std::array<double, kDurationBuckets> e{};
    for (int b = 0; b < kDurationBuckets; ++b) e[b] = static_cast<double>(EdgeMicros()[b]) / 1e6;
    return e;
  }();
  return edges;
}

int BucketOfMicros(int64_t us) {
  const auto& edges = EdgeMicros();
  if (us < edges[1]) return 0;
  if (us >= edges[kOverflow]) return kOverflow;
  static const double log_ratio =
      std::log(static_cast<double>(edges[kOverflow]) / static_cast<double>(edges[1])) / kLogBuckets;
  int b = 1 + static_cast<int>(std::log(static_cast<double>(us) / static_cast<double>(edges[1])) / log_ratio);
  b = std::clamp(b, 1, kOverflow - 1);
  while (us < edges[b]) --b;  // rounding of the logarithm near an edge
  while (us >= edges[b + 1]) ++b;
  return b;
}

// CDF knots under construction; equal consecutive knots are dropped.
struct Knots {
  std::vector<double> seconds;
  std::vector<double> cumulative;

  void Add(double s, double c) {
    if (!seconds.empty() && seconds.back() == s && cumulative.back() == c) return;
    seconds.push_back(s);
    cumulative.push_back(c);
  }
};

// Appends the knots of a histogram's values, ascending, after `before` smaller values out of `total`.
// `mirrored` lays the magnitudes out as negative values (the early side of slippage).
void AppendKnots(const DurationHistogram& h, int64_t before, int64_t total, bool mirrored, Knots& knots) {
  const auto& edges = Edges();
  const auto& c = h.buckets();
  const double n = static_cast<double>(total);
  int64_t running = before;
  if (mirrored) {
    knots.Add(-edges[kOverflow], running / n);
    running += c[kOverflow];
    knots.Add(-edges[kOverflow], running / n);
    for (int b = kOverflow - 1; b >= 0; --b) {
      running += c[b];
      knots.Add(-edges[b], running / n);
    }
    return;
  }
  knots.Add(0, running / n);
  for (int b = 0; b < kOverflow; ++b) {
    running += c[b];
    knots.Add(edges[b + 1], running / n);
  }
  running += c[kOverflow];
  knots.Add(edges[kOverflow], running / n);
}

absl::StatusOr<uint64_t> Read(base::KeyReader& reader) { return reader.Uint64(); }

}  // namespace

double EmpiricalCdf::Cdf(absl::Duration x) const {
  assert(!empty());
  const double s = absl::ToDoubleSeconds(x);
  const size_t k = std::upper_bound(seconds_.begin(), seconds_.end(), s) - seconds_.begin();
  if (k == 0) return 0;
  if (k == seconds_.size()) return 1;
  const double x0 = seconds_[k - 1], x1 = seconds_[k];
  const double f0 = cumulative_[k - 1], f1 = cumulative_[k];
  return f0 + (f1 - f0) * (s - x0) / (x1 - x0);
}

std::optional<absl::Duration> EmpiricalCdf::Quantile(double q) const {
  if (empty()) return std::nullopt;
  q = std::clamp(q, 0.0, 1.0);
  // For q = 0 the first knot with mass below it, so the answer is where the values start.
  const auto it = q > 0 ? std::lower_bound(cumulative_.begin(), cumulative_.end(), q)
                        : std::upper_bound(cumulative_.begin(), cumulative_.end(), 0.0);
  size_t k = it - cumulative_.begin();
  if (k >= seconds_.size()) k = seconds_.size() - 1;  // rounding: q just above the last cumulative
  if (k == 0) return absl::Seconds(seconds_[0]);
  const double x0 = seconds_[k - 1], x1 = seconds_[k];
  const double f0 = cumulative_[k - 1], f1 = cumulative_[k];
  const double s = f1 > f0 ? x0 + (x1 - x0) * std::clamp((q - f0) / (f1 - f0), 0.0, 1.0) : x1;
  return absl::Seconds(s);
}

int DurationHistogram::BucketOf(absl::Duration d) {
  // Truncation to whole microseconds keeps every value in the bucket its exact value belongs to: edges
  // are whole microseconds.
  return BucketOfMicros(absl::ToInt64Microseconds(d));
}

absl::Duration DurationHistogram::Lower(int bucket) { return absl::Microseconds(EdgeMicros()[bucket]); }

absl::Duration DurationHistogram::Upper(int bucket) {
  return bucket >= kOverflow ? absl::InfiniteDuration() : absl::Microseconds(EdgeMicros()[bucket + 1]);
}

void DurationHistogram::Add(absl::Duration d, int64_t count) {
  assert(count >= 0);
  buckets_[BucketOf(d)] += count;
  total_ += count;
}

void DurationHistogram::Merge(const DurationHistogram& other) {
  for (int b = 0; b < kDurationBuckets; ++b) buckets_[b] += other.buckets_[b];
  total_ += other.total_;
}

absl::Status DurationHistogram::Subtract(const DurationHistogram& other) {
  for (int b = 0; b < kDurationBuckets; ++b) {
    if (other.buckets_[b] > buckets_[b]) {
      return absl::InvalidArgumentError(absl::StrCat("duration histogram: bucket ", b, " would go negative"));
    }
  }
  for (int b = 0; b < kDurationBuckets; ++b) buckets_[b] -= other.buckets_[b];
  total_ -= other.total_;
  return absl::OkStatus();
}

std::optional<absl::Duration> DurationHistogram::Percentile(double q) const { return Cdf().Quantile(q); }

EmpiricalCdf DurationHistogram::Cdf() const {
  if (total_ == 0) return EmpiricalCdf();
  Knots knots;
  AppendKnots(*this, 0, total_, /*mirrored=*/false, knots);
  return EmpiricalCdf(std::move(knots.seconds), std::move(knots.cumulative));
}

std::string DurationHistogram::Serialize() const {
  const int non_empty =
      static_cast<int>(std::count_if(buckets_.begin(), buckets_.end(), [](int64_t c) { return c > 0; }));
  base::KeyBuilder out;
  out.Uint64(kHistogramFormat).Uint64(kDurationBuckets).Uint64(non_empty);
  for (int b = 0; b < kDurationBuckets; ++b) {
    if (buckets_[b] > 0) out.Uint64(b).Uint64(buckets_[b]);
  }
  return out.Release();
}

absl::StatusOr<DurationHistogram> DurationHistogram::Parse(absl::string_view bytes) {
  base::KeyReader reader(bytes);
  absl::StatusOr<uint64_t> version = Read(reader);
  if (!version.ok()) return version.status();
  absl::StatusOr<uint64_t> buckets = Read(reader);
  if (!buckets.ok()) return buckets.status();
  if (*version != kHistogramFormat || *buckets != kDurationBuckets) {
    return absl::InvalidArgumentError(
        absl::StrCat("duration histogram: unknown format ", *version, " with ", *buckets, " buckets"));
  }
  absl::StatusOr<uint64_t> non_empty = Read(reader);
  if (!non_empty.ok()) return non_empty.status();
  if (*non_empty > kDurationBuckets) return absl::InvalidArgumentError("duration histogram: too many buckets");
  DurationHistogram h;
  int previous = -1;
  for (uint64_t k = 0; k < *non_empty; ++k) {
    absl::StatusOr<uint64_t> bucket = Read(reader);
    if (!bucket.ok()) return bucket.status();
    absl::StatusOr<uint64_t> count = Read(reader);
    if (!count.ok()) return count.status();
    const uint64_t room = static_cast<uint64_t>(std::numeric_limits<int64_t>::max() - h.total_);
    if (*bucket >= kDurationBuckets || static_cast<int>(*bucket) <= previous || *count == 0 || *count > room) {
      return absl::InvalidArgumentError("duration histogram: bad bucket entry");
    }
    previous = static_cast<int>(*bucket);
    h.buckets_[previous] = static_cast<int64_t>(*count);
    h.total_ += static_cast<int64_t>(*count);
  }
  if (!reader.done()) return absl::InvalidArgumentError("duration histogram: trailing bytes");
  return h;
}

void SlippageHistogram::Add(absl::Duration d, int64_t count) {
  if (d < absl::ZeroDuration()) {
    early_.Add(-d, count);
  } else {
    late_.Add(d, count);
  }
}

void SlippageHistogram::Merge(const SlippageHistogram& other) {
  early_.Merge(other.early_);
  late_.Merge(other.late_);
}

absl::Status SlippageHistogram::Subtract(const SlippageHistogram& other) {
  DurationHistogram early = early_;
  if (absl::Status s = early.Subtract(other.early_); !s.ok()) return s;
  if (absl::Status s = late_.Subtract(other.late_); !s.ok()) return s;
  early_ = std::move(early);
  return absl::OkStatus();
}

std::optional<absl::Duration> SlippageHistogram::Percentile(double q) const { return Cdf().Quantile(q); }

EmpiricalCdf SlippageHistogram::Cdf() const {
  const int64_t total = count();
  if (total == 0) return EmpiricalCdf();
  // Early values run from -5y up to 0, late ones from 0 up; the two meet at the knot (0, early share).
  Knots knots;
  AppendKnots(early_, 0, total, /*mirrored=*/true, knots);
  AppendKnots(late_, early_.count(), total, /*mirrored=*/false, knots);
  return EmpiricalCdf(std::move(knots.seconds), std::move(knots.cumulative));
}

std::string SlippageHistogram::Serialize() const {
  base::KeyBuilder out;
  out.Uint64(kSlippageFormat).String(early_.Serialize()).String(late_.Serialize());
  return out.Release();
}

absl::StatusOr<SlippageHistogram> SlippageHistogram::Parse(absl::string_view bytes) {
  base::KeyReader reader(bytes);
  absl::StatusOr<uint64_t> version = Read(reader);
  if (!version.ok()) return version.status();
  if (*version != kSlippageFormat) {
    return absl::InvalidArgumentError(absl::StrCat("slippage histogram: unknown format ", *version));
  }
  SlippageHistogram h;
  for (DurationHistogram* side : {&h.early_, &h.late_}) {
    absl::StatusOr<std::string> bytes_of_side = reader.String();
    if (!bytes_of_side.ok()) return bytes_of_side.status();
    absl::StatusOr<DurationHistogram> parsed = DurationHistogram::Parse(*bytes_of_side);
    if (!parsed.ok()) return parsed.status();
    *side = std::move(*parsed);
  }
  if (!reader.done()) return absl::InvalidArgumentError("slippage histogram: trailing bytes");
  return h;
}

}  // namespace sfa::analytics::stats
