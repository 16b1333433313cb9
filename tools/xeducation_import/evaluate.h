#ifndef SFA_TOOLS_XEDUCATION_IMPORT_EVALUATE_H_
#define SFA_TOOLS_XEDUCATION_IMPORT_EVALUATE_H_

// How good the lead service's learned conversion score is on leads it never learned from: wait until the
// model has taken in every outcome the import recorded, read the held-out leads' predictive probability
// and measure its AUC against the data set's Converted, beside the per-channel conversion-rate baseline.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "sfa/lead/v1/lead_service.grpc.pb.h"
#include "tools/xeducation_import/importer.h"
#include "tools/xeducation_import/plan.h"

namespace sfa::tools::xeducation {

struct EvaluateOptions {
  absl::Duration timeout = absl::Seconds(300);  // for the model to catch up with the outcomes
  absl::Duration poll_interval = absl::Milliseconds(500);
};

struct Evaluation {
  int64_t outcomes_expected = 0;  // outcomes the import recorded
  bool caught_up = false;         // training_size + holdout_size reached outcomes_expected in time
  double waited_seconds = 0;
  // GetScoringModelStats when the wait ended.
  int64_t training_size = 0;
  int64_t holdout_size = 0;
  std::optional<double> service_holdout_auc;  // the service's own validation split
  // The held-out leads read back.
  int held_out_leads = 0;
  int scored = 0;                      // with a predictive_probability
  int unscored = 0;                    // read, but without one
  int read_failures = 0;               // GetLead failed
  std::optional<double> holdout_auc;   // predictive_probability vs Converted on the scored held-out leads
  std::optional<double> baseline_auc;  // channel conversion rate vs Converted on every held-out lead
  int baseline_channels = 0;           // channels among the imported outcomes
  std::string problem;                 // why the evaluation is not complete; empty when it is
};

// The per-channel baseline: conversion rates from the plan's imported outcomes, scored on its held-out
// leads. Also fills baseline_channels.
void AddChannelBaseline(const ImportPlan& plan, Evaluation* evaluation);

// Polls GetScoringModelStats until training_size + holdout_size >= outcomes_recorded (or the timeout),
// then reads every held-out lead with `call.concurrency` threads and computes both AUCs.
Evaluation Evaluate(lead::v1::LeadService::StubInterface& stub, const CallOptions& call, const ImportPlan& plan,
                    int64_t outcomes_recorded, const EvaluateOptions& options);

}  // namespace sfa::tools::xeducation

#endif  // SFA_TOOLS_XEDUCATION_IMPORT_EVALUATE_H_
