#ifndef SFA_SERVICES_OPPORTUNITY_DOMAIN_CONTACT_H_
#define SFA_SERVICES_OPPORTUNITY_DOMAIN_CONTACT_H_

// The contact aggregate: a person at an account, with the buying role, influence and attitude the
// power map reads and the reporting line (reports_to_contact_id) it draws.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "opportunity/domain/event.h"
#include "opportunity/domain/support.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"
#include "sfa/opportunity/v1/opportunity_service.pb.h"

namespace sfa::opportunity::domain {

inline constexpr char kContactAggregate[] = "contact";

using ContactPayload = std::variant<v1::ContactCreated, v1::ContactUpdated>;
using ContactEvent = Event<ContactPayload>;

struct ContactState {
  bool exists = false;
  std::string contact_id;
  std::string account_id;
  std::string name;
  std::string title;
  std::string email;
  std::string phone;
  v1::BuyingRole buying_role = v1::BUYING_ROLE_UNSPECIFIED;
  std::string reports_to_contact_id;
  int32_t influence = 0;
  v1::Attitude attitude = v1::ATTITUDE_UNSPECIFIED;
  std::string lead_id;
  absl::Time last_changed_at = absl::InfinitePast();
};

struct CreateContact {
  v1::CreateContactRequest request;  // validated; contact_id filled in
  bool account_exists = false;
  // The chain above reports_to_contact_id (when set).
  AncestorChain manager;
  absl::Time now;
  // The lead whose conversion creates the contact (CreateFromLead); empty otherwise.
  std::string lead_id = {};
};

struct UpdateContact {
  v1::UpdateContactRequest request;  // validated
  // The chain above the new reports_to_contact_id (when set and not empty).
  AncestorChain manager;
  absl::Time now;
};

ContactState Evolve(ContactState state, const ContactEvent& event);

// ContactCreated. ALREADY_EXISTS for a taken id, NOT_FOUND for a missing account or manager.
absl::StatusOr<std::vector<ContactEvent>> Decide(const ContactState& state, const CreateContact& command);

// ContactUpdated with the whole contact, or nothing when nothing changes. A reporting line that would
// make a cycle is refused (reporting_cycle).
absl::StatusOr<std::vector<ContactEvent>> Decide(const ContactState& state, const UpdateContact& command);

}  // namespace sfa::opportunity::domain

#endif  // SFA_SERVICES_OPPORTUNITY_DOMAIN_CONTACT_H_
