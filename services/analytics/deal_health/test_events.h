#ifndef SFA_SERVICES_ANALYTICS_DEAL_HEALTH_TEST_EVENTS_H_
#define SFA_SERVICES_ANALYTICS_DEAL_HEALTH_TEST_EVENTS_H_

// Hand-built opportunity-topic envelopes for deal_health's tests: each deal's events get consecutive
// aggregate versions, as the opportunity service would publish them.

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "domain/support.h"
#include "google/protobuf/message.h"
#include "sfa/common/v1/event_envelope.pb.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"

namespace sfa::analytics::deal_health::testing {

namespace ov1 = ::sfa::opportunity::v1;
using sfa::common::v1::EventEnvelope;
using sfa::common::v1::Money;

inline absl::Time Day(int d, int hour = 12) {
  return absl::FromUnixSeconds(1'700'000'000) + absl::Hours(24 * d + hour);
}

inline Money Usd(int64_t units) {
  Money m;
  m.set_currency("USD");
  m.set_minor_units(units);
  return m;
}
inline Money Eur(int64_t units) {
  Money m;
  m.set_currency("EUR");
  m.set_minor_units(units);
  return m;
}

class Events {
 public:
  explicit Events(std::string tenant = "acme") : tenant_(std::move(tenant)) {}

  const std::vector<EventEnvelope>& all() const { return events_; }
  void Clear() { events_.clear(); }

  void Pipeline(const std::string& pipeline, const std::vector<std::string>& open_stages) {
    ov1::PipelineDefined e;
    e.set_pipeline_id(pipeline);
    e.set_pipeline_version(1);
    e.set_name(pipeline);
    for (const std::string& s : open_stages) {
      ov1::Stage* stage = e.add_stages();
      stage->set_stage_id(s);
      stage->set_name(s);
      stage->set_type(ov1::STAGE_TYPE_OPEN);
      stage->set_probability_percent(50);
    }
    for (const auto& [id, type] : {std::pair{"won", ov1::STAGE_TYPE_WON}, std::pair{"lost", ov1::STAGE_TYPE_LOST}}) {
      ov1::Stage* stage = e.add_stages();
      stage->set_stage_id(id);
      stage->set_name(id);
      stage->set_type(type);
    }
    Add("pipeline", pipeline, Day(-1000), e);
  }

  void Created(const std::string& opp, absl::Time at, const Money& amount, absl::Time close,
               const std::string& pipeline = "p1", const std::string& stage = "s1") {
    ov1::OpportunityCreated e;
    e.set_opportunity_id(opp);
    e.set_pipeline_id(pipeline);
    e.set_name(absl::StrCat("Deal ", opp));
    e.set_owner_user_id("rep1");
    if (!amount.currency().empty()) *e.mutable_amount() = amount;
    *e.mutable_expected_close_date() = domain::ToTimestamp(close);
    e.set_stage_id(stage);
    e.set_probability_percent(10);
    e.set_forecast_category(ov1::FORECAST_CATEGORY_PIPELINE);
    pipeline_of_[opp] = pipeline;
    stage_of_[opp] = stage;
    entered_[opp] = at;
    Add("opportunity", opp, at, e);
  }

  void Amount(const std::string& opp, absl::Time at, const Money& from, const Money& to) {
    ov1::OpportunityAmountChanged e;
    e.set_opportunity_id(opp);
    e.set_pipeline_id(pipeline_of_[opp]);
    *e.mutable_from_amount() = from;
    *e.mutable_to_amount() = to;
    e.set_stage_id(stage_of_[opp]);
    Add("opportunity", opp, at, e);
  }

  void CloseDate(const std::string& opp, absl::Time at, absl::Time from, absl::Time to) {
    ov1::OpportunityCloseDateChanged e;
    e.set_opportunity_id(opp);
    e.set_pipeline_id(pipeline_of_[opp]);
    *e.mutable_from_expected_close_date() = domain::ToTimestamp(from);
    *e.mutable_to_expected_close_date() = domain::ToTimestamp(to);
    e.set_stage_id(stage_of_[opp]);
    Add("opportunity", opp, at, e);
  }

  // A stage change of `kind` to `to_stage`; carries the time in the stage left, and `amount` when set.
  void Stage(const std::string& opp, absl::Time at, const std::string& to_stage, ov1::StageChangeKind kind,
             const Money& amount = Money()) {
    ov1::OpportunityStageChanged e;
    e.set_opportunity_id(opp);
    e.set_pipeline_id(pipeline_of_[opp]);
    e.set_from_stage_id(stage_of_[opp]);
    e.set_to_stage_id(to_stage);
    e.set_kind(kind);
    *e.mutable_time_in_from_stage() = domain::ToDurationProto(at - entered_[opp]);
    if (!amount.currency().empty()) *e.mutable_amount() = amount;
    stage_of_[opp] = to_stage;
    entered_[opp] = at;
    Add("opportunity", opp, at, e);
  }
  void Won(const std::string& opp, absl::Time at, const Money& amount = Money()) {
    Stage(opp, at, "won", ov1::STAGE_CHANGE_KIND_WON, amount);
  }
  void Lost(const std::string& opp, absl::Time at) { Stage(opp, at, "lost", ov1::STAGE_CHANGE_KIND_LOST); }
  void Reopened(const std::string& opp, absl::Time at, const std::string& stage = "s1") {
    Stage(opp, at, stage, ov1::STAGE_CHANGE_KIND_REOPENED);
  }

  void Activity(const std::string& activity, const std::string& opp, absl::Time at) {
    ov1::ActivityLogged e;
    e.set_activity_id(activity);
    e.set_subject_type(ov1::SUBJECT_TYPE_OPPORTUNITY);
    e.set_subject_id(opp);
    e.set_opportunity_id(opp);
    e.set_kind(ov1::ACTIVITY_KIND_CALL);
    *e.mutable_occurred_at() = domain::ToTimestamp(at);
    Add("activity", activity, at, e);
  }

 private:
  void Add(const std::string& type, const std::string& id, absl::Time at, const google::protobuf::Message& payload) {
    EventEnvelope env;
    const uint64_t version = ++versions_[type + "/" + id];
    env.set_event_id(absl::StrCat(type, "-", id, "-", version));
    env.set_tenant(tenant_);
    env.set_aggregate_type(type);
    env.set_aggregate_id(id);
    env.set_aggregate_version(version);
    env.set_global_position(events_.size() + 1);
    *env.mutable_occurred_at() = domain::ToTimestamp(at);
    *env.mutable_recorded_at() = domain::ToTimestamp(at);
    env.set_actor("rep1");
    env.set_payload_type(payload.GetDescriptor()->full_name());
    env.set_payload(payload.SerializeAsString());
    env.set_source("opportunity");
    events_.push_back(std::move(env));
  }

  std::string tenant_;
  std::vector<EventEnvelope> events_;
  std::map<std::string, uint64_t> versions_;
  std::map<std::string, std::string> pipeline_of_, stage_of_;
  std::map<std::string, absl::Time> entered_;
};

}  // namespace sfa::analytics::deal_health::testing

#endif  // SFA_SERVICES_ANALYTICS_DEAL_HEALTH_TEST_EVENTS_H_
