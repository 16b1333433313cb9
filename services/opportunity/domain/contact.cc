#include "opportunity/domain/contact.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "opportunity/domain/limits.h"

namespace sfa::opportunity::domain {
namespace {

// ContactCreated and ContactUpdated carry the same fields under the same names.
template <typename Snapshot>
void ApplySnapshot(ContactState& state, const Snapshot& e) {
  state.exists = true;
  state.contact_id = e.contact_id();
  state.account_id = e.account_id();
  state.name = e.name();
  state.title = e.title();
  state.email = e.email();
  state.phone = e.phone();
  state.buying_role = e.buying_role();
  state.reports_to_contact_id = e.reports_to_contact_id();
  state.influence = e.influence();
  state.attitude = e.attitude();
}

absl::Status CheckManager(absl::string_view contact_id, absl::string_view manager_id, const AncestorChain& chain) {
  return CheckParentLink("reports_to_contact_id", contact_id, manager_id, chain, kMaxReportingDepth, "reporting_cycle",
                         "reporting_chain_too_long");
}

// The contact after applying the fields `request` sets; changed_fields lists those that changed, in
// field-number order.
v1::ContactUpdated Updated(const ContactState& state, const v1::UpdateContactRequest& request) {
  v1::ContactUpdated out;
  out.set_contact_id(state.contact_id);
  out.set_account_id(state.account_id);
  auto pick = [&](const char* field, bool has, const auto& requested, const auto& current) {
    if (has && requested != current) out.add_changed_fields(field);
    return has ? requested : current;
  };
  out.set_name(pick("name", request.has_name(), request.name(), state.name));
  out.set_title(pick("title", request.has_title(), request.title(), state.title));
  out.set_email(pick("email", request.has_email(), request.email(), state.email));
  out.set_phone(pick("phone", request.has_phone(), request.phone(), state.phone));
  out.set_buying_role(pick("buying_role", request.has_buying_role(), request.buying_role(), state.buying_role));
  out.set_reports_to_contact_id(pick("reports_to_contact_id", request.has_reports_to_contact_id(),
                                     request.reports_to_contact_id(), state.reports_to_contact_id));
  out.set_influence(pick("influence", request.has_influence(), request.influence(), state.influence));
  out.set_attitude(pick("attitude", request.has_attitude(), request.attitude(), state.attitude));
  return out;
}

}  // namespace

ContactState Evolve(ContactState state, const ContactEvent& event) {
  std::visit(Overloaded{[&](const v1::ContactCreated& e) {
                          ApplySnapshot(state, e);
                          state.lead_id = e.lead_id();
                        },
                        [&](const v1::ContactUpdated& e) { ApplySnapshot(state, e); }},
             event.payload);
  state.last_changed_at = std::max(state.last_changed_at, event.occurred_at);
  return state;
}

absl::StatusOr<std::vector<ContactEvent>> Decide(const ContactState& state, const CreateContact& command) {
  const v1::CreateContactRequest& request = command.request;
  if (state.exists) return absl::AlreadyExistsError(absl::StrCat("contact ", request.contact_id(), " already exists"));
  if (!command.account_exists)
    return absl::NotFoundError(absl::StrCat("account_id ", request.account_id(), " not found"));
  if (!request.reports_to_contact_id().empty()) {
    SFA_RETURN_IF_ERROR(CheckManager(request.contact_id(), request.reports_to_contact_id(), command.manager));
  }
  absl::StatusOr<absl::Time> at = EffectiveTimeOf(request, command.now);
  if (!at.ok()) return at.status();
  v1::ContactCreated created;
  created.set_contact_id(request.contact_id());
  created.set_account_id(request.account_id());
  created.set_name(request.name());
  created.set_title(request.title());
  created.set_email(request.email());
  created.set_phone(request.phone());
  created.set_buying_role(request.buying_role());
  created.set_reports_to_contact_id(request.reports_to_contact_id());
  created.set_influence(request.influence());
  created.set_attitude(request.attitude());
  created.set_lead_id(command.lead_id);
  std::vector<ContactEvent> events;
  events.push_back({*at, std::move(created)});
  return events;
}

absl::StatusOr<std::vector<ContactEvent>> Decide(const ContactState& state, const UpdateContact& command) {
  const v1::UpdateContactRequest& request = command.request;
  if (!state.exists) return absl::NotFoundError(absl::StrCat("contact ", request.contact_id(), " not found"));
  absl::StatusOr<absl::Time> at = EffectiveTimeOf(request, command.now, state.last_changed_at);
  if (!at.ok()) return at.status();
  v1::ContactUpdated updated = Updated(state, request);
  if (updated.changed_fields().empty()) return std::vector<ContactEvent>();
  if (updated.reports_to_contact_id() != state.reports_to_contact_id && !updated.reports_to_contact_id().empty()) {
    SFA_RETURN_IF_ERROR(CheckManager(state.contact_id, updated.reports_to_contact_id(), command.manager));
  }
  std::vector<ContactEvent> events;
  events.push_back({*at, std::move(updated)});
  return events;
}

}  // namespace sfa::opportunity::domain
