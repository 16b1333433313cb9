// sfa-analytics: the analytics service process. Wiring only: flags -> config -> host with the Kafka-fed
// read models (the opportunity, lead and quote topics) and its own (quotas, stall policy) -> the gRPC
// adapter -> run until SIGTERM.

#include "absl/flags/flag.h"
#include "analytics/analytics_service.h"
#include "analytics/read_models.h"
#include "server/config.h"
#include "server/service_host.h"

ABSL_FLAG(std::string, opportunity_events_topic, "sfa.opportunity.events.v1", "Kafka topic of the opportunity service");
ABSL_FLAG(std::string, lead_events_topic, "sfa.lead.events.v1", "Kafka topic of the lead service");
ABSL_FLAG(std::string, quote_events_topic, "sfa.quote.events.v1", "Kafka topic of the quote service");

int main(int argc, char** argv) {
  sfa::server::ParseCommandLine(argc, argv,
                                "analytics service: funnel, pipeline, waterfall, stage statistics, forecasts and "
                                "backtests, stalled deals, performance, lead sources, receivables",
                                {"opportunity_events_topic", "lead_events_topic", "quote_events_topic"});
  sfa::server::ServiceDefaults defaults;
  defaults.service_name = "analytics";
  defaults.grpc_port = 50054;
  defaults.metrics_port = 51054;
  defaults.kafka_topic = "sfa.analytics.events.v1";  // its own events: quotas, the stall policy
  auto config = sfa::server::OrExit("analytics", sfa::server::LoadServerConfig(defaults));

  sfa::analytics::ReadModels read_models;
  sfa::server::ServiceHostOptions options;
  options.store.projections = read_models.own();
  options.store.extra_column_families = read_models.kafka_column_families();
  sfa::messaging::ProjectionRunnerOptions runner;
  runner.topics = {absl::GetFlag(FLAGS_opportunity_events_topic), absl::GetFlag(FLAGS_lead_events_topic),
                   absl::GetFlag(FLAGS_quote_events_topic)};
  runner.projections = read_models.kafka();
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
