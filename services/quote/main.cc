// sfa-quote: the quote (CPQ) service process. Wiring only: flags -> config -> host with the read model ->
// the gRPC adapter (with its channel to the opportunity service) -> run until SIGTERM.

#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "quote/projections/projections.h"
#include "quote/quote_service.h"
#include "server/config.h"
#include "server/service_host.h"

ABSL_FLAG(std::string, opportunity_target, "127.0.0.1:50052",
          "host:port of the opportunity service (CreateQuote and CloneQuote read the opportunity and account)");

int main(int argc, char** argv) {
  sfa::server::ParseCommandLine(argc, argv,
                                "quote service: catalogue, price books, promotions, quotes with approval, orders "
                                "and payments",
                                {"opportunity_target"});
  sfa::server::ServiceDefaults defaults;
  defaults.service_name = "quote";
  defaults.grpc_port = 50053;
  defaults.metrics_port = 51053;
  defaults.kafka_topic = "sfa.quote.events.v1";
  auto config = sfa::server::OrExit("quote", sfa::server::LoadServerConfig(defaults));

  sfa::quote::projections::QuoteProjection read_model;
  sfa::server::ServiceHostOptions options;
  options.store.projections = {&read_model};
  auto host = sfa::server::OrExit("quote", sfa::server::ServiceHost::Create(config, std::move(options)));

  sfa::quote::QuoteServiceOptions service_options;
  grpc::ChannelArguments channel_args;
  channel_args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 250);
  channel_args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  service_options.opportunity = sfa::opportunity::v1::OpportunityService::NewStub(grpc::CreateCustomChannel(
      absl::GetFlag(FLAGS_opportunity_target), grpc::InsecureChannelCredentials(), channel_args));
  int exit_code = 0;
  {
    sfa::quote::QuoteServiceImpl service(host->store(), service_options);
    host->AddService(sfa::quote::v1::QuoteService::service_full_name(), &service);
    sfa::server::OrExit("quote", host->Start());
    exit_code = host->Run();
  }
  return exit_code;
}
