#ifndef SFA_TOOLS_XEDUCATION_IMPORT_PLAN_H_
#define SFA_TOOLS_XEDUCATION_IMPORT_PLAN_H_

// The import as requests, built from Leads.csv without talking to a service: first the opportunity
// service's setup (the sales user the leads are assigned to, its manager and team, the pipeline converted
// leads open opportunities in), then one sequence of LeadService requests per row, with the held-out rows
// chosen by the seed and every quirk counted.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/time/time.h"
#include "sfa/opportunity/v1/opportunity_service.pb.h"
#include "tools/xeducation_import/leads.h"
#include "tools/xeducation_import/mapping.h"
#include "tools/xeducation_import/quirks.h"

namespace sfa::tools::xeducation {

namespace ov1 = ::sfa::opportunity::v1;

inline constexpr char kManagerUserId[] = "xedu.manager";
inline constexpr char kTeamId[] = "xeducation";
inline constexpr char kPipelineId[] = "xeducation";
inline constexpr char kOpenStage[] = "enrolling";
inline constexpr char kWonStage[] = "enrolled";
inline constexpr char kLostStage[] = "lost";

// One OpportunityService request of the setup.
using SetupCommand = std::variant<ov1::UpsertUserRequest, ov1::UpsertSalesTeamRequest, ov1::DefinePipelineRequest>;
std::string SetupCommandName(const SetupCommand& command);  // "UpsertUser"
const std::string& SetupRequestIdOf(const SetupCommand& command);

struct PlanOptions {
  std::string owner_user_id = "xedu.sales";
  int holdout_percent = 0;  // 0..100
  uint64_t seed = 1;
  // The converted leads' opportunities (see MappingOptions).
  std::string currency = "INR";
  int64_t amount_minor_units = 0;
  absl::Time expected_close_date = absl::InfinitePast();
};

struct ImportPlan {
  int rows_read = 0;
  std::vector<RejectedRow> rejected;
  std::vector<SetupCommand> setup;
  std::vector<LeadPlan> leads;  // file order
  QuirkCounts quirks;
  int held_out = 0;
  int converted = 0;     // outcomes to import: qualify + convert
  int disqualified = 0;  // outcomes to import: disqualify
  int engagements = 0;

  int CommandCount() const;
};

// The setup in the order it must be sent: manager, sales user, team, pipeline. Request ids
// "xedu:setup:<step>".
std::vector<SetupCommand> SetupCommands(const PlanOptions& options);

// Enrolling (open, 50 %) -> Enrolled (won) / Lost; no exit criteria.
ov1::DefinePipelineRequest XEducationPipeline();

ImportPlan BuildPlan(const LeadData& data, const PlanOptions& options);

}  // namespace sfa::tools::xeducation

#endif  // SFA_TOOLS_XEDUCATION_IMPORT_PLAN_H_
