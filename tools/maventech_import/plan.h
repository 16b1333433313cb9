#ifndef SFA_TOOLS_MAVENTECH_IMPORT_PLAN_H_
#define SFA_TOOLS_MAVENTECH_IMPORT_PLAN_H_

// The import as the requests the opportunity service receives, built from the data set without talking
// to it: users, teams, accounts (parents first), the pipeline and every deal's create -> move -> close,
// with business dates as effective times, every quirk counted and every row it cannot import kept with
// the reason.

#include <array>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "sfa/opportunity/v1/opportunity_service.pb.h"
#include "sfa/quote/v1/quote_service.pb.h"
#include "tools/maventech_import/data_set.h"
#include "tools/maventech_import/quirks.h"

namespace sfa::tools::maventech {

namespace v1 = ::sfa::opportunity::v1;
namespace quote_v1 = ::sfa::quote::v1;

inline constexpr char kPipelineId[] = "maventech";
inline constexpr char kProspectingStage[] = "prospecting";
inline constexpr char kEngagingStage[] = "engaging";
inline constexpr char kWonStage[] = "won";
inline constexpr char kLostStage[] = "lost";
inline constexpr char kCurrency[] = "USD";
// The data set records no reason for a loss; CloseLost requires one.
inline constexpr char kLostReason[] = "not recorded in the MavenTech data set";

// The opportunity service's records, then the quote service's (catalogue.h: only with --quote-target).
enum class Entity { kUser, kTeam, kPipeline, kAccount, kOpportunity, kProduct, kPriceBook };
inline constexpr int kEntityCount = 7;
inline constexpr int kOpportunityEntityCount = 5;  // kUser .. kOpportunity
absl::string_view EntityName(Entity entity);       // "users", "teams", ..., "price_books"

// One request of the import: to the opportunity service, or (the last two) to the quote service.
using Command =
    std::variant<v1::UpsertUserRequest, v1::UpsertSalesTeamRequest, v1::DefinePipelineRequest, v1::CreateAccountRequest,
                 v1::CreateOpportunityRequest, v1::MoveStageRequest, v1::CloseWonRequest, v1::CloseLostRequest,
                 quote_v1::UpsertProductRequest, quote_v1::UpsertPriceBookRequest>;

// The RPC a command is sent with: "CreateOpportunity".
std::string CommandName(const Command& command);
const std::string& RequestIdOf(const Command& command);

// Requests about one record, sent one after the other: a deal's create, move and close.
struct Sequence {
  Entity entity = Entity::kUser;
  std::string key;  // the record's id
  SourceRef source;
  std::vector<Command> commands;
};

// Sequences that may run concurrently; a phase starts when the one before has finished (teams need their
// users, subsidiaries their parent, deals their owner, account and pipeline).
struct Phase {
  std::string name;
  std::vector<Sequence> sequences;
};

// Sequences of `entity`, and commands, in `phases`.
int CountSequences(const std::vector<Phase>& phases, Entity entity);
int CountCommands(const std::vector<Phase>& phases);

struct ImportPlan {
  std::vector<Phase> phases;
  QuirkCounts quirks;
  std::vector<RowIssue> rejected;                     // rows not imported: unreadable or inconsistent, with the reason
  std::array<int, kDealStageCount> deals_by_stage{};  // planned deals by the stage the file gives
  std::optional<absl::CivilDay> first_day;            // earliest engage or close date
  std::optional<absl::CivilDay> last_day;             // latest one: when Prospecting deals are created
  int parent_accounts = 0;                            // distinct accounts named in subsidiary_of
  int rows_read = 0;

  int Planned(Entity entity) const;  // sequences of that entity
  int CommandCount() const;
};

ImportPlan BuildPlan(const DataSet& data);

// "maventech:<kind>:<id>:<step>": the request id of every command, derived from the data only.
std::string RequestId(absl::string_view kind, absl::string_view id, absl::string_view step);

// The pipeline the import defines: Prospecting -> Engaging -> Won / Lost, no exit criteria.
v1::DefinePipelineRequest MaventechPipeline();

}  // namespace sfa::tools::maventech

#endif  // SFA_TOOLS_MAVENTECH_IMPORT_PLAN_H_
