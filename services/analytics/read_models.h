#ifndef SFA_SERVICES_ANALYTICS_READ_MODELS_H_
#define SFA_SERVICES_ANALYTICS_READ_MODELS_H_

// Every read model of the analytics service, in one place: those fed from the other services' topics
// (through the projection runner, each event at most once per source-aggregate version) and those of its
// own events (quotas, the stall policy; applied in the event store's commit). main.cc and the tests wire
// the same list, so a test sees what the process runs.

#include <string>
#include <vector>

#include "analytics/deal_health/deal_health.h"
#include "analytics/dims/dims.h"
#include "analytics/forecast/forecast.h"
#include "analytics/funnel/funnel.h"
#include "analytics/performance/performance.h"
#include "analytics/projections/projections.h"
#include "analytics/revenue/revenue.h"
#include "eventstore/projection.h"

namespace sfa::analytics {

class ReadModels {
 public:
  // Fed by sfa.opportunity.events.v1, sfa.lead.events.v1 and sfa.quote.events.v1.
  std::vector<eventstore::Projection*> kafka() {
    return {&dims_,        &stage_stats_, &pipeline_as_of_, &funnel_,      &performance_,
            &forecast_,    &waterfall_,   &stalled_,        &lead_source_, &receivables_};
  }
  // The service's own events.
  std::vector<eventstore::Projection*> own() { return {&quota_, &stall_policy_}; }
  std::vector<std::string> kafka_column_families() {
    std::vector<std::string> out;
    for (eventstore::Projection* p : kafka()) {
      for (std::string& cf : p->column_families()) out.push_back(std::move(cf));
    }
    return out;
  }

 private:
  dims::DimsProjection dims_;
  projections::StageStatsProjection stage_stats_;
  projections::PipelineAsOfProjection pipeline_as_of_;
  funnel::FunnelProjection funnel_;
  performance::PerformanceProjection performance_;
  forecast::ForecastProjection forecast_;
  deal_health::WaterfallProjection waterfall_;
  deal_health::StalledProjection stalled_;
  revenue::LeadSourceProjection lead_source_;
  revenue::ReceivablesProjection receivables_;
  performance::QuotaProjection quota_;
  deal_health::StallPolicyProjection stall_policy_;
};

}  // namespace sfa::analytics

#endif  // SFA_SERVICES_ANALYTICS_READ_MODELS_H_
