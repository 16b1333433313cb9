#include "analytics/forecast/exposure.h"

#include <algorithm>

#include "base/key_codec.h"

namespace sfa::analytics::forecast {
namespace {

constexpr uint64_t kFormatVersion = 1;

int64_t EdgeSeconds(int i) { return static_cast<int64_t>(kOverdueEdgesDays[i]) * 86400; }

}  // namespace

int OverdueBucket(absl::Duration x) {
  const int64_t seconds = absl::ToInt64Seconds(x);
  int bucket = 0;
  while (bucket < static_cast<int>(kOverdueEdgesDays.size()) && seconds >= EdgeSeconds(bucket)) ++bucket;
  return bucket;
}

void ExposureTable::Add(const std::string& stage, bool won, absl::Duration from_x, absl::Duration to_x, int sign) {
  int64_t from = absl::ToInt64Seconds(from_x);
  const int64_t to = absl::ToInt64Seconds(to_x);
  if (to <= from) return;
  Cells& cells = stages_[stage];
  std::array<int64_t, kOverdueBuckets>& into = won ? cells.won : cells.lost;
  for (int b = OverdueBucket(from_x); from < to; ++b) {
    const int64_t bucket_end = b < static_cast<int>(kOverdueEdgesDays.size()) ? std::min(to, EdgeSeconds(b)) : to;
    into[b] += sign * (bucket_end - from);
    from = bucket_end;
  }
  const bool all_zero = std::all_of(cells.won.begin(), cells.won.end(), [](int64_t v) { return v == 0; }) &&
                        std::all_of(cells.lost.begin(), cells.lost.end(), [](int64_t v) { return v == 0; });
  if (all_zero) stages_.erase(stage);
}

void ExposureTable::Merge(const ExposureTable& other) {
  for (const auto& [stage, cells] : other.stages_) MergeCells(stage, cells);
}

void ExposureTable::MergeCells(const std::string& stage, const Cells& cells) {
  Cells& into = stages_[stage];
  bool all_zero = true;
  for (int b = 0; b < kOverdueBuckets; ++b) {
    into.won[b] += cells.won[b];
    into.lost[b] += cells.lost[b];
    all_zero = all_zero && into.won[b] == 0 && into.lost[b] == 0;
  }
  if (all_zero) stages_.erase(stage);
}

double ExposureTable::OddsRatio(const std::string& stage, int bucket) const {
  const auto it = stages_.find(stage);
  if (it == stages_.end() || bucket < 0 || bucket >= kOverdueBuckets) return 1.0;
  double won = 0, lost = 0;
  for (int b = 0; b < kOverdueBuckets; ++b) {
    won += static_cast<double>(it->second.won[b]);
    lost += static_cast<double>(it->second.lost[b]);
  }
  if (won <= 0 || lost <= 0) return 1.0;
  const double rate = won / (won + lost);
  const double bucket_won = static_cast<double>(it->second.won[bucket]) + kPriorSeconds * rate;
  const double bucket_lost = static_cast<double>(it->second.lost[bucket]) + kPriorSeconds * (1 - rate);
  return (bucket_won / bucket_lost) / (won / lost);
}

std::string ExposureTable::Serialize() const {
  base::KeyBuilder b;
  b.Uint64(kFormatVersion).Uint64(stages_.size());
  for (const auto& [stage, cells] : stages_) {
    b.String(stage);
    for (int64_t v : cells.won) b.Int64(v);
    for (int64_t v : cells.lost) b.Int64(v);
  }
  return b.Release();
}

absl::StatusOr<ExposureTable> ExposureTable::Parse(absl::string_view bytes) {
  base::KeyReader r(bytes);
  absl::StatusOr<uint64_t> version = r.Uint64();
  if (!version.ok() || *version != kFormatVersion) return absl::DataLossError("exposure table: unknown version");
  absl::StatusOr<uint64_t> count = r.Uint64();
  if (!count.ok()) return absl::DataLossError("exposure table: truncated");
  ExposureTable table;
  for (uint64_t i = 0; i < *count; ++i) {
    absl::StatusOr<std::string> stage = r.String();
    if (!stage.ok()) return absl::DataLossError("exposure table: truncated");
    Cells& cells = table.stages_[*stage];
    for (std::array<int64_t, kOverdueBuckets>* side : {&cells.won, &cells.lost}) {
      for (int64_t& v : *side) {
        absl::StatusOr<int64_t> value = r.Int64();
        if (!value.ok()) return absl::DataLossError("exposure table: truncated");
        v = *value;
      }
    }
  }
  if (!r.done()) return absl::DataLossError("exposure table: trailing bytes");
  return table;
}

double ScaleOdds(double p, double ratio) {
  if (p <= 0 || p >= 1) return p;
  const double odds = p / (1 - p) * ratio;
  return odds / (1 + odds);
}

}  // namespace sfa::analytics::forecast
