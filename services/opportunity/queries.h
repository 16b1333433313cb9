#ifndef SFA_SERVICES_OPPORTUNITY_QUERIES_H_
#define SFA_SERVICES_OPPORTUNITY_QUERIES_H_

// The read side of the opportunity service: every Get/List RPC answered from the read models
// (projections/), scoped to the caller's tenant. Requests are validated before they get here. Also
// the views commands answer with (the record as the read model holds it right after the commit).

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "base/clock.h"
#include "eventstore/event_store.h"
#include "opportunity/domain/power_map.h"
#include "sfa/opportunity/v1/opportunity_service.pb.h"

namespace sfa::opportunity {

class Queries {
 public:
  Queries(const eventstore::EventStore* store, const base::Clock* clock) : store_(store), clock_(clock) {}

  // Views of one record; NOT_FOUND naming `field` when the tenant has no such record.
  absl::StatusOr<v1::User> User(const std::string& tenant, const std::string& id) const;
  absl::StatusOr<v1::SalesTeam> Team(const std::string& tenant, const std::string& id) const;
  absl::StatusOr<v1::Pipeline> Pipeline(const std::string& tenant, const std::string& id, uint32_t version) const;
  absl::StatusOr<v1::Account> Account(const std::string& tenant, const std::string& id) const;
  absl::StatusOr<v1::Contact> Contact(const std::string& tenant, const std::string& id) const;
  // With the time in the current stage up to now.
  absl::StatusOr<v1::Opportunity> Opportunity(const std::string& tenant, const std::string& id) const;
  absl::StatusOr<v1::Activity> Activity(const std::string& tenant, const std::string& id) const;
  absl::StatusOr<v1::Comment> Comment(const std::string& tenant, const std::string& id) const;

  absl::StatusOr<v1::ListUsersResponse> ListUsers(const std::string& tenant, const v1::ListUsersRequest& r) const;
  absl::StatusOr<v1::ListSalesTeamsResponse> ListSalesTeams(const std::string& tenant,
                                                            const v1::ListSalesTeamsRequest& r) const;
  absl::StatusOr<v1::ListPipelinesResponse> ListPipelines(const std::string& tenant,
                                                          const v1::ListPipelinesRequest& r) const;
  absl::StatusOr<v1::GetAccountResponse> GetAccount(const std::string& tenant, const v1::GetAccountRequest& r) const;
  absl::StatusOr<v1::GetAccountTreeResponse> GetAccountTree(const std::string& tenant,
                                                            const v1::GetAccountTreeRequest& r) const;
  absl::StatusOr<v1::ListAccountsResponse> ListAccounts(const std::string& tenant,
                                                        const v1::ListAccountsRequest& r) const;
  absl::StatusOr<v1::ListContactsResponse> ListContacts(const std::string& tenant,
                                                        const v1::ListContactsRequest& r) const;
  absl::StatusOr<v1::GetPowerMapResponse> GetPowerMap(const std::string& tenant, const v1::GetPowerMapRequest& r) const;
  absl::StatusOr<v1::ListOpportunitiesResponse> ListOpportunities(const std::string& tenant,
                                                                  const v1::ListOpportunitiesRequest& r) const;
  absl::StatusOr<v1::ListActivitiesResponse> ListActivities(const std::string& tenant,
                                                            const v1::ListActivitiesRequest& r) const;
  absl::StatusOr<v1::ListCommentsResponse> ListComments(const std::string& tenant,
                                                        const v1::ListCommentsRequest& r) const;

 private:
  // Parts of GetAccount and GetAccountTree.
  absl::Status AddContacts(const std::string& tenant, const std::string& account_id, v1::GetAccountResponse* out) const;
  absl::Status AddOpportunities(const std::string& tenant, const std::string& account_id,
                                v1::GetAccountResponse* out) const;
  absl::Status AddTreeNode(const std::string& tenant, const v1::Account& account, int depth, int parent,
                           v1::GetAccountTreeResponse* out, std::vector<int>* parent_of) const;
  // contact id -> manager contact id for the contacts above the members, for the reporting lines.
  absl::StatusOr<absl::flat_hash_map<std::string, std::string>> ReportsTo(
      const std::string& tenant, const std::vector<domain::CommitteeMember>& members) const;

  const eventstore::EventStore* store_;
  const base::Clock* clock_;
};

}  // namespace sfa::opportunity

#endif  // SFA_SERVICES_OPPORTUNITY_QUERIES_H_
