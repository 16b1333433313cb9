// sfa-analytics: the analytics service process. Wiring only: flags -> config -> host with the Kafka-fed
// read models (the opportunity, lead and quote topics) -> the gRPC adapter -> run until SIGTERM.

#include "absl/flags/flag.h"
#include "analytics/analytics_service.h"
#include "analytics/projections/projections.h"
#include "server/config.h"
#include "server/service_host.h"

ABSL_FLAG(std::string, opportunity_events_topic, "sfa.opportunity.events.v1", "Kafka topic of the opportunity service");

int main(int argc, char** argv) {
  sfa::server::ParseCommandLine(argc, argv, "analytics service: funnel, pipeline, stage statistics and forecasts",
                                {"opportunity_events_topic"});
  sfa::server::ServiceDefaults defaults;
  defaults.service_name = "analytics";
  defaults.grpc_port = 50054;
  defaults.metrics_port = 51054;
  // Its own events (quotas, stall policy) once those commands exist.
  defaults.kafka_topic = "sfa.analytics.events.v1";
  auto config = sfa::server::OrExit("analytics", sfa::server::LoadServerConfig(defaults));

  sfa::analytics::projections::StageStatsProjection stage_stats;
  sfa::analytics::projections::PipelineAsOfProjection pipeline_as_of;
  sfa::server::ServiceHostOptions options;
  options.store.extra_column_families = stage_stats.column_families();
  for (const std::string& cf : pipeline_as_of.column_families()) options.store.extra_column_families.push_back(cf);
  sfa::messaging::ProjectionRunnerOptions runner;
  runner.topics = {absl::GetFlag(FLAGS_opportunity_events_topic)};
  runner.projections = {&stage_stats, &pipeline_as_of};
  options.projection_runner = runner;
  auto host = sfa::server::OrExit("analytics", sfa::server::ServiceHost::Create(config, std::move(options)));
  int exit_code = 0;
  {
    sfa::analytics::AnalyticsServiceImpl service(host->store());
    host->AddService(sfa::analytics::v1::AnalyticsService::service_full_name(), &service);
    sfa::server::OrExit("analytics", host->Start());
    exit_code = host->Run();
  }
  return exit_code;
}
