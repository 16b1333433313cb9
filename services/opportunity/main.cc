// sfa-opportunity: the opportunity service process. Wiring only: flags -> config -> host with the read
// models -> the gRPC adapter -> run until SIGTERM.

#include "opportunity/opportunity_service.h"
#include "opportunity/projections/projections.h"
#include "server/config.h"
#include "server/service_host.h"

int main(int argc, char** argv) {
  sfa::server::ParseCommandLine(argc, argv,
                                "opportunity service: sales organisation, pipelines, accounts, contacts, "
                                "opportunities, activities and coaching");
  sfa::server::ServiceDefaults defaults;
  defaults.service_name = "opportunity";
  defaults.grpc_port = 50052;
  defaults.metrics_port = 51052;
  defaults.kafka_topic = "sfa.opportunity.events.v1";
  auto config = sfa::server::OrExit("opportunity", sfa::server::LoadServerConfig(defaults));

  sfa::opportunity::projections::ReadModels read_models;
  sfa::server::ServiceHostOptions options;
  options.store.projections = read_models.All();
  auto host = sfa::server::OrExit("opportunity", sfa::server::ServiceHost::Create(config, std::move(options)));
  int exit_code = 0;
  {
    // Destroyed after Run() returned: every call it accepted has been answered by then.
    sfa::opportunity::OpportunityServiceImpl service(host->store());
    host->AddService(sfa::opportunity::v1::OpportunityService::service_full_name(), &service);
    sfa::server::OrExit("opportunity", host->Start());
    exit_code = host->Run();
  }
  return exit_code;
}
