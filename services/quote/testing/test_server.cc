#include "quote/testing/test_server.h"

#include <cstdlib>
#include <iostream>
#include <utility>

namespace sfa::quote::testing {

TestServer::TestServer(std::string opportunity_target) {
  server::ServerConfig config;
  config.service_name = "quote";
  config.listen_host = "127.0.0.1";
  config.data_dir = dir_.Sub("data");
  config.kafka_brokers = "127.0.0.1:1";
  config.kafka_topic = "sfa.quote.events.v1";
  config.shutdown_grace = absl::Seconds(1);
  config.sync_writes = false;
  server::ServiceHostOptions options;
  options.store.projections = {&read_model_};
  options.store.clock = &clock_;
  options.metrics = &metrics_;
  options.handle_signals = false;
  absl::StatusOr<std::unique_ptr<server::ServiceHost>> host = server::ServiceHost::Create(config, std::move(options));
  if (!host.ok()) {
    std::cerr << "test server: " << host.status() << "\n";
    std::abort();
  }
  host_ = *std::move(host);
  QuoteServiceOptions service_options;
  service_options.clock = &clock_;
  service_options.ids = &ids_;
  service_options.expiry_interval = absl::ZeroDuration();  // tests call ExpireDueQuotes
  if (!opportunity_target.empty()) {
    service_options.opportunity = opportunity::v1::OpportunityService::NewStub(
        grpc::CreateChannel(opportunity_target, grpc::InsecureChannelCredentials()));
    service_options.opportunity_deadline = absl::Seconds(5);
  }
  service_ = std::make_unique<QuoteServiceImpl>(host_->store(), std::move(service_options));
  host_->AddService(v1::QuoteService::service_full_name(), service_.get());
  if (absl::Status started = host_->Start(); !started.ok()) {
    std::cerr << "test server: " << started << "\n";
    std::abort();
  }
  stub_ = v1::QuoteService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(host_->grpc_port()), grpc::InsecureChannelCredentials()));
}

TestServer::~TestServer() {
  host_->Shutdown();
  service_.reset();
  host_.reset();
}

}  // namespace sfa::quote::testing
