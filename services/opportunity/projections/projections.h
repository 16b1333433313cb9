#ifndef SFA_SERVICES_OPPORTUNITY_PROJECTIONS_PROJECTIONS_H_
#define SFA_SERVICES_OPPORTUNITY_PROJECTIONS_PROJECTIONS_H_

// The opportunity service's own read models: one eventstore::Projection per area, applied by the event
// store in the same WriteBatch as the events (read-your-writes). Each owns its column families (see
// keys.h), so each can be rebuilt alone with EventStore::RebuildProjection(name).

#include <string>
#include <vector>

#include "eventstore/projection.h"

namespace sfa::opportunity::projections {

// Users (with the team each belongs to), sales teams and their members.
class OrgProjection final : public eventstore::Projection {
 public:
  std::string name() const override { return "org"; }
  std::vector<std::string> column_families() const override;
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
};

// Every version of every pipeline, and the latest one.
class PipelineProjection final : public eventstore::Projection {
 public:
  std::string name() const override { return "pipeline"; }
  std::vector<std::string> column_families() const override;
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
};

// Accounts, the corporate tree (children by name), accounts by owner and by normalized name.
class AccountProjection final : public eventstore::Projection {
 public:
  std::string name() const override { return "account"; }
  std::vector<std::string> column_families() const override;
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
};

// Contacts, by account (and name) and by account and e-mail.
class ContactProjection final : public eventstore::Projection {
 public:
  std::string name() const override { return "contact"; }
  std::vector<std::string> column_families() const override;
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
};

// Opportunities with their stage history, the ListOpportunities indexes, the account view's "recently
// changed" index and per-account deal totals. Keeps its own copy of pipeline stages for stage names.
class OpportunityProjection final : public eventstore::Projection {
 public:
  std::string name() const override { return "opportunity"; }
  // 2: closed stage visits moved out of the row into rm_opportunity_stage_history.
  int version() const override { return 2; }
  std::vector<std::string> column_families() const override;
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
};

// Activities by subject, account, owner and time; per-contact last activity; per-account activity
// count and last activity.
class ActivityProjection final : public eventstore::Projection {
 public:
  std::string name() const override { return "activity"; }
  std::vector<std::string> column_families() const override;
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
};

// Comments by subject, author, subject owner and time.
class CommentProjection final : public eventstore::Projection {
 public:
  std::string name() const override { return "comment"; }
  std::vector<std::string> column_families() const override;
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
};

// All of the service's read models, for EventStoreOptions::projections.
class ReadModels {
 public:
  std::vector<eventstore::Projection*> All();

 private:
  OrgProjection org_;
  PipelineProjection pipeline_;
  AccountProjection account_;
  ContactProjection contact_;
  OpportunityProjection opportunity_;
  ActivityProjection activity_;
  CommentProjection comment_;
};

}  // namespace sfa::opportunity::projections

#endif  // SFA_SERVICES_OPPORTUNITY_PROJECTIONS_PROJECTIONS_H_
