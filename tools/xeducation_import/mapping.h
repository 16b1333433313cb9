#ifndef SFA_TOOLS_XEDUCATION_IMPORT_MAPPING_H_
#define SFA_TOOLS_XEDUCATION_IMPORT_MAPPING_H_

// One Leads.csv row as the LeadService requests that tell its story: capture (profile and channel, never
// a column that leaks the outcome), the recorded behaviour as engagements, then — unless the row is held
// out for evaluation — working it, assigning it to the import's sales user, and qualifying + converting or
// disqualifying it as `Converted` says. Every request id derives from the lead number.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "sfa/lead/v1/lead_service.pb.h"
#include "tools/xeducation_import/leads.h"
#include "tools/xeducation_import/quirks.h"

namespace sfa::tools::xeducation {

namespace lv1 = ::sfa::lead::v1;

inline constexpr char kDisqualifyReason[] = "not converted (X Education data set)";

// One LeadService request of the import.
using LeadCommand =
    std::variant<lv1::CaptureLeadRequest, lv1::RecordEngagementRequest, lv1::ChangeLeadStatusRequest,
                 lv1::AssignLeadRequest, lv1::QualifyLeadRequest, lv1::ConvertLeadRequest, lv1::DisqualifyLeadRequest>;

// The RPC a command is sent with ("CaptureLead") and its request id.
std::string CommandName(const LeadCommand& command);
const std::string& RequestIdOf(const LeadCommand& command);

// "xedu-660737".
std::string LeadIdOf(absl::string_view lead_number);
// "xedu:660737:capture"; steps: capture, visit, page_views, last_activity, working, assign, qualify,
// convert, disqualify.
std::string RequestIdFor(absl::string_view lead_number, absl::string_view step);

// Empty or "Select" (in any case): the question was not answered.
bool IsNotAnswered(absl::string_view value);

// The engagement `Last Activity` stands for: UNSPECIFIED for an empty value, OTHER for one not listed.
lv1::EngagementKind KindOfLastActivity(absl::string_view last_activity);

// A number column's value: nullopt when empty or NaN (`*unreadable` stays false) or when not a finite,
// non-negative number (`*unreadable` set).
std::optional<double> ParseNumber(absl::string_view text, bool* unreadable);

struct MappingOptions {
  std::string owner_user_id = "xedu.sales";  // AssignLead's user and so the converted records' owner
  std::string pipeline_id = "xeducation";    // the converted leads' opportunities
  // The converted leads' opportunity amount and expected close date. The data set has neither, but the
  // lead service's ConvertLead validation requires both (services/lead/domain/validation.cc), although
  // lead_service.proto does not say so. An unset close date (InfinitePast) is not sent.
  std::string currency = "INR";
  int64_t amount_minor_units = 0;
  absl::Time expected_close_date = absl::InfinitePast();
};

// What will happen to the lead.
enum class Outcome { kHeldOut, kConverted, kDisqualified };

struct LeadPlan {
  int line = 0;
  std::string lead_number;
  std::string lead_id;
  std::string channel;  // Lead Source, as captured
  bool converted = false;
  Outcome outcome = Outcome::kHeldOut;
  int engagements = 0;  // RecordEngagement commands
  std::vector<LeadCommand> commands;
};

// The capture request alone (tests and the mapping itself use it).
lv1::CaptureLeadRequest CaptureOf(const LeadRow& row);

// Every request for `row` in the order they must be sent. Adds the row's quirks to `quirks` (each at most
// once per row) when it is not null.
LeadPlan MapRow(const LeadRow& row, bool held_out, const MappingOptions& options, QuirkCounts* quirks);

}  // namespace sfa::tools::xeducation

#endif  // SFA_TOOLS_XEDUCATION_IMPORT_MAPPING_H_
