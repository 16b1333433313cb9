// Commands on opportunities (including lead conversion), activities and comments.

#include <memory>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "opportunity/commands.h"
#include "opportunity/commands_internal.h"
#include "sfa/quote/v1/quote_events.pb.h"

namespace sfa::opportunity {

using domain::OpportunityEvent;
using domain::OpportunityState;
using domain::UserState;

template <typename DomainCommand, typename Request>
void Commands::RunOnPipeline(const Principal& p, const Request& r, IdReply done) {
  Execute<OpportunityState>(
      p, r.opportunity_id(), r.request_id(), r.expected_version(),
      [this, r, t = p.tenant](const OpportunityState& state) -> absl::StatusOr<std::vector<OpportunityEvent>> {
        domain::PipelineDefinition pipeline;
        if (state.exists) {
          absl::StatusOr<domain::PipelineState> pipelines = lookups_.Load<domain::PipelineState>(t, state.pipeline_id);
          if (!pipelines.ok()) return pipelines.status();
          pipeline = pipelines->Version(state.pipeline_version);
        }
        return domain::Decide(state, DomainCommand{r, std::move(pipeline), Now()});
      },
      std::move(done));
}

void Commands::CreateOpportunity(const Principal& p, const v1::CreateOpportunityRequest& r,
                                 Reply<v1::CreateOpportunityResponse> reply) {
  RunCreateOpportunity(p, r, OpportunityReply(p.tenant, std::move(reply)));
}

void Commands::RunCreateOpportunity(const Principal& p, v1::CreateOpportunityRequest r, IdReply done) {
  r.set_opportunity_id(NewIdUnless(r.opportunity_id()));
  Execute<OpportunityState>(
      p, r.opportunity_id(), r.request_id(), 0,
      [this, r, t = p.tenant](const OpportunityState& state) -> absl::StatusOr<std::vector<OpportunityEvent>> {
        domain::CreateOpportunity command{r, nullptr, false, {}, Now()};
        absl::StatusOr<domain::PipelineState> pipeline = lookups_.Load<domain::PipelineState>(t, r.pipeline_id());
        if (!pipeline.ok()) return pipeline.status();
        command.pipeline = pipeline->Latest();
        // The account is optional (a deal in prospecting); only a named one must exist.
        if (!r.account_id().empty()) {
          absl::StatusOr<domain::AccountState> account = lookups_.Load<domain::AccountState>(t, r.account_id());
          if (!account.ok()) return account.status();
          command.account_exists = account->exists;
        }
        absl::StatusOr<UserState> owner = lookups_.Load<UserState>(t, r.owner_user_id());
        if (!owner.ok()) return owner.status();
        command.owner = *std::move(owner);
        return domain::Decide(state, command);
      },
      std::move(done));
}

void Commands::MoveStage(const Principal& p, const v1::MoveStageRequest& r, Reply<v1::MoveStageResponse> reply) {
  RunOnPipeline<domain::MoveStage>(p, r, OpportunityReply(p.tenant, std::move(reply)));
}

void Commands::CompleteCriterion(const Principal& p, const v1::CompleteCriterionRequest& r,
                                 Reply<v1::CompleteCriterionResponse> reply) {
  RunOnPipeline<domain::CompleteCriterion>(p, r, OpportunityReply(p.tenant, std::move(reply)));
}

void Commands::CloseWon(const Principal& p, const v1::CloseWonRequest& r, Reply<v1::CloseWonResponse> reply) {
  RunOnPipeline<domain::CloseWon>(p, r, OpportunityReply(p.tenant, std::move(reply)));
}

void Commands::CloseLost(const Principal& p, const v1::CloseLostRequest& r, Reply<v1::CloseLostResponse> reply) {
  RunOnPipeline<domain::CloseLost>(p, r, OpportunityReply(p.tenant, std::move(reply)));
}

void Commands::Reopen(const Principal& p, const v1::ReopenRequest& r, Reply<v1::ReopenResponse> reply) {
  RunOnPipeline<domain::Reopen>(p, r, OpportunityReply(p.tenant, std::move(reply)));
}

void Commands::RecordAcceptedQuote(const sfa::common::v1::EventEnvelope& event,
                                   std::function<void(absl::Status)> done) {
  sfa::quote::v1::QuoteAccepted accepted;
  if (!accepted.ParseFromString(event.payload())) return done(absl::DataLossError("unreadable QuoteAccepted"));
  if (accepted.opportunity_id().empty()) return done(absl::OkStatus());  // a quote without a deal
  const Principal system{event.tenant(), "system:quote", {}, ""};
  domain::RecordAcceptedQuote command{accepted.opportunity_id(), accepted.quote_id(), accepted.quote_version(),
                                      accepted.net_total(), domain::ToTime(event.occurred_at())};
  Execute<OpportunityState>(
      system, accepted.opportunity_id(),
      absl::StrCat("quote-accepted:", accepted.quote_id(), ":", accepted.quote_version()), 0,
      [command = std::move(command)](const OpportunityState& state) { return domain::Decide(state, command); },
      [done = std::move(done)](absl::StatusOr<std::string> changed) { done(changed.status()); });
}

void Commands::UpdateOpportunity(const Principal& p, const v1::UpdateOpportunityRequest& r,
                                 Reply<v1::UpdateOpportunityResponse> reply) {
  Execute<OpportunityState>(
      p, r.opportunity_id(), r.request_id(), r.expected_version(),
      [this, r, t = p.tenant](const OpportunityState& state) -> absl::StatusOr<std::vector<OpportunityEvent>> {
        domain::UpdateOpportunity command{r, {}, Now()};
        if (r.has_owner_user_id()) {
          absl::StatusOr<UserState> owner = lookups_.Load<UserState>(t, r.owner_user_id());
          if (!owner.ok()) return owner.status();
          command.owner = *std::move(owner);
        }
        return domain::Decide(state, command);
      },
      OpportunityReply(p.tenant, std::move(reply)));
}

void Commands::AddContactToOpportunity(const Principal& p, const v1::AddContactToOpportunityRequest& r,
                                       Reply<v1::AddContactToOpportunityResponse> reply) {
  Execute<OpportunityState>(
      p, r.opportunity_id(), r.request_id(), r.expected_version(),
      [this, r, t = p.tenant](const OpportunityState& state) -> absl::StatusOr<std::vector<OpportunityEvent>> {
        absl::StatusOr<domain::ContactState> contact = lookups_.Load<domain::ContactState>(t, r.contact_id());
        if (!contact.ok()) return contact.status();
        return domain::Decide(state, domain::AddContactToOpportunity{r, *std::move(contact), Now()});
      },
      OpportunityReply(p.tenant, std::move(reply)));
}

void Commands::RemoveContactFromOpportunity(const Principal& p, const v1::RemoveContactFromOpportunityRequest& r,
                                            Reply<v1::RemoveContactFromOpportunityResponse> reply) {
  Execute<OpportunityState>(
      p, r.opportunity_id(), r.request_id(), r.expected_version(),
      [this, r](const OpportunityState& state) {
        return domain::Decide(state, domain::RemoveContactFromOpportunity{r, Now()});
      },
      OpportunityReply(p.tenant, std::move(reply)));
}

// ---------------------------------------------------------------------------------------------------
// Lead conversion: plan (find or create), then run the planned creates one after the other.

struct Commands::Conversion {
  Principal principal;
  v1::CreateFromLeadRequest request;
  domain::ConversionPlan plan;
  Reply<v1::CreateFromLeadResponse> reply;
};

void Commands::CreateFromLead(const Principal& p, const v1::CreateFromLeadRequest& r,
                              Reply<v1::CreateFromLeadResponse> reply) {
  absl::StatusOr<domain::ConversionPlan> plan = PlanConversion(p.tenant, r);
  if (!plan.ok()) return reply(plan.status());
  ConversionStep(std::make_shared<Conversion>(Conversion{p, r, *std::move(plan), std::move(reply)}), 0);
}

absl::StatusOr<domain::ConversionPlan> Commands::PlanConversion(const std::string& tenant,
                                                                const v1::CreateFromLeadRequest& r) const {
  domain::ConversionLookup found;
  const std::string& given_opportunity = r.opportunity().opportunity_id();
  absl::StatusOr<OpportunityState> opportunity = lookups_.Load<OpportunityState>(
      tenant, given_opportunity.empty() ? domain::ConvertedOpportunityId(r.lead_id()) : given_opportunity);
  if (!opportunity.ok()) return opportunity.status();
  found.opportunity = *std::move(opportunity);
  std::string account_id = r.account_id();
  if (account_id.empty()) {
    absl::StatusOr<std::optional<std::string>> by_name =
        lookups_.AccountByName(tenant, domain::NormalizeAccountName(r.account().name()));
    if (!by_name.ok()) return by_name.status();
    account_id = by_name->value_or("");
  }
  if (!account_id.empty()) {
    absl::StatusOr<domain::AccountState> account = lookups_.Load<domain::AccountState>(tenant, account_id);
    if (!account.ok()) return account.status();
    found.account = *std::move(account);
  }
  if (!r.has_contact()) return domain::PlanConversion(r, found);
  // The contact is looked for under the account the conversion ends up with.
  std::string contact_account = found.opportunity.exists ? found.opportunity.account_id
                                : found.account.exists   ? found.account.account_id
                                : !r.account().account_id().empty()
                                    ? r.account().account_id()
                                    : domain::ConvertedAccountId(domain::NormalizeAccountName(r.account().name()));
  const std::string email = domain::NormalizeEmail(r.contact().email());
  std::optional<std::string> contact_id;
  if (!email.empty()) {
    absl::StatusOr<std::optional<std::string>> by_email = lookups_.ContactByEmail(tenant, contact_account, email);
    if (!by_email.ok()) return by_email.status();
    contact_id = *by_email;
  }
  if (!contact_id) {
    contact_id = !r.contact().contact_id().empty() ? r.contact().contact_id()
                                                   : domain::ConvertedContactId(contact_account, email, r.lead_id());
  }
  absl::StatusOr<domain::ContactState> contact = lookups_.Load<domain::ContactState>(tenant, *contact_id);
  if (!contact.ok()) return contact.status();
  found.contact = *std::move(contact);
  return domain::PlanConversion(r, found);
}

void Commands::ConversionStep(std::shared_ptr<Conversion> conversion, int step) {
  // A create that finds its record taken lost a race with a concurrent conversion: the stable ids
  // make that record the one this conversion wanted, so it counts as found.
  IdReply next = [this, conversion, step](absl::StatusOr<std::string> id) {
    if (!id.ok() && !absl::IsAlreadyExists(id.status())) return conversion->reply(id.status());
    ConversionStep(conversion, step + 1);
  };
  const domain::ConversionPlan& plan = conversion->plan;
  const std::string& lead_id = conversion->request.lead_id();
  switch (step) {
    case 0:
      if (plan.create_account) return RunCreateAccount(conversion->principal, *plan.create_account, lead_id, next);
      return ConversionStep(conversion, 1);
    case 1:
      if (plan.create_contact) return RunCreateContact(conversion->principal, *plan.create_contact, lead_id, next);
      return ConversionStep(conversion, 2);
    case 2:
      if (plan.create_opportunity) return RunCreateOpportunity(conversion->principal, *plan.create_opportunity, next);
      return ConversionStep(conversion, 3);
    default:
      return conversion->reply(ConversionResult(*conversion));
  }
}

absl::StatusOr<v1::CreateFromLeadResponse> Commands::ConversionResult(const Conversion& conversion) const {
  const std::string& tenant = conversion.principal.tenant;
  const std::string& lead_id = conversion.request.lead_id();
  v1::CreateFromLeadResponse out;
  absl::StatusOr<v1::Account> account = deps_.queries->Account(tenant, conversion.plan.account_id);
  if (!account.ok()) return account.status();
  out.set_account_created(account->lead_id() == lead_id);
  *out.mutable_account() = *std::move(account);
  if (!conversion.plan.contact_id.empty()) {
    absl::StatusOr<v1::Contact> contact = deps_.queries->Contact(tenant, conversion.plan.contact_id);
    if (!contact.ok()) return contact.status();
    out.set_contact_created(contact->lead_id() == lead_id);
    *out.mutable_contact() = *std::move(contact);
  }
  absl::StatusOr<v1::Opportunity> opportunity = deps_.queries->Opportunity(tenant, conversion.plan.opportunity_id);
  if (!opportunity.ok()) return opportunity.status();
  out.set_opportunity_created(opportunity->lead_id() == lead_id);
  *out.mutable_opportunity() = *std::move(opportunity);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Activities and comments

void Commands::LogActivity(const Principal& p, const v1::LogActivityRequest& request,
                           Reply<v1::LogActivityResponse> reply) {
  v1::LogActivityRequest r = request;
  r.set_activity_id(NewIdUnless(r.activity_id()));
  if (r.owner_user_id().empty()) r.set_owner_user_id(p.user);
  const Queries* queries = deps_.queries;
  Execute<domain::ActivityState>(
      p, r.activity_id(), r.request_id(), 0,
      [this, r,
       t = p.tenant](const domain::ActivityState& state) -> absl::StatusOr<std::vector<domain::ActivityEvent>> {
        domain::LogActivity command{r, {}, {}, {}, Now()};
        absl::StatusOr<domain::SubjectInfo> subject = lookups_.ActivitySubject(t, r.subject_type(), r.subject_id());
        if (!subject.ok()) return subject.status();
        command.subject = *std::move(subject);
        for (const std::string& id : r.contact_ids()) {
          absl::StatusOr<domain::ContactState> contact = lookups_.Load<domain::ContactState>(t, id);
          if (!contact.ok()) return contact.status();
          if (contact->exists) command.known_contact_ids.insert(id);
        }
        absl::StatusOr<UserState> owner = lookups_.Load<UserState>(t, r.owner_user_id());
        if (!owner.ok()) return owner.status();
        command.owner = *std::move(owner);
        return domain::Decide(state, command);
      },
      ViewReply(
          std::move(reply), [queries, t = p.tenant](const std::string& id) { return queries->Activity(t, id); },
          [](v1::LogActivityResponse& out, v1::Activity a) { *out.mutable_activity() = std::move(a); }));
}

void Commands::Comment(const Principal& p, const v1::CommentRequest& request, Reply<v1::CommentResponse> reply) {
  v1::CommentRequest r = request;
  r.set_comment_id(NewIdUnless(r.comment_id()));
  if (r.author_user_id().empty()) r.set_author_user_id(p.user);
  const Queries* queries = deps_.queries;
  Execute<domain::CommentState>(
      p, r.comment_id(), r.request_id(), 0,
      [this, r, t = p.tenant](const domain::CommentState& state) -> absl::StatusOr<std::vector<domain::CommentEvent>> {
        domain::AddComment command{r, {}, {}, {}, Now()};
        absl::StatusOr<domain::SubjectInfo> subject = lookups_.CommentSubject(t, r.subject_type(), r.subject_id());
        if (!subject.ok()) return subject.status();
        command.subject = *std::move(subject);
        if (!r.reply_to_comment_id().empty()) {
          absl::StatusOr<domain::CommentState> parent = lookups_.Load<domain::CommentState>(t, r.reply_to_comment_id());
          if (!parent.ok()) return parent.status();
          command.reply_to = *std::move(parent);
        }
        absl::StatusOr<UserState> author = lookups_.Load<UserState>(t, r.author_user_id());
        if (!author.ok()) return author.status();
        command.author = *std::move(author);
        return domain::Decide(state, command);
      },
      ViewReply(
          std::move(reply), [queries, t = p.tenant](const std::string& id) { return queries->Comment(t, id); },
          [](v1::CommentResponse& out, v1::Comment c) { *out.mutable_comment() = std::move(c); }));
}

}  // namespace sfa::opportunity
