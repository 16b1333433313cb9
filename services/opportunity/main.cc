// sfa-opportunity: the opportunity service process. Wiring only: flags -> config -> host with the read
// models and the inbox of quote events -> the gRPC adapter -> the inbox worker -> run until SIGTERM.

#include "absl/flags/flag.h"
#include "messaging/inbox.h"
#include "opportunity/opportunity_service.h"
#include "opportunity/projections/projections.h"
#include "server/config.h"
#include "server/service_host.h"
#include "sfa/quote/v1/quote_events.pb.h"

ABSL_FLAG(std::string, quote_events_topic, "sfa.quote.events.v1",
          "Kafka topic of the quote service's events (an accepted quote sets the opportunity's amount)");

int main(int argc, char** argv) {
  sfa::server::ParseCommandLine(argc, argv,
                                "opportunity service: sales organisation, pipelines, accounts, contacts, "
                                "opportunities, activities and coaching",
                                {"quote_events_topic"});
  sfa::server::ServiceDefaults defaults;
  defaults.service_name = "opportunity";
  defaults.grpc_port = 50052;
  defaults.metrics_port = 51052;
  defaults.kafka_topic = "sfa.opportunity.events.v1";
  auto config = sfa::server::OrExit("opportunity", sfa::server::LoadServerConfig(defaults));

  sfa::opportunity::projections::ReadModels read_models;
  // Quote events this service reacts to, queued in the same commit as the consumer offsets.
  sfa::messaging::InboxProjection quote_inbox("quote", [](const sfa::common::v1::EventEnvelope& event) {
    return event.payload_type() == sfa::quote::v1::QuoteAccepted::descriptor()->full_name();
  });
  sfa::server::ServiceHostOptions options;
  options.store.projections = read_models.All();
  options.store.extra_column_families = quote_inbox.column_families();
  sfa::messaging::ProjectionRunnerOptions runner;
  runner.topics = {absl::GetFlag(FLAGS_quote_events_topic)};
  runner.projections = {&quote_inbox};
  options.projection_runner = runner;
  auto host = sfa::server::OrExit("opportunity", sfa::server::ServiceHost::Create(config, std::move(options)));
  int exit_code = 0;
  {
    // Destroyed after Run() returned: every call it accepted has been answered by then.
    sfa::opportunity::OpportunityServiceImpl service(host->store());
    host->AddService(sfa::opportunity::v1::OpportunityService::service_full_name(), &service);
    sfa::messaging::InboxWorker inbox(host->store(), &quote_inbox, [&service](const auto& event) {
      return service.ReactToQuoteEvent(event);
    });
    host->AddStopHook([&inbox] { inbox.Stop(); });
    sfa::server::OrExit("opportunity", host->Start());
    exit_code = host->Run();
  }
  return exit_code;
}
