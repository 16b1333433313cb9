// sfa-lead: the lead service process. Wiring only: flags -> config -> host with the read models and the
// Kafka-fed team roster -> the gRPC adapter (with its channel to the opportunity service) -> run until
// SIGTERM.

#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "lead/lead_service.h"
#include "lead/projections/projections.h"
#include "server/config.h"
#include "server/service_host.h"

ABSL_FLAG(std::string, opportunity_target, "127.0.0.1:50052",
          "host:port of the opportunity service (ConvertLead calls its CreateFromLead)");
ABSL_FLAG(std::string, opportunity_events_topic, "sfa.opportunity.events.v1",
          "Kafka topic of the opportunity service's events (sales teams and users for assignment)");

int main(int argc, char** argv) {
  sfa::server::ParseCommandLine(argc, argv,
                                "lead service: capture, de-duplication, scoring, assignment and conversion of leads",
                                {"opportunity_target", "opportunity_events_topic"});
  sfa::server::ServiceDefaults defaults;
  defaults.service_name = "lead";
  defaults.grpc_port = 50051;
  defaults.metrics_port = 51051;
  defaults.kafka_topic = "sfa.lead.events.v1";
  auto config = sfa::server::OrExit("lead", sfa::server::LoadServerConfig(defaults));

  sfa::lead::projections::LeadProjection leads;
  sfa::lead::projections::RosterProjection roster;
  sfa::server::ServiceHostOptions options;
  options.store.projections = {&leads};
  options.store.extra_column_families = roster.column_families();
  sfa::messaging::ProjectionRunnerOptions runner;
  runner.topics = {absl::GetFlag(FLAGS_opportunity_events_topic)};
  runner.projections = {&roster};
  options.projection_runner = runner;
  auto host = sfa::server::OrExit("lead", sfa::server::ServiceHost::Create(config, std::move(options)));

  sfa::lead::LeadServiceOptions service_options;
  // Reconnect within a second or two of the opportunity service coming back, so a conversion retried
  // after an outage succeeds promptly (gRPC's default backoff grows to two minutes).
  grpc::ChannelArguments channel_args;
  channel_args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 250);
  channel_args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  service_options.opportunity = sfa::opportunity::v1::OpportunityService::NewStub(grpc::CreateCustomChannel(
      absl::GetFlag(FLAGS_opportunity_target), grpc::InsecureChannelCredentials(), channel_args));
  int exit_code = 0;
  {
    // Destroyed after Run() returned: every call it accepted has been answered by then.
    sfa::lead::LeadServiceImpl service(host->store(), service_options);
    host->AddService(sfa::lead::v1::LeadService::service_full_name(), &service);
    sfa::server::OrExit("lead", host->Start());
    exit_code = host->Run();
  }
  return exit_code;
}
