// Commands on the sales organisation, pipelines, accounts and contacts.

#include <utility>
#include <vector>

#include "opportunity/commands.h"
#include "opportunity/commands_internal.h"

namespace sfa::opportunity {

using domain::AccountState;
using domain::ContactState;
using domain::UserState;

void Commands::UpsertUser(const Principal& p, const v1::UpsertUserRequest& r, Reply<v1::UpsertUserResponse> reply) {
  const Queries* queries = deps_.queries;
  Execute<UserState>(
      p, r.user_id(), r.request_id(), r.expected_version(),
      [this, r](const UserState& state) {
        return domain::Decide(state, domain::UpsertUser{r, Now()});
      },
      ViewReply(
          std::move(reply), [queries, t = p.tenant](const std::string& id) { return queries->User(t, id); },
          [](v1::UpsertUserResponse& out, v1::User u) { *out.mutable_user() = std::move(u); }));
}

void Commands::UpsertSalesTeam(const Principal& p, const v1::UpsertSalesTeamRequest& r,
                               Reply<v1::UpsertSalesTeamResponse> reply) {
  const Queries* queries = deps_.queries;
  Execute<domain::SalesTeamState>(
      p, r.team_id(), r.request_id(), r.expected_version(),
      [this, r,
       t = p.tenant](const domain::SalesTeamState& state) -> absl::StatusOr<std::vector<domain::SalesTeamEvent>> {
        domain::UpsertSalesTeam command{r, {}, {}, Now()};
        std::vector<std::string> ids = {r.manager_user_id()};
        ids.insert(ids.end(), r.member_user_ids().begin(), r.member_user_ids().end());
        SFA_RETURN_IF_ERROR(lookups_.Users(t, ids, &command.users, &command.other_team_of));
        return domain::Decide(state, command);
      },
      ViewReply(
          std::move(reply), [queries, t = p.tenant](const std::string& id) { return queries->Team(t, id); },
          [](v1::UpsertSalesTeamResponse& out, v1::SalesTeam team) { *out.mutable_sales_team() = std::move(team); }));
}

void Commands::DefinePipeline(const Principal& p, const v1::DefinePipelineRequest& r,
                              Reply<v1::DefinePipelineResponse> reply) {
  const Queries* queries = deps_.queries;
  Execute<domain::PipelineState>(
      p, r.pipeline_id(), r.request_id(), r.expected_version(),
      [this, r](const domain::PipelineState& state) {
        return domain::Decide(state, domain::DefinePipeline{r, Now()});
      },
      ViewReply(
          std::move(reply), [queries, t = p.tenant](const std::string& id) { return queries->Pipeline(t, id, 0); },
          [](v1::DefinePipelineResponse& out, v1::Pipeline x) { *out.mutable_pipeline() = std::move(x); }));
}

// ---------------------------------------------------------------------------------------------------
// Accounts

void Commands::CreateAccount(const Principal& p, const v1::CreateAccountRequest& r,
                             Reply<v1::CreateAccountResponse> reply) {
  const Queries* queries = deps_.queries;
  RunCreateAccount(
      p, r, "",
      ViewReply(
          std::move(reply), [queries, t = p.tenant](const std::string& id) { return queries->Account(t, id); },
          [](v1::CreateAccountResponse& out, v1::Account a) { *out.mutable_account() = std::move(a); }));
}

void Commands::RunCreateAccount(const Principal& p, v1::CreateAccountRequest r, const std::string& lead_id,
                                IdReply done) {
  r.set_account_id(NewIdUnless(r.account_id()));
  Execute<AccountState>(
      p, r.account_id(), r.request_id(), 0,
      [this, r, lead_id, t = p.tenant](const AccountState& state) -> absl::StatusOr<std::vector<domain::AccountEvent>> {
        domain::CreateAccount command{r, {}, {}, Now(), lead_id};
        if (!r.parent_account_id().empty()) {
          absl::StatusOr<domain::AncestorChain> chain = lookups_.AccountChain(t, r.parent_account_id(), r.account_id());
          if (!chain.ok()) return chain.status();
          command.parent = *std::move(chain);
        }
        if (!r.owner_user_id().empty()) {
          absl::StatusOr<UserState> owner = lookups_.Load<UserState>(t, r.owner_user_id());
          if (!owner.ok()) return owner.status();
          command.owner = *std::move(owner);
        }
        return domain::Decide(state, command);
      },
      std::move(done));
}

void Commands::UpdateAccount(const Principal& p, const v1::UpdateAccountRequest& r,
                             Reply<v1::UpdateAccountResponse> reply) {
  const Queries* queries = deps_.queries;
  Execute<AccountState>(
      p, r.account_id(), r.request_id(), r.expected_version(),
      [this, r, t = p.tenant](const AccountState& state) -> absl::StatusOr<std::vector<domain::AccountEvent>> {
        domain::UpdateAccount command{r, {}, {}, Now()};
        if (r.has_parent_account_id() && !r.parent_account_id().empty()) {
          absl::StatusOr<domain::AncestorChain> chain = lookups_.AccountChain(t, r.parent_account_id(), r.account_id());
          if (!chain.ok()) return chain.status();
          command.parent = *std::move(chain);
        }
        if (r.has_owner_user_id() && !r.owner_user_id().empty()) {
          absl::StatusOr<UserState> owner = lookups_.Load<UserState>(t, r.owner_user_id());
          if (!owner.ok()) return owner.status();
          command.owner = *std::move(owner);
        }
        return domain::Decide(state, command);
      },
      ViewReply(
          std::move(reply), [queries, t = p.tenant](const std::string& id) { return queries->Account(t, id); },
          [](v1::UpdateAccountResponse& out, v1::Account a) { *out.mutable_account() = std::move(a); }));
}

// ---------------------------------------------------------------------------------------------------
// Contacts

void Commands::CreateContact(const Principal& p, const v1::CreateContactRequest& r,
                             Reply<v1::CreateContactResponse> reply) {
  const Queries* queries = deps_.queries;
  RunCreateContact(
      p, r, "",
      ViewReply(
          std::move(reply), [queries, t = p.tenant](const std::string& id) { return queries->Contact(t, id); },
          [](v1::CreateContactResponse& out, v1::Contact c) { *out.mutable_contact() = std::move(c); }));
}

void Commands::RunCreateContact(const Principal& p, v1::CreateContactRequest r, const std::string& lead_id,
                                IdReply done) {
  r.set_contact_id(NewIdUnless(r.contact_id()));
  Execute<ContactState>(
      p, r.contact_id(), r.request_id(), 0,
      [this, r, lead_id, t = p.tenant](const ContactState& state) -> absl::StatusOr<std::vector<domain::ContactEvent>> {
        domain::CreateContact command{r, false, {}, Now(), lead_id};
        absl::StatusOr<AccountState> account = lookups_.Load<AccountState>(t, r.account_id());
        if (!account.ok()) return account.status();
        command.account_exists = account->exists;
        if (!r.reports_to_contact_id().empty()) {
          absl::StatusOr<domain::AncestorChain> chain =
              lookups_.ReportingChain(t, r.reports_to_contact_id(), r.contact_id());
          if (!chain.ok()) return chain.status();
          command.manager = *std::move(chain);
        }
        return domain::Decide(state, command);
      },
      std::move(done));
}

void Commands::UpdateContact(const Principal& p, const v1::UpdateContactRequest& r,
                             Reply<v1::UpdateContactResponse> reply) {
  const Queries* queries = deps_.queries;
  Execute<ContactState>(
      p, r.contact_id(), r.request_id(), r.expected_version(),
      [this, r, t = p.tenant](const ContactState& state) -> absl::StatusOr<std::vector<domain::ContactEvent>> {
        domain::UpdateContact command{r, {}, Now()};
        if (r.has_reports_to_contact_id() && !r.reports_to_contact_id().empty()) {
          absl::StatusOr<domain::AncestorChain> chain =
              lookups_.ReportingChain(t, r.reports_to_contact_id(), r.contact_id());
          if (!chain.ok()) return chain.status();
          command.manager = *std::move(chain);
        }
        return domain::Decide(state, command);
      },
      ViewReply(
          std::move(reply), [queries, t = p.tenant](const std::string& id) { return queries->Contact(t, id); },
          [](v1::UpdateContactResponse& out, v1::Contact c) { *out.mutable_contact() = std::move(c); }));
}

}  // namespace sfa::opportunity
