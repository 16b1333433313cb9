#include "opportunity/testing/test_server.h"

#include <cstdlib>
#include <iostream>
#include <utility>
#include <vector>

namespace sfa::opportunity::testing {
namespace {

server::ServerConfig Config(const std::string& data_dir) {
  server::ServerConfig config;
  config.service_name = "opportunity";
  config.listen_host = "127.0.0.1";
  config.grpc_port = 0;
  config.metrics_port = 0;
  config.data_dir = data_dir;
  config.kafka_brokers = "127.0.0.1:1";
  config.kafka_topic = "sfa.opportunity.events.v1";
  config.shutdown_grace = absl::Seconds(1);
  config.sync_writes = false;
  return config;
}

template <typename T>
T OrDie(absl::StatusOr<T> value) {
  if (!value.ok()) {
    std::cerr << "test server: " << value.status() << "\n";
    std::abort();
  }
  return *std::move(value);
}

}  // namespace

TestServer::TestServer() {
  server::ServiceHostOptions options;
  options.store.projections = read_models_.All();
  options.store.clock = &clock_;
  options.metrics = &metrics_;
  options.handle_signals = false;
  host_ = OrDie(server::ServiceHost::Create(Config(dir_.Sub("data")), std::move(options)));
  service_ = std::make_unique<OpportunityServiceImpl>(host_->store(), OpportunityServiceOptions{&clock_, &ids_, 2});
  host_->AddService(v1::OpportunityService::service_full_name(), service_.get());
  if (absl::Status started = host_->Start(); !started.ok()) {
    std::cerr << "test server: " << started << "\n";
    std::abort();
  }
  stub_ = v1::OpportunityService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(host_->grpc_port()), grpc::InsecureChannelCredentials()));
}

TestServer::~TestServer() {
  host_->Shutdown();
  service_.reset();
  host_.reset();
}

}  // namespace sfa::opportunity::testing

namespace sfa::opportunity::testing {

using Stub = v1::OpportunityService::Stub;

void TestServer::SeedOrganisation(const std::string& tenant) {
  const std::vector<std::pair<std::string, v1::UserRole>> users = {{"anna", v1::USER_ROLE_REP},
                                                                   {"bob", v1::USER_ROLE_REP},
                                                                   {"carl", v1::USER_ROLE_REP},
                                                                   {"maria", v1::USER_ROLE_MANAGER},
                                                                   {"dave", v1::USER_ROLE_DIRECTOR}};
  for (const auto& [id, role] : users) {
    v1::UpsertUserRequest request;
    request.set_request_id("seed-user-" + id);
    request.set_user_id(id);
    request.set_display_name("User " + id);
    request.set_email(id + "@acme.example");
    request.set_role(role);
    Ok(&Stub::UpsertUser, request, tenant);
  }
  v1::UpsertSalesTeamRequest team;
  team.set_request_id("seed-team-east");
  team.set_team_id("east");
  team.set_name("East");
  team.set_manager_user_id("maria");
  team.set_region("EMEA");
  team.add_member_user_ids("anna");
  team.add_member_user_ids("bob");
  Ok(&Stub::UpsertSalesTeam, team, tenant);
}

void TestServer::SeedPipelines(const std::string& tenant) {
  auto define = [&](const std::string& id, const std::string& name, const char* stages) {
    v1::DefinePipelineRequest request = domain::Pb<v1::DefinePipelineRequest>(stages);
    request.set_request_id("seed-pipeline-" + id);
    request.set_pipeline_id(id);
    request.set_name(name);
    Ok(&Stub::DefinePipeline, request, tenant);
  };
  define("enterprise", "Enterprise", domain::kEnterpriseStages);
  define("maven", "MavenTech", domain::kMavenStages);
  define("tender", "招投标", kTenderStages);
}

}  // namespace sfa::opportunity::testing
