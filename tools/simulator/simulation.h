#ifndef SFA_TOOLS_SIMULATOR_SIMULATION_H_
#define SFA_TOOLS_SIMULATOR_SIMULATION_H_

// A seeded simulation: `deals` deals created by a Poisson process over [from, to], each walked through
// the TRUE chain to WON or LOST with its stage durations, amount revisions, expected close date (set
// from the known slippage, pushed out while overdue) and activities. Deal i is a pure function of
// (model, seed, deals, from, to, i), so sinks generate deals on any thread, in any order, one at a time.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "tools/simulator/model.h"
#include "tools/simulator/organisation.h"

namespace sfa::tools::simulator {

inline constexpr int64_t kSecondsPerDay = 86'400;

// Catalogues steps and deals index into (plan.h turns them into the API's values).
inline constexpr int kLeadSources = 5;    // web, referral, event, outbound, partner
inline constexpr int kActivityKinds = 5;  // call, email, meeting, demo, visit
inline constexpr int kLostReasons = 5;    // price, competitor, no decision, timing, budget
inline constexpr int kLostToCompetitor = 1;

enum class StepKind {
  kCreate,     // CreateOpportunity in `stage`
  kMove,       // MoveStage to `stage` (backward when it is earlier than the stage before)
  kAmount,     // UpdateOpportunity: amount_cents
  kCloseDate,  // UpdateOpportunity: expected_close (pushed out)
  kActivity,   // LogActivity about the deal; `detail` is the ActivityKind index (see plan.h)
  kWon,        // CloseWon from `stage`
  kLost,       // CloseLost from `stage`; `detail` is the lost reason index (see plan.h)
};
absl::string_view StepKindName(StepKind kind);
inline constexpr int kStepKinds = 7;

// One change of a deal, with the deal as it is after it.
struct Step {
  int64_t at = 0;  // business time, Unix seconds
  StepKind kind = StepKind::kCreate;
  int stage = 0;  // the open stage the deal is in after the step (kWon / kLost: the stage it closed from)
  int64_t amount_cents = 0;
  int64_t expected_close = 0;  // Unix seconds, midnight UTC
  int detail = 0;

  friend bool operator==(const Step&, const Step&) = default;
};

struct DealHistory {
  int64_t index = 0;
  int owner = 0;     // Organisation::reps
  int account = -1;  // Organisation::accounts; -1 = created without an account
  int lead_source = 0;
  int64_t created_at = 0;
  int64_t first_expected_close = 0;
  // The sampled date was before the day after creation; it was moved there.
  bool expected_close_clamped = false;
  // Time order; steps[0] is kCreate, the last one kWon or kLost (possibly after the horizon).
  std::vector<Step> steps;
  bool won = false;
  int64_t closed_at = 0;
  // Reached max_transitions and was lost there.
  bool forced_lost = false;

  int64_t FinalAmountCents() const { return steps.back().amount_cents; }
  // The number of leading steps before `horizon`: what the sinks write.
  size_t StepsBefore(int64_t horizon) const;

  friend bool operator==(const DealHistory&, const DealHistory&) = default;
};

struct SimulationOptions {
  uint64_t seed = 1;
  int64_t deals = 20'000;
  absl::CivilDay from = absl::CivilDay(2023, 1, 1);
  // Inclusive: deals are created in [from 00:00, to + 1 day 00:00) UTC, which is also the horizon.
  absl::CivilDay to = absl::CivilDay(2025, 12, 31);
};

class Simulation {
 public:
  // INVALID_ARGUMENT for an invalid model (ValidateModel), deals outside 1..100,000,000 or to < from.
  static absl::StatusOr<Simulation> Create(ModelConfig model, SimulationOptions options);

  const ModelConfig& model() const { return model_; }
  const SimulationOptions& options() const { return options_; }
  const Organisation& org() const { return org_; }
  uint64_t seed() const { return options_.seed; }
  int64_t deals() const { return options_.deals; }
  // Unix seconds of `from` and of the horizon (`to` + 1 day): no step at or after it is written.
  int64_t start() const { return start_; }
  int64_t horizon() const { return horizon_; }
  // Creation times are non-decreasing in the index.
  int64_t CreatedAt(int64_t index) const { return created_[index]; }

  // Deal `index` (0 <= index < deals()); thread-safe.
  DealHistory Deal(int64_t index) const;

 private:
  Simulation(ModelConfig model, SimulationOptions options);

  ModelConfig model_;
  SimulationOptions options_;
  Organisation org_;
  int64_t start_ = 0;
  int64_t horizon_ = 0;
  std::vector<int64_t> created_;
  // Accounts of each region, for picking a deal's account in its owner's region.
  std::vector<std::vector<int>> accounts_by_region_;
};

// Midnight UTC of the day `t` (Unix seconds) falls in.
int64_t FloorDay(int64_t t);

}  // namespace sfa::tools::simulator

#endif  // SFA_TOOLS_SIMULATOR_SIMULATION_H_
