#ifndef SFA_SERVICES_ANALYTICS_FORECAST_TEST_EVENTS_H_
#define SFA_SERVICES_ANALYTICS_FORECAST_TEST_EVENTS_H_

// Hand-made opportunity envelopes for the forecast tests, as the opportunity service wraps its events
// (tenant, source, aggregate type / id / gapless version, business time, payload).

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/util/time_util.h"
#include "sfa/common/v1/event_envelope.pb.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"

namespace sfa::analytics::forecast::testing {

namespace ov1 = ::sfa::opportunity::v1;

inline absl::Time Day(int y, int m, int d, int hour = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hour, 0, 0), absl::UTCTimeZone());
}

inline google::protobuf::Timestamp Ts(absl::Time t) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}

inline sfa::common::v1::Money Usd(int64_t minor, const std::string& currency = "USD") {
  sfa::common::v1::Money m;
  m.set_minor_units(minor);
  m.set_currency(currency);
  return m;
}

// A pipeline's stages: id, type, percent, category.
struct StageSpec {
  std::string id;
  ov1::StageType type;
  int percent;
  ov1::ForecastCategory category;
};

// Builds the events of a tenant in the order they are added; every aggregate's versions count from 1.
class Events {
 public:
  explicit Events(std::string tenant = "acme") : tenant_(std::move(tenant)) {}

  void Pipeline(const std::string& id, const std::vector<StageSpec>& stages, absl::Time at) {
    ov1::PipelineDefined p;
    p.set_pipeline_id(id);
    p.set_pipeline_version(1);
    for (const StageSpec& s : stages) {
      ov1::Stage* stage = p.add_stages();
      stage->set_stage_id(s.id);
      stage->set_name(s.id);
      stage->set_type(s.type);
      stage->set_probability_percent(s.percent);
      stage->set_forecast_category(s.category);
      stages_[id + "/" + s.id] = s;
    }
    Add("pipeline", id, at, p);
  }

  // A deal created in `stage` with an amount and (when not InfinitePast) an expected close date.
  void Create(const std::string& id, const std::string& pipeline, const std::string& stage, int64_t amount,
              absl::Time expected_close, absl::Time at, const std::string& owner = "ann",
              const std::string& currency = "USD") {
    pipeline_of_[id] = pipeline;
    ov1::OpportunityCreated e;
    e.set_opportunity_id(id);
    e.set_owner_user_id(owner);
    e.set_pipeline_id(pipeline);
    e.set_pipeline_version(1);
    *e.mutable_amount() = Usd(amount, currency);
    if (expected_close != absl::InfinitePast()) *e.mutable_expected_close_date() = Ts(expected_close);
    e.set_stage_id(stage);
    const StageSpec& s = stages_[pipeline + "/" + stage];
    e.set_probability_percent(s.percent);
    e.set_forecast_category(s.category);
    stage_of_[id] = stage;
    Add("opportunity", id, at, e);
  }

  // A move to `to` (an open, won or lost stage); the kind follows the stage types.
  void Move(const std::string& id, const std::string& to, absl::Time at, bool reopen = false) {
    const std::string& pipeline = pipeline_of_[id];
    const StageSpec& s = stages_[pipeline + "/" + to];
    ov1::OpportunityStageChanged e;
    e.set_opportunity_id(id);
    e.set_pipeline_id(pipeline);
    e.set_pipeline_version(1);
    e.set_from_stage_id(stage_of_[id]);
    e.set_to_stage_id(to);
    e.set_kind(reopen                           ? ov1::STAGE_CHANGE_KIND_REOPENED
               : s.type == ov1::STAGE_TYPE_WON  ? ov1::STAGE_CHANGE_KIND_WON
               : s.type == ov1::STAGE_TYPE_LOST ? ov1::STAGE_CHANGE_KIND_LOST
                                                : ov1::STAGE_CHANGE_KIND_FORWARD);
    e.set_probability_percent(s.percent);
    e.set_forecast_category(s.category);
    stage_of_[id] = to;
    Add("opportunity", id, at, e);
  }

  void Amount(const std::string& id, int64_t amount, absl::Time at, const std::string& currency = "USD") {
    ov1::OpportunityAmountChanged e;
    e.set_opportunity_id(id);
    e.set_pipeline_id(pipeline_of_[id]);
    *e.mutable_to_amount() = Usd(amount, currency);
    Add("opportunity", id, at, e);
  }

  void CloseDate(const std::string& id, absl::Time to, absl::Time at) {
    ov1::OpportunityCloseDateChanged e;
    e.set_opportunity_id(id);
    e.set_pipeline_id(pipeline_of_[id]);
    *e.mutable_to_expected_close_date() = Ts(to);
    Add("opportunity", id, at, e);
  }

  void Owner(const std::string& id, const std::string& to, absl::Time at) {
    ov1::OpportunityOwnerChanged e;
    e.set_opportunity_id(id);
    e.set_pipeline_id(pipeline_of_[id]);
    e.set_owner_user_id(to);
    e.set_to_owner_user_id(to);
    Add("opportunity", id, at, e);
  }

  void Team(const std::string& team, const std::vector<std::string>& members, absl::Time at) {
    ov1::SalesTeamUpserted e;
    e.set_team_id(team);
    for (const std::string& m : members) e.add_member_user_ids(m);
    Add("sales_team", team, at, e);
  }

  const std::vector<sfa::common::v1::EventEnvelope>& all() const { return events_; }

 private:
  template <typename Message>
  void Add(const std::string& type, const std::string& id, absl::Time at, const Message& payload) {
    sfa::common::v1::EventEnvelope e;
    e.set_event_id(absl::StrCat(type, "/", id, "/", versions_[type + "/" + id] + 1));
    e.set_tenant(tenant_);
    e.set_source("opportunity");
    e.set_aggregate_type(type);
    e.set_aggregate_id(id);
    e.set_aggregate_version(++versions_[type + "/" + id]);
    e.set_global_position(events_.size() + 1);
    *e.mutable_occurred_at() = Ts(at);
    *e.mutable_recorded_at() = Ts(at);
    e.set_payload_type(Message::descriptor()->full_name());
    e.set_payload(payload.SerializeAsString());
    events_.push_back(std::move(e));
  }

  std::string tenant_;
  std::map<std::string, StageSpec> stages_;
  std::map<std::string, std::string> pipeline_of_, stage_of_;
  std::map<std::string, uint64_t> versions_;
  std::vector<sfa::common::v1::EventEnvelope> events_;
};

}  // namespace sfa::analytics::forecast::testing

#endif  // SFA_SERVICES_ANALYTICS_FORECAST_TEST_EVENTS_H_
