#include "analytics/funnel/funnel.h"

#include <algorithm>
#include <map>
#include <functional>
#include <optional>
#include <set>
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
constexpr char kPipelineCf[] = "rm_an_funnel_pipeline";       // t|pipeline -> PipelineDefined (the latest)
constexpr char kByPipelineCf[] = "rm_an_funnel_by_pipeline";  // t|pipeline|opp -> ""
constexpr size_t kMaxIdLength = 64;

// The dimensions a cell is kept under; team, region and industry are joined at query time (dims.h).
constexpr char kAll[] = "all";
constexpr char kOwner[] = "owner";
constexpr char kLeadSource[] = "lead_source";
constexpr char kProduct[] = "product";
constexpr char kAccount[] = "account";

// One entry into a stage, as the deal's events recorded it.
struct Step {
  std::string stage_id;
  int64_t micros = 0;
  std::string owner;  // the owner at the entry: the cohort's counts stay under it
};

// A deal's history as the funnel needs it. What it counts (Contribution) is a function of this history
// and the pipeline's definition, so neither the order in which a deal's and its pipeline's events
// arrive (different partitions) nor a redefinition changes the result.
struct Deal {
  std::string pipeline_id, owner, account_id, lead_source;
  std::vector<std::string> product_ids;
  std::vector<Step> steps;

  std::string Encode() const {
    base::KeyBuilder b;
    b.String(pipeline_id).String(owner).String(account_id).String(lead_source).Uint64(product_ids.size());
    for (const std::string& p : product_ids) b.String(p);
    b.Uint64(steps.size());
    for (const Step& st : steps) b.String(st.stage_id).Int64(st.micros).String(st.owner);
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
    absl::StatusOr<uint64_t> products = r.Uint64();
    if (!products.ok()) return products.status();
    d.product_ids.resize(*products);
    for (std::string& p : d.product_ids) SFA_RETURN_IF_ERROR(str(p));
    absl::StatusOr<uint64_t> steps = r.Uint64();
    if (!steps.ok()) return steps.status();
    d.steps.resize(*steps);
    for (Step& st : d.steps) {
      SFA_RETURN_IF_ERROR(str(st.stage_id));
      absl::StatusOr<int64_t> micros = r.Int64();
      if (!micros.ok()) return micros.status();
      st.micros = *micros;
      SFA_RETURN_IF_ERROR(str(st.owner));
    }
    return d;
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
  absl::Status Subtract(const Cell& o) {
    entered -= o.entered;
    advanced -= o.advanced;
    won -= o.won;
    return days.Subtract(o.days);
  }
  bool empty() const { return entered == 0 && advanced == 0 && won == 0 && days.count() == 0; }
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

ov1::StageType TypeOf(const ov1::PipelineDefined& pipeline, const std::string& stage) {
  for (const ov1::Stage& st : pipeline.stages()) {
    if (st.stage_id() == stage) return st.type();
  }
  return ov1::STAGE_TYPE_UNSPECIFIED;
}

int OrderOf(const ov1::PipelineDefined& pipeline, const std::string& stage) {
  for (int i = 0; i < pipeline.stages_size(); ++i) {
    if (pipeline.stages(i).stage_id() == stage) return i;
  }
  return -1;
}

using Cells = std::map<std::string, Cell>;  // cell key -> what one deal adds to it

// What `deal` adds to the cells under `pipeline`: per open stage it entered, one count in the cohort of
// its first entry (under the owner then), advanced when it later reached a later stage or won, won when
// it was won later; and each ended stay in an open stage in that cohort's durations.
Cells Contribution(const std::string& tenant, const Deal& deal, const ov1::PipelineDefined& pipeline) {
  struct Reached {
    std::string stage_id, owner;
    int64_t micros = 0;
    bool advanced = false, won = false;
    stats::DurationHistogram days;
  };
  std::vector<Reached> reached;
  auto find = [&](const std::string& stage) -> Reached* {
    for (Reached& r : reached) {
      if (r.stage_id == stage) return &r;
    }
    return nullptr;
  };
  for (size_t i = 0; i < deal.steps.size(); ++i) {
    const Step& step = deal.steps[i];
    if (i > 0) {
      const Step& previous = deal.steps[i - 1];
      if (Reached* r = find(previous.stage_id)) r->days.Add(absl::Microseconds(step.micros - previous.micros));
    }
    const ov1::StageType type = TypeOf(pipeline, step.stage_id);
    if (type == ov1::STAGE_TYPE_WON) {
      for (Reached& r : reached) r.advanced = r.won = true;
    } else if (type == ov1::STAGE_TYPE_OPEN) {
      const int order = OrderOf(pipeline, step.stage_id);
      for (Reached& r : reached) {
        if (OrderOf(pipeline, r.stage_id) < order) r.advanced = true;
      }
      if (find(step.stage_id) == nullptr) reached.push_back({step.stage_id, step.owner, step.micros});
    }
  }
  Cells out;
  for (const Reached& r : reached) {
    const uint64_t month = projections::MonthOf(absl::FromUnixMicros(r.micros));
    std::vector<std::pair<const char*, std::string>> dims = {
        {kAll, ""}, {kOwner, r.owner}, {kLeadSource, deal.lead_source}, {kAccount, deal.account_id}};
    for (const std::string& p : deal.product_ids) dims.push_back({kProduct, p});
    for (const auto& [kind, value] : dims) {
      Cell& c = out[base::KeyBuilder()
                        .String(tenant)
                        .String(deal.pipeline_id)
                        .String(kind)
                        .String(value)
                        .String(r.stage_id)
                        .Uint64(month)
                        .Release()];
      c.entered += 1;
      c.advanced += r.advanced ? 1 : 0;
      c.won += r.won ? 1 : 0;
      c.days.Merge(r.days);
    }
  }
  return out;
}

// cells += after - before.
absl::Status ApplyDifference(eventstore::ReadModelTxn& txn, const Cells& before, const Cells& after) {
  std::set<std::string> keys;
  for (const auto& [k, c] : before) keys.insert(k);
  for (const auto& [k, c] : after) keys.insert(k);
  for (const std::string& key : keys) {
    absl::StatusOr<std::optional<std::string>> bytes = txn.Get(kCellsCf, key);
    if (!bytes.ok()) return bytes.status();
    Cell cell;
    if (bytes->has_value()) {
      absl::StatusOr<Cell> parsed = Cell::Decode(**bytes);
      if (!parsed.ok()) return parsed.status();
      cell = *std::move(parsed);
    }
    if (auto it = after.find(key); it != after.end()) cell.Merge(it->second);
    if (auto it = before.find(key); it != before.end()) SFA_RETURN_IF_ERROR(cell.Subtract(it->second));
    SFA_RETURN_IF_ERROR(cell.empty() ? txn.Delete(kCellsCf, key) : txn.Put(kCellsCf, key, cell.Encode()));
  }
  return absl::OkStatus();
}

std::string PipelineKey(const std::string& tenant, const std::string& pipeline_id) {
  return base::KeyBuilder().String(tenant).String(pipeline_id).Release();
}

absl::StatusOr<ov1::PipelineDefined> LoadPipeline(eventstore::ReadModelTxn& txn, const std::string& tenant,
                                                  const std::string& pipeline_id) {
  absl::StatusOr<std::optional<ov1::PipelineDefined>> row =
      eventstore::ReadRow<ov1::PipelineDefined>(txn, kPipelineCf, PipelineKey(tenant, pipeline_id));
  if (!row.ok()) return row.status();
  return row->value_or(ov1::PipelineDefined());  // not known yet: the deal counts nowhere until it is
}

// A deal event: the deal's row changes, and the cells by the difference of what it adds.
absl::Status ApplyDealEvent(const EventEnvelope& event, eventstore::ReadModelTxn& txn,
                            const std::function<bool(Deal&)>& change) {
  const std::string key = base::KeyBuilder().String(event.tenant()).String(event.aggregate_id()).Release();
  absl::StatusOr<std::optional<std::string>> bytes = txn.Get(kDealsCf, key);
  if (!bytes.ok()) return bytes.status();
  Deal deal;
  if (bytes->has_value()) {
    absl::StatusOr<Deal> decoded = Deal::Decode(**bytes);
    if (!decoded.ok()) return decoded.status();
    deal = *std::move(decoded);
  }
  const Deal before = deal;
  if (!change(deal)) return absl::OkStatus();
  absl::StatusOr<ov1::PipelineDefined> pipeline = LoadPipeline(txn, event.tenant(), deal.pipeline_id);
  if (!pipeline.ok()) return pipeline.status();
  SFA_RETURN_IF_ERROR(ApplyDifference(txn, bytes->has_value() ? Contribution(event.tenant(), before, *pipeline) : Cells(),
                                      Contribution(event.tenant(), deal, *pipeline)));
  SFA_RETURN_IF_ERROR(
      txn.Put(kByPipelineCf, base::KeyBuilder(PipelineKey(event.tenant(), deal.pipeline_id)).String(event.aggregate_id()).Release(), ""));
  return txn.Put(kDealsCf, key, deal.Encode());
}

// A (re)definition: every deal of the pipeline counts again under the new definition.
absl::Status ApplyPipeline(const EventEnvelope& event, const ov1::PipelineDefined& defined,
                           eventstore::ReadModelTxn& txn) {
  absl::StatusOr<ov1::PipelineDefined> old = LoadPipeline(txn, event.tenant(), defined.pipeline_id());
  if (!old.ok()) return old.status();
  const std::string prefix = PipelineKey(event.tenant(), defined.pipeline_id());
  std::vector<std::string> deals;
  SFA_RETURN_IF_ERROR(txn.Scan(kByPipelineCf, prefix, [&](absl::string_view key, absl::string_view) {
    base::KeyReader reader(key.substr(prefix.size()));
    absl::StatusOr<std::string> id = reader.String();
    if (id.ok()) deals.push_back(*id);
    return true;
  }));
  for (const std::string& id : deals) {
    absl::StatusOr<std::optional<std::string>> bytes =
        txn.Get(kDealsCf, base::KeyBuilder().String(event.tenant()).String(id).Release());
    if (!bytes.ok()) return bytes.status();
    if (!bytes->has_value()) continue;
    absl::StatusOr<Deal> deal = Deal::Decode(**bytes);
    if (!deal.ok()) return deal.status();
    SFA_RETURN_IF_ERROR(ApplyDifference(txn, Contribution(event.tenant(), *deal, *old),
                                        Contribution(event.tenant(), *deal, defined)));
  }
  return eventstore::WriteRow(txn, kPipelineCf, prefix, defined);
}

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

std::vector<std::string> FunnelProjection::column_families() const {
  return {kDealsCf, kCellsCf, kPipelineCf, kByPipelineCf};
}

absl::Status FunnelProjection::Apply(const EventEnvelope& event, eventstore::ReadModelTxn& txn) {
  const int64_t micros = absl::ToUnixMicros(TimeOf(event.occurred_at()));
  if (Is<ov1::PipelineDefined>(event)) {
    absl::StatusOr<ov1::PipelineDefined> e = Parse<ov1::PipelineDefined>(event);
    return e.ok() ? ApplyPipeline(event, *e, txn) : e.status();
  }
  if (Is<ov1::OpportunityCreated>(event)) {
    absl::StatusOr<ov1::OpportunityCreated> e = Parse<ov1::OpportunityCreated>(event);
    if (!e.ok()) return e.status();
    return ApplyDealEvent(event, txn, [&](Deal& d) {
      d.pipeline_id = e->pipeline_id();
      d.owner = e->owner_user_id();
      d.account_id = e->account_id();
      d.lead_source = e->lead_source();
      d.product_ids.assign(e->product_ids().begin(), e->product_ids().end());
      d.steps = {{e->stage_id(), micros, d.owner}};
      return true;
    });
  }
  if (Is<ov1::OpportunityStageChanged>(event)) {
    absl::StatusOr<ov1::OpportunityStageChanged> e = Parse<ov1::OpportunityStageChanged>(event);
    if (!e.ok()) return e.status();
    return ApplyDealEvent(event, txn, [&](Deal& d) {
      if (d.steps.empty()) return false;  // a deal created before this read model existed
      d.steps.push_back({e->to_stage_id(), micros, d.owner});
      return true;
    });
  }
  if (Is<ov1::OpportunityOwnerChanged>(event)) {
    absl::StatusOr<ov1::OpportunityOwnerChanged> e = Parse<ov1::OpportunityOwnerChanged>(event);
    if (!e.ok()) return e.status();
    return ApplyDealEvent(event, txn, [&](Deal& d) {
      if (d.steps.empty()) return false;
      d.owner = e->to_owner_user_id();
      return true;
    });
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
