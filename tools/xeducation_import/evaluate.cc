#include "tools/xeducation_import/evaluate.h"

#include <grpcpp/client_context.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "tools/xeducation_import/auc.h"

namespace sfa::tools::xeducation {
namespace {

grpc::Status ReadStats(lv1::LeadService::StubInterface& stub, const CallOptions& call,
                       lv1::GetScoringModelStatsResponse* stats) {
  grpc::ClientContext context;
  PrepareContext(call, &context);
  return stub.GetScoringModelStats(&context, lv1::GetScoringModelStatsRequest(), stats);
}

// Waits for the model to have taken in `expected` outcomes; fills the stats part of `out`.
void WaitForModel(lv1::LeadService::StubInterface& stub, const CallOptions& call, int64_t expected,
                  const EvaluateOptions& options, Evaluation* out) {
  const absl::Time start = absl::Now();
  const absl::Time deadline = start + options.timeout;
  std::string last_error;
  while (true) {
    lv1::GetScoringModelStatsResponse stats;
    const grpc::Status status = ReadStats(stub, call, &stats);
    if (status.ok()) {
      out->training_size = stats.training_size();
      out->holdout_size = stats.holdout_size();
      out->service_holdout_auc.reset();
      if (stats.has_holdout_auc()) out->service_holdout_auc = stats.holdout_auc();
      out->caught_up = stats.training_size() + stats.holdout_size() >= expected;
    } else {
      last_error = absl::StrCat("GetScoringModelStats ", maventech::StatusCodeName(status.error_code()), ": ",
                                status.error_message());
    }
    if (out->caught_up || absl::Now() >= deadline) break;
    absl::SleepFor(options.poll_interval);
  }
  out->waited_seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (!out->caught_up) {
    out->problem = absl::StrCat("the model took in ", out->training_size + out->holdout_size, " of ", expected,
                                " outcomes within ", absl::FormatDuration(options.timeout),
                                last_error.empty() ? "" : "; last error: ", last_error);
  }
}

}  // namespace

void AddChannelBaseline(const ImportPlan& plan, Evaluation* evaluation) {
  ChannelRates rates;
  for (const LeadPlan& lead : plan.leads) {
    if (lead.outcome != Outcome::kHeldOut) rates.Add(lead.channel, lead.converted);
  }
  std::vector<ScoredOutcome> scored;
  for (const LeadPlan& lead : plan.leads) {
    if (lead.outcome == Outcome::kHeldOut) scored.push_back({rates.RateOf(lead.channel), lead.converted});
  }
  evaluation->baseline_channels = rates.channels();
  evaluation->baseline_auc = Auc(std::move(scored));
}

Evaluation Evaluate(lv1::LeadService::StubInterface& stub, const CallOptions& call, const ImportPlan& plan,
                    int64_t outcomes_recorded, const EvaluateOptions& options) {
  Evaluation out;
  out.outcomes_expected = outcomes_recorded;
  AddChannelBaseline(plan, &out);
  WaitForModel(stub, call, outcomes_recorded, options, &out);

  std::vector<const LeadPlan*> held_out;
  for (const LeadPlan& lead : plan.leads) {
    if (lead.outcome == Outcome::kHeldOut) held_out.push_back(&lead);
  }
  out.held_out_leads = static_cast<int>(held_out.size());
  absl::Mutex mu;
  std::vector<ScoredOutcome> scored;
  std::string first_read_error;
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < held_out.size(); i = next++) {
      lv1::GetLeadRequest request;
      request.set_lead_id(held_out[i]->lead_id);
      lv1::GetLeadResponse response;
      grpc::ClientContext context;
      PrepareContext(call, &context);
      const grpc::Status status = stub.GetLead(&context, request, &response);
      absl::MutexLock lock(&mu);
      if (!status.ok()) {
        if (out.read_failures++ == 0) {
          first_read_error = absl::StrCat("GetLead ", request.lead_id(), ": ", status.error_message());
        }
      } else if (!response.lead().scores().has_predictive_probability()) {
        ++out.unscored;
      } else {
        ++out.scored;
        scored.push_back({response.lead().scores().predictive_probability(), held_out[i]->converted});
      }
    }
  };
  const size_t threads = std::min<size_t>(std::max(call.concurrency, 1), held_out.size());
  std::vector<std::thread> workers;
  for (size_t i = 0; i < threads; ++i) workers.emplace_back(work);
  for (std::thread& worker : workers) worker.join();
  out.holdout_auc = Auc(std::move(scored));

  if (!out.problem.empty()) return out;
  if (held_out.empty()) {
    out.problem = "no lead is held out (--holdout_percent=0): nothing to measure the score on";
  } else if (out.read_failures > 0) {
    out.problem = absl::StrCat(out.read_failures, " held-out leads could not be read; first: ", first_read_error);
  } else if (out.unscored > 0) {
    out.problem = absl::StrCat(out.unscored, " held-out leads have no predictive_probability");
  } else if (!out.holdout_auc) {
    out.problem = "the held-out leads are all converted or all not: the AUC is undefined";
  }
  return out;
}

}  // namespace sfa::tools::xeducation
