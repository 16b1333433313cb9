#include "tools/simulator/event_sink.h"

#include <unistd.h>

#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "opportunity/domain/event.h"
#include "opportunity/domain/opportunity.h"
#include "opportunity/domain/support.h"
#include "tools/simulator/plan.h"

namespace sfa::tools::simulator {
namespace {

namespace domain = ::sfa::opportunity::domain;
using common::v1::EventEnvelope;

Simulation Make(uint64_t seed, int64_t deals) {
  SimulationOptions options;
  options.seed = seed;
  options.deals = deals;
  absl::StatusOr<Simulation> sim = Simulation::Create(DefaultModel(), options);
  EXPECT_TRUE(sim.ok()) << sim.status();
  return *std::move(sim);
}

std::vector<EventEnvelope> Collect(const Simulation& sim, EventOrder order, EventSinkStats* stats = nullptr) {
  std::vector<EventEnvelope> out;
  EventSinkOptions options;
  options.order = order;
  absl::StatusOr<EventSinkStats> s = EmitEvents(sim, options, [&](const EventEnvelope& e) {
    out.push_back(e);
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s.status();
  if (stats != nullptr && s.ok()) *stats = *s;
  return out;
}

// Every stream's versions run 1, 2, 3, ...; opportunity streams start with OpportunityCreated and fold
// through the domain's Evolve to the deal's state at the horizon.
void CheckStreams(const Simulation& sim, const std::vector<EventEnvelope>& envelopes) {
  std::map<std::pair<std::string, std::string>, uint64_t> last_version;
  std::map<std::string, domain::OpportunityState> deals;
  std::set<std::string> event_ids;
  for (size_t i = 0; i < envelopes.size(); ++i) {
    const EventEnvelope& e = envelopes[i];
    ASSERT_EQ(e.global_position(), i + 1);
    ASSERT_EQ(e.tenant(), "sim");
    ASSERT_EQ(e.source(), "opportunity");
    ASSERT_EQ(e.event_id().size(), 36u);
    ASSERT_TRUE(event_ids.insert(e.event_id()).second) << "duplicate event id";
    ASSERT_FALSE(e.request_id().empty());
    uint64_t& version = last_version[{e.aggregate_type(), e.aggregate_id()}];
    ASSERT_EQ(e.aggregate_version(), version + 1) << e.aggregate_type() << "/" << e.aggregate_id();
    version = e.aggregate_version();
    if (e.aggregate_type() != domain::kOpportunityAggregate) continue;
    if (version == 1) {
      ASSERT_EQ(e.payload_type(), "sfa.opportunity.v1.OpportunityCreated");
    }
    absl::StatusOr<domain::OpportunityPayload> payload =
        domain::ParsePayload<domain::OpportunityPayload>(e.payload_type(), e.payload());
    ASSERT_TRUE(payload.ok()) << payload.status();
    domain::OpportunityState& state = deals[e.aggregate_id()];
    ASSERT_GE(domain::ToTime(e.occurred_at()), state.last_changed_at);
    state = domain::Evolve(std::move(state), domain::OpportunityEvent{domain::ToTime(e.occurred_at()), *payload});
  }
  ASSERT_EQ(deals.size(), static_cast<size_t>(sim.deals()));
  for (int64_t i = 0; i < sim.deals(); ++i) {
    const DealHistory deal = sim.Deal(i);
    const domain::OpportunityState& state = deals.at(OpportunityId(sim.seed(), i));
    const Step& last = deal.steps[deal.StepsBefore(sim.horizon()) - 1];
    const v1::OpportunityStatus status = deal.closed_at >= sim.horizon() ? v1::OPPORTUNITY_STATUS_OPEN
                                         : deal.won                      ? v1::OPPORTUNITY_STATUS_WON
                                                                         : v1::OPPORTUNITY_STATUS_LOST;
    ASSERT_EQ(state.status, status) << "deal " << i;
    ASSERT_EQ(state.amount->minor_units(), last.amount_cents) << "deal " << i;
    ASSERT_EQ(domain::ToTimestamp(*state.expected_close_date).seconds(), last.expected_close) << "deal " << i;
    if (status == v1::OPPORTUNITY_STATUS_OPEN) {
      ASSERT_EQ(state.stage_id, sim.model().stages[last.stage].stage_id);
    }
  }
}

TEST(EventSinkTest, DealOrderStreamsAreAcceptedByTheDomain) {
  const Simulation sim = Make(21, 300);
  EventSinkStats stats;
  const std::vector<EventEnvelope> envelopes = Collect(sim, EventOrder::kByDeal, &stats);
  EXPECT_EQ(stats.envelopes, static_cast<int64_t>(envelopes.size()));
  EXPECT_EQ(stats.deals, 300);
  EXPECT_EQ(stats.setup_envelopes + stats.opportunity_envelopes + stats.activity_envelopes, stats.envelopes);
  EXPECT_EQ(envelopes.front().payload_type(), "sfa.opportunity.v1.UserUpserted");
  CheckStreams(sim, envelopes);
}

TEST(EventSinkTest, TimeOrderHasTheSameEventsInBusinessTimeOrder) {
  const Simulation sim = Make(22, 300);
  const std::vector<EventEnvelope> by_deal = Collect(sim, EventOrder::kByDeal);
  const std::vector<EventEnvelope> by_time = Collect(sim, EventOrder::kByTime);
  CheckStreams(sim, by_time);
  ASSERT_EQ(by_deal.size(), by_time.size());
  std::map<std::string, std::string> a, b;
  for (const EventEnvelope& e : by_deal) a[e.event_id()] = e.payload();
  for (const EventEnvelope& e : by_time) b[e.event_id()] = e.payload();
  EXPECT_EQ(a, b);
  int64_t setup = 0;
  for (size_t i = 1; i < by_time.size(); ++i) {
    if (by_time[i].aggregate_type() == domain::kOpportunityAggregate || by_time[i].aggregate_type() == "activity") {
      ASSERT_GE(domain::ToTime(by_time[i].occurred_at()), domain::ToTime(by_time[i - 1].occurred_at())) << i;
    } else {
      ++setup;
    }
  }
  EXPECT_GT(setup, 0);
}

TEST(EventSinkTest, DeterministicEnvelopes) {
  const Simulation sim = Make(23, 100);
  const std::vector<EventEnvelope> a = Collect(sim, EventOrder::kByDeal);
  const std::vector<EventEnvelope> b = Collect(Make(23, 100), EventOrder::kByDeal);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a[i].SerializeAsString(), b[i].SerializeAsString()) << i;
}

TEST(EventSinkTest, FileRoundTrip) {
  const Simulation sim = Make(24, 200);
  const std::string path = absl::StrCat(::testing::TempDir(), "/sim-events-", ::getpid(), ".bin");
  absl::StatusOr<EventSinkStats> stats = WriteEventsFile(sim, EventSinkOptions{}, path);
  ASSERT_TRUE(stats.ok()) << stats.status();
  const std::vector<EventEnvelope> direct = Collect(sim, EventOrder::kByDeal);
  size_t n = 0;
  absl::Status read = ReadEventsFile(path, [&](const EventEnvelope& e) {
    if (n >= direct.size()) return absl::InternalError("too many");
    EXPECT_EQ(e.SerializeAsString(), direct[n].SerializeAsString());
    ++n;
    return absl::OkStatus();
  });
  EXPECT_TRUE(read.ok()) << read;
  EXPECT_EQ(n, direct.size());
  EXPECT_EQ(static_cast<int64_t>(n), stats->envelopes);
  // A cut file is DATA_LOSS, not a silent short read.
  ASSERT_EQ(::truncate(path.c_str(), 1000), 0);
  EXPECT_EQ(ReadEventsFile(path, [](const EventEnvelope&) { return absl::OkStatus(); }).code(),
            absl::StatusCode::kDataLoss);
  std::remove(path.c_str());
}

TEST(EventSinkTest, CallbackErrorStopsTheRun) {
  const Simulation sim = Make(25, 50);
  int calls = 0;
  absl::StatusOr<EventSinkStats> s = EmitEvents(sim, EventSinkOptions{}, [&](const EventEnvelope&) {
    return ++calls == 10 ? absl::CancelledError("enough") : absl::OkStatus();
  });
  EXPECT_EQ(s.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(calls, 10);
}

}  // namespace
}  // namespace sfa::tools::simulator
