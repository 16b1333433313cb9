// The opportunity service's sales organisation as assignment needs it: each team's members and whether
// a user is deactivated. Fed from sfa.opportunity.events.v1; the opportunity service stays the one
// source of truth for who is on which team.

#include <string>

#include "eventstore/read_model_rows.h"
#include "lead/projections/keys.h"
#include "lead/projections/projections.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"

namespace sfa::lead::projections {
namespace {

// The opportunity service's stream types and payload type names (EventEnvelope.payload_type is the
// payload's full proto name).
constexpr char kUserAggregate[] = "user";
constexpr char kSalesTeamAggregate[] = "sales_team";

}  // namespace

std::vector<std::string> RosterProjection::column_families() const { return {kRosterTeamsCf, kRosterUsersCf}; }

absl::Status RosterProjection::Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) {
  if (event.aggregate_type() == kSalesTeamAggregate &&
      event.payload_type() == opportunity::v1::SalesTeamUpserted::descriptor()->full_name()) {
    opportunity::v1::SalesTeamUpserted team;
    if (!team.ParseFromString(event.payload())) return absl::DataLossError("unreadable SalesTeamUpserted");
    return eventstore::WriteRow(txn, kRosterTeamsCf, Key(event.tenant(), team.team_id()), team);
  }
  if (event.aggregate_type() == kUserAggregate &&
      event.payload_type() == opportunity::v1::UserUpserted::descriptor()->full_name()) {
    opportunity::v1::UserUpserted user;
    if (!user.ParseFromString(event.payload())) return absl::DataLossError("unreadable UserUpserted");
    return txn.Put(kRosterUsersCf, Key(event.tenant(), user.user_id()), user.deactivated() ? "1" : "0");
  }
  return absl::OkStatus();
}

}  // namespace sfa::lead::projections
