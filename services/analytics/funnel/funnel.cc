#include "analytics/funnel/funnel.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "analytics/dims/dims.h"
#include "analytics/projections/projections.h"
#include "analytics/stats/durations.h"
#include "base/key_codec.h"
#include "domain/field_checks.h"
#include "domain/support.h"
#include "eventstore/read_model_rows.h"
#include "eventstore/read_model_scan.h"
#include "google/protobuf/util/time_util.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"

namespace sfa::analytics::funnel {
namespace {

namespace ov1 = ::sfa::opportunity::v1;
using sfa::common::v1::EventEnvelope;

constexpr char kDealsCf[] = "rm_an_funnel_deal";  // t|opp -> Deal
constexpr char kCellsCf[] = "rm_an_funnel";       // t|pipeline|kind|value|stage|month -> Cell
constexpr size_t kMaxIdLength = 64;

// The dimensions a cell is kept under; team, region and industry are joined at query time (dims.h).
constexpr char kAll[] = "all";
constexpr char kOwner[] = "owner";
constexpr char kLeadSource[] = "lead_source";
constexpr char kProduct[] = "product";
constexpr char kAccount[] = "account";

// A stage the deal reached, with the cohort (first entry) it counts in.
struct Reached {
  std::string stage_id;
  int64_t entered_micros = 0;
  std::string owner;  // the owner when it entered: later outcomes count in the same cell
  bool advanced = false;
  bool won = false;
};

struct Deal {
  std::string pipeline_id, owner, account_id, lead_source, stage_id;
  std::vector<std::string> product_ids;
  int64_t stage_entered_micros = 0;
  std::vector<Reached> reached;

  std::string Encode() const {
    base::KeyBuilder b;
    b.String(pipeline_id).String(owner).String(account_id).String(lead_source).String(stage_id);
    b.Int64(stage_entered_micros).Uint64(product_ids.size());
    for (const std::string& p : product_ids) b.String(p);
    b.Uint64(reached.size());
    for (const Reached& r : reached) {
      b.String(r.stage_id).Int64(r.entered_micros).String(r.owner).Uint64((r.advanced ? 1 : 0) | (r.won ? 2 : 0));
    }
    return b.Release();
  }
  static absl::StatusOr<Deal> Decode(absl::string_view bytes) {
    base::KeyReader r(bytes);
    Deal d;
    auto str = [&](std::string& out) -> absl::Status {
      absl::StatusOr<std::string> v = r.String();
      if (!v.ok()) return v.status();
      out = *std::move(v);
      return absl::OkStatus();
    };
    SFA_RETURN_IF_ERROR(str(d.pipeline_id));
    SFA_RETURN_IF_ERROR(str(d.owner));
    SFA_RETURN_IF_ERROR(str(d.account_id));
    SFA_RETURN_IF_ERROR(str(d.lead_source));
    SFA_RETURN_IF_ERROR(str(d.stage_id));
    absl::StatusOr<int64_t> entered = r.Int64();
    absl::StatusOr<uint64_t> products = entered.ok() ? r.Uint64() : entered.status();
    if (!products.ok()) return products.status();
    d.stage_entered_micros = *entered;
    d.product_ids.resize(*products);
    for (std::string& p : d.product_ids) SFA_RETURN_IF_ERROR(str(p));
    absl::StatusOr<uint64_t> reached = r.Uint64();
    if (!reached.ok()) return reached.status();
    d.reached.resize(*reached);
    for (Reached& s : d.reached) {
      SFA_RETURN_IF_ERROR(str(s.stage_id));
      absl::StatusOr<int64_t> micros = r.Int64();
      if (!micros.ok()) return micros.status();
      s.entered_micros = *micros;
      SFA_RETURN_IF_ERROR(str(s.owner));
      absl::StatusOr<uint64_t> flags = r.Uint64();
      if (!flags.ok()) return flags.status();
      s.advanced = (*flags & 1) != 0;
      s.won = (*flags & 2) != 0;
    }
    return d;
  }
  Reached* Find(const std::string& stage) {
    for (Reached& r : reached) {
      if (r.stage_id == stage) return &r;
    }
    return nullptr;
  }
};

struct Cell {
  int64_t entered = 0, advanced = 0, won = 0;
  stats::DurationHistogram days;  // time in the stage, per stay, added when the stay ends

  std::string Encode() const {
    return base::KeyBuilder().Int64(entered).Int64(advanced).Int64(won).String(days.Serialize()).Release();
  }
  static absl::StatusOr<Cell> Decode(absl::string_view bytes) {
    base::KeyReader r(bytes);
    absl::StatusOr<int64_t> entered = r.Int64(), advanced = r.Int64(), won = r.Int64();
    absl::StatusOr<std::string> days = r.String();
    if (!entered.ok() || !advanced.ok() || !won.ok() || !days.ok()) return absl::DataLossError("unreadable funnel cell");
    absl::StatusOr<stats::DurationHistogram> h = stats::DurationHistogram::Parse(*days);
    if (!h.ok()) return h.status();
    return Cell{*entered, *advanced, *won, *std::move(h)};
  }
  void Merge(const Cell& o) {
    entered += o.entered;
    advanced += o.advanced;
    won += o.won;
    days.Merge(o.days);
  }
};

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixNanos(google::protobuf::util::TimeUtil::TimestampToNanoseconds(t));
}

template <typename Message>
bool Is(const EventEnvelope& event) {
  return event.payload_type() == Message::descriptor()->full_name();
}

template <typename Message>
absl::StatusOr<Message> Parse(const EventEnvelope& event) {
  Message m;
  if (!m.ParseFromString(event.payload())) return absl::DataLossError(absl::StrCat("unreadable ", Message::descriptor()->name()));
  return m;
}

// Folds one event of one deal into its row and the cells it changes.
class Fold {
 public:
  Fold(const EventEnvelope& event, eventstore::ReadModelTxn& txn) : event_(event), txn_(txn) {}

  absl::Status Created(const ov1::OpportunityCreated& e) {
    deal_.pipeline_id = e.pipeline_id();
    deal_.owner = e.owner_user_id();
    deal_.account_id = e.account_id();
    deal_.lead_source = e.lead_source();
    deal_.product_ids.assign(e.product_ids().begin(), e.product_ids().end());
    SFA_RETURN_IF_ERROR(LoadPipeline());
    SFA_RETURN_IF_ERROR(Enter(e.stage_id()));
    return Save();
  }

  absl::Status StageChanged(const ov1::OpportunityStageChanged& e) {
    SFA_RETURN_IF_ERROR(Load());
    if (!found_) return absl::OkStatus();  // a deal created before this read model existed
    SFA_RETURN_IF_ERROR(LoadPipeline());
    SFA_RETURN_IF_ERROR(EndStay());
    const ov1::StageType to = TypeOf(e.to_stage_id());
    if (to == ov1::STAGE_TYPE_WON) {
      for (Reached& r : deal_.reached) {
        if (!r.advanced) {
          SFA_RETURN_IF_ERROR(Count(r, [](Cell& c) { ++c.advanced; }));
          r.advanced = true;
        }
        if (!r.won) {
          SFA_RETURN_IF_ERROR(Count(r, [](Cell& c) { ++c.won; }));
          r.won = true;
        }
      }
    } else if (to == ov1::STAGE_TYPE_OPEN) {
      const int order = OrderOf(e.to_stage_id());
      for (Reached& r : deal_.reached) {
        if (!r.advanced && OrderOf(r.stage_id) < order) {
          SFA_RETURN_IF_ERROR(Count(r, [](Cell& c) { ++c.advanced; }));
          r.advanced = true;
        }
      }
    }
    SFA_RETURN_IF_ERROR(Enter(e.to_stage_id()));
    return Save();
  }

  absl::Status OwnerChanged(const ov1::OpportunityOwnerChanged& e) {
    SFA_RETURN_IF_ERROR(Load());
    if (!found_) return absl::OkStatus();
    deal_.owner = e.to_owner_user_id();
    return Save();
  }

 private:
  std::string DealKey() const { return base::KeyBuilder().String(event_.tenant()).String(event_.aggregate_id()).Release(); }
  int64_t Micros() const { return absl::ToUnixMicros(TimeOf(event_.occurred_at())); }

  absl::Status Load() {
    absl::StatusOr<std::optional<std::string>> bytes = txn_.Get(kDealsCf, DealKey());
    if (!bytes.ok()) return bytes.status();
    found_ = bytes->has_value();
    if (!found_) return absl::OkStatus();
    absl::StatusOr<Deal> deal = Deal::Decode(**bytes);
    if (!deal.ok()) return deal.status();
    deal_ = *std::move(deal);
    return absl::OkStatus();
  }
  absl::Status Save() { return txn_.Put(kDealsCf, DealKey(), deal_.Encode()); }

  absl::Status LoadPipeline() {
    absl::StatusOr<std::optional<ov1::PipelineDefined>> pipeline = eventstore::ReadRow<ov1::PipelineDefined>(
        txn_, projections::kPipelinesCf, base::KeyBuilder().String(event_.tenant()).String(deal_.pipeline_id).Release());
    if (!pipeline.ok()) return pipeline.status();
    if (pipeline->has_value()) pipeline_ = **pipeline;
    return absl::OkStatus();
  }
  ov1::StageType TypeOf(const std::string& stage) const {
    for (const ov1::Stage& s : pipeline_.stages()) {
      if (s.stage_id() == stage) return s.type();
    }
    return ov1::STAGE_TYPE_UNSPECIFIED;
  }
  int OrderOf(const std::string& stage) const {
    for (int i = 0; i < pipeline_.stages_size(); ++i) {
      if (pipeline_.stages(i).stage_id() == stage) return i;
    }
    return -1;
  }

  // The first entry into an open stage starts its cohort; later entries only restart the stay.
  absl::Status Enter(const std::string& stage) {
    deal_.stage_id = stage;
    deal_.stage_entered_micros = Micros();
    if (TypeOf(stage) != ov1::STAGE_TYPE_OPEN || deal_.Find(stage) != nullptr) return absl::OkStatus();
    deal_.reached.push_back({stage, Micros(), deal_.owner, false, false});
    return Count(deal_.reached.back(), [](Cell& c) { ++c.entered; });
  }

  absl::Status EndStay() {
    Reached* r = deal_.Find(deal_.stage_id);
    if (r == nullptr) return absl::OkStatus();  // a terminal stage
    const absl::Duration stay = absl::Microseconds(Micros() - deal_.stage_entered_micros);
    return Count(*r, [&](Cell& c) { c.days.Add(stay); });
  }

  // Applies `change` to every cell the stay `r` counts in.
  template <typename Change>
  absl::Status Count(const Reached& r, Change change) {
    const uint64_t month = projections::MonthOf(absl::FromUnixMicros(r.entered_micros));
    std::vector<std::pair<const char*, std::string>> dims = {
        {kAll, ""}, {kOwner, r.owner}, {kLeadSource, deal_.lead_source}, {kAccount, deal_.account_id}};
    for (const std::string& p : deal_.product_ids) dims.push_back({kProduct, p});
    for (const auto& [kind, value] : dims) {
      const std::string key = base::KeyBuilder()
                                  .String(event_.tenant())
                                  .String(deal_.pipeline_id)
                                  .String(kind)
                                  .String(value)
                                  .String(r.stage_id)
                                  .Uint64(month)
                                  .Release();
      absl::StatusOr<std::optional<std::string>> bytes = txn_.Get(kCellsCf, key);
      if (!bytes.ok()) return bytes.status();
      Cell cell;
      if (bytes->has_value()) {
        absl::StatusOr<Cell> parsed = Cell::Decode(**bytes);
        if (!parsed.ok()) return parsed.status();
        cell = *std::move(parsed);
      }
      change(cell);
      SFA_RETURN_IF_ERROR(txn_.Put(kCellsCf, key, cell.Encode()));
    }
    return absl::OkStatus();
  }

  const EventEnvelope& event_;
  eventstore::ReadModelTxn& txn_;
  Deal deal_;
  bool found_ = false;
  ov1::PipelineDefined pipeline_;
};

// The stored dimension a group_by reads, and whether its values are joined at query time.
const char* KindOf(v1::GroupBy g) {
  switch (g) {
    case v1::GROUP_BY_OWNER:
    case v1::GROUP_BY_TEAM:
    case v1::GROUP_BY_REGION:
      return kOwner;
    case v1::GROUP_BY_LEAD_SOURCE:
      return kLeadSource;
    case v1::GROUP_BY_PRODUCT:
      return kProduct;
    case v1::GROUP_BY_INDUSTRY:
      return kAccount;
    default:
      return kAll;
  }
}

}  // namespace

std::vector<std::string> FunnelProjection::column_families() const { return {kDealsCf, kCellsCf}; }

// Reads the pipeline definitions of the stage_stats read model, which ReadModels applies before this one
// in the same commit.
absl::Status FunnelProjection::Apply(const EventEnvelope& event, eventstore::ReadModelTxn& txn) {
  Fold fold(event, txn);
  if (Is<ov1::OpportunityCreated>(event)) {
    absl::StatusOr<ov1::OpportunityCreated> e = Parse<ov1::OpportunityCreated>(event);
    return e.ok() ? fold.Created(*e) : e.status();
  }
  if (Is<ov1::OpportunityStageChanged>(event)) {
    absl::StatusOr<ov1::OpportunityStageChanged> e = Parse<ov1::OpportunityStageChanged>(event);
    return e.ok() ? fold.StageChanged(*e) : e.status();
  }
  if (Is<ov1::OpportunityOwnerChanged>(event)) {
    absl::StatusOr<ov1::OpportunityOwnerChanged> e = Parse<ov1::OpportunityOwnerChanged>(event);
    return e.ok() ? fold.OwnerChanged(*e) : e.status();
  }
  return absl::OkStatus();
}

absl::Status Validate(const v1::GetFunnelRequest& r) {
  if (r.pipeline_id().empty()) return absl::InvalidArgumentError("pipeline_id is required");
  if (r.pipeline_id().size() > kMaxIdLength) {
    return absl::InvalidArgumentError(absl::StrCat("pipeline_id must be at most ", kMaxIdLength, " characters"));
  }
  if (r.has_from()) SFA_RETURN_IF_ERROR(domain::Time("from", r.from()));
  if (r.has_to()) SFA_RETURN_IF_ERROR(domain::Time("to", r.to()));
  if (r.has_from() && r.has_to() && TimeOf(r.from()) >= TimeOf(r.to())) {
    return absl::InvalidArgumentError("from must be before to");
  }
  return dims::ValidateGroupBy(r.group_by(), "group_by");
}

absl::StatusOr<v1::GetFunnelResponse> Funnel(const eventstore::EventStore& store, const std::string& tenant,
                                             const v1::GetFunnelRequest& r, absl::Time) {
  absl::StatusOr<std::optional<ov1::PipelineDefined>> pipeline = eventstore::GetRow<ov1::PipelineDefined>(
      store, projections::kPipelinesCf, base::KeyBuilder().String(tenant).String(r.pipeline_id()).Release());
  if (!pipeline.ok()) return pipeline.status();
  if (!pipeline->has_value()) return absl::NotFoundError(absl::StrCat("pipeline_id ", r.pipeline_id(), " not found"));
  // Cohorts are whole calendar months (UTC): `from` counts from its month, `to` up to the month before it
  // ends (exclusive).
  const uint64_t first = r.has_from() ? projections::MonthOf(TimeOf(r.from())) : 0;
  const uint64_t last = r.has_to() ? projections::MonthOf(TimeOf(r.to()) - absl::Nanoseconds(1)) : UINT64_MAX;
  const char* kind = KindOf(r.group_by());
  dims::Lookup lookup(store, tenant);
  std::map<std::string, std::map<std::string, Cell>> groups;  // group -> stage -> cell
  const std::string prefix = base::KeyBuilder().String(tenant).String(r.pipeline_id()).String(kind).Release();
  absl::Status failure;
  SFA_RETURN_IF_ERROR(eventstore::ForEachInPrefix(
      store, kCellsCf, prefix, [&](absl::string_view key, absl::string_view value) -> absl::Status {
        base::KeyReader reader(key.substr(prefix.size()));
        absl::StatusOr<std::string> dim = reader.String(), stage = reader.String();
        absl::StatusOr<uint64_t> month = reader.Uint64();
        if (!dim.ok() || !stage.ok() || !month.ok()) return absl::DataLossError("unreadable funnel key");
        if (*month < first || *month > last) return absl::OkStatus();
        absl::StatusOr<Cell> cell = Cell::Decode(value);
        if (!cell.ok()) return cell.status();
        dims::DealKeys deal;
        deal.owner_user_id = deal.account_id = deal.lead_source = *dim;
        deal.product_ids = {*dim};
        for (const std::string& group : lookup.Keys(r.group_by(), deal)) groups[group][*stage].Merge(*cell);
        return absl::OkStatus();
      }));
  v1::GetFunnelResponse out;
  for (const auto& [key, stages] : groups) {
    v1::FunnelGroup* group = out.add_groups();
    group->set_key(key);
    for (int i = 0; i < (*pipeline)->stages_size(); ++i) {
      const ov1::Stage& stage = (*pipeline)->stages(i);
      if (stage.type() != ov1::STAGE_TYPE_OPEN) continue;
      v1::FunnelStage* s = group->add_stages();
      s->set_stage_id(stage.stage_id());
      s->set_stage_name(stage.name());
      auto it = stages.find(stage.stage_id());
      if (it == stages.end()) continue;
      const Cell& c = it->second;
      s->set_entered(c.entered);
      s->set_advanced(c.advanced);
      s->set_won(c.won);
      if (c.entered > 0) {
        s->set_conversion_to_next(static_cast<double>(c.advanced) / static_cast<double>(c.entered));
        s->set_conversion_to_won(static_cast<double>(c.won) / static_cast<double>(c.entered));
      }
      if (auto median = c.days.Percentile(0.5)) s->set_median_days_in_stage(absl::ToDoubleHours(*median) / 24.0);
    }
  }
  return out;
}

}  // namespace sfa::analytics::funnel
