#ifndef SFA_TOOLS_SIMULATOR_PLAN_H_
#define SFA_TOOLS_SIMULATOR_PLAN_H_

// The OpportunityService requests that write a simulation: the setup (users, teams, the pipeline with
// the configured probabilities, accounts) and one request per deal step before the horizon, back-dated
// with effective_time. Both sinks use them: the API sink sends them, the event sink decides them with the
// opportunity domain, so the events it emits are the ones the service would have stored.
//
// Ids are deterministic: opportunity `s<seed>-d<index>`, its activities `s<seed>-d<index>-a<step>`,
// request ids `sim:<seed>:<index>:<step>` (step 0 creates the deal) and `sim:<seed>:setup:<kind>:<id>`.
// A rerun sends the same request ids, and the service answers them without changing anything.

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/string_view.h"
#include "sfa/opportunity/v1/opportunity_service.pb.h"
#include "tools/simulator/simulation.h"

namespace sfa::tools::simulator {

namespace v1 = ::sfa::opportunity::v1;

using Command =
    std::variant<v1::UpsertUserRequest, v1::UpsertSalesTeamRequest, v1::DefinePipelineRequest, v1::CreateAccountRequest,
                 v1::CreateOpportunityRequest, v1::MoveStageRequest, v1::UpdateOpportunityRequest, v1::CloseWonRequest,
                 v1::CloseLostRequest, v1::LogActivityRequest>;

// The RPC a command is sent with: "CreateOpportunity".
absl::string_view CommandName(const Command& command);
// The RPC of the Command alternative with this index.
absl::string_view CommandNameAt(size_t index);
const std::string& RequestIdOf(const Command& command);

// Commands that may run concurrently; a phase starts when the one before has finished.
struct SetupPhase {
  std::string name;
  std::vector<Command> commands;
};

// users (managers, then reps) -> teams -> pipeline -> accounts (back-dated to `from`).
std::vector<SetupPhase> SetupPlan(const Simulation& simulation);

v1::DefinePipelineRequest PipelineRequest(const Simulation& simulation);

std::string OpportunityId(uint64_t seed, int64_t index);
std::string ActivityId(uint64_t seed, int64_t index, size_t step);
std::string RequestId(uint64_t seed, int64_t index, size_t step);

// The command of step `step` of `deal`.
Command StepCommand(const Simulation& simulation, const DealHistory& deal, size_t step);
// The commands of the deal's steps before the horizon, in order: command k is step k.
std::vector<Command> DealCommands(const Simulation& simulation, const DealHistory& deal);

// The catalogues simulation.h indexes into.
absl::string_view LeadSourceName(int lead_source);
v1::ActivityKind ActivityKindOf(int activity);
absl::string_view LostReasonName(int reason);

}  // namespace sfa::tools::simulator

#endif  // SFA_TOOLS_SIMULATOR_PLAN_H_
