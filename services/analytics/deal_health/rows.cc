#include "analytics/deal_health/rows.h"

#include "base/key_codec.h"
#include "domain/support.h"

namespace sfa::analytics::deal_health::rows {
namespace {

bool Parse(absl::string_view bytes, ov1::OpportunitySummary& deal) {
  return deal.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

}  // namespace

int64_t MicrosOf(const google::protobuf::Timestamp& t) { return MicrosOf(domain::ToTime(t)); }

int64_t MicrosOf(absl::Time t) { return absl::ToUnixMicros(t); }

int64_t DayOfMicros(int64_t micros) {
  constexpr int64_t kMicrosPerDay = 86'400'000'000;
  return micros >= 0 ? micros / kMicrosPerDay : -((-micros + kMicrosPerDay - 1) / kMicrosPerDay);
}

std::string DealKey(absl::string_view tenant, absl::string_view opportunity_id) {
  return base::KeyBuilder().String(tenant).String(opportunity_id).Release();
}

std::string PipelineKey(absl::string_view tenant, absl::string_view pipeline_id) {
  return base::KeyBuilder().String(tenant).String(pipeline_id).Release();
}

std::string EncodeSnapshot(ChangeKind kind, const ov1::OpportunitySummary& deal) {
  return base::KeyBuilder().Uint64(static_cast<uint64_t>(kind)).Raw(deal.SerializeAsString()).Release();
}

absl::StatusOr<Snapshot> DecodeSnapshot(absl::string_view key, absl::string_view value) {
  base::KeyReader key_reader(key);
  absl::StatusOr<std::string> tenant = key_reader.String();
  absl::StatusOr<std::string> opp = tenant.ok() ? key_reader.String() : tenant.status();
  absl::StatusOr<int64_t> micros = opp.ok() ? key_reader.Int64() : opp.status();
  base::KeyReader value_reader(value);
  absl::StatusOr<uint64_t> kind = value_reader.Uint64();
  Snapshot out;
  if (!micros.ok() || !kind.ok() || (*kind != 1 && *kind != 2) || !Parse(value_reader.rest(), out.deal)) {
    return absl::DataLossError("unreadable waterfall change");
  }
  out.micros = *micros;
  out.kind = static_cast<ChangeKind>(*kind);
  return out;
}

std::string EncodeStalledRow(const StalledRow& row) {
  return base::KeyBuilder().Int64(row.created_micros).Raw(row.deal.SerializeAsString()).Release();
}

absl::StatusOr<StalledRow> DecodeStalledRow(absl::string_view value) {
  base::KeyReader reader(value);
  absl::StatusOr<int64_t> created = reader.Int64();
  StalledRow out;
  if (!created.ok() || !Parse(reader.rest(), out.deal)) return absl::DataLossError("unreadable stalled row");
  out.created_micros = *created;
  return out;
}

std::map<std::string, int64_t> AmountOf(const ov1::OpportunitySummary& deal) {
  if (deal.amount().currency().empty()) return {};
  return {{deal.amount().currency(), deal.amount().minor_units()}};
}

bool SameAmount(const ov1::OpportunitySummary& a, const ov1::OpportunitySummary& b) {
  return AmountOf(a) == AmountOf(b);
}

}  // namespace sfa::analytics::deal_health::rows
