// sfa-loadgen: drives a running service over its public gRPC API with N concurrent clients for a fixed
// time and reports commands/s and latency percentiles, measured at the client.
//
//   sfa-loadgen --target=127.0.0.1:50052 --scenario=movestage --clients=64 --duration-seconds=20
//
// Scenario movestage (opportunity service): each client owns --deals-per-client opportunities and moves
// them back and forth between two open stages (forward, then backward with a reason), one command in
// flight per client. Every move adds a stage change to the deal's history. Every command is durable (fsync) before it is answered.

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "sfa/opportunity/v1/opportunity_service.grpc.pb.h"

namespace sfa::tools::loadgen {
namespace {

namespace v1 = ::sfa::opportunity::v1;

struct Options {
  std::string target = "127.0.0.1:50052";
  std::string scenario = "movestage";
  std::string tenant = "loadgen";
  int clients = 64;
  int deals_per_client = 1;  // each client rotates over this many opportunities
  double duration_seconds = 20;
  double warmup_seconds = 3;
  bool json = false;
};

void SetIdentity(grpc::ClientContext& ctx, const Options& o) {
  ctx.AddMetadata("x-sfa-tenant", o.tenant);
  ctx.AddMetadata("x-sfa-user", "loadgen");
  ctx.AddMetadata("x-sfa-roles", "ADMIN");
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
}

bool Check(const grpc::Status& s, const std::string& what) {
  // A rerun against the same store meets its own setup again: that is fine.
  if (s.ok() || s.error_code() == grpc::StatusCode::ALREADY_EXISTS) return true;
  std::fprintf(stderr, "loadgen: %s failed: %s %s\n", what.c_str(), std::to_string(s.error_code()).c_str(),
               s.error_message().c_str());
  return false;
}

// A rep, an account, a pipeline open1 -> open2 -> won/lost, and one opportunity per client.
bool SetUp(v1::OpportunityService::Stub& stub, const Options& o, const std::string& run,
           std::vector<std::string>* opportunity_ids) {
  {
    grpc::ClientContext ctx;
    SetIdentity(ctx, o);
    v1::UpsertUserRequest req;
    req.set_request_id("loadgen:user");
    req.set_user_id("loadgen-rep");
    req.set_display_name("Load Generator");
    req.set_email("loadgen@example.com");
    req.set_role(v1::USER_ROLE_REP);
    v1::UpsertUserResponse resp;
    if (!Check(stub.UpsertUser(&ctx, req, &resp), "UpsertUser")) return false;
  }
  {
    grpc::ClientContext ctx;
    SetIdentity(ctx, o);
    v1::DefinePipelineRequest req;
    req.set_request_id("loadgen:pipeline");
    req.set_pipeline_id("loadgen");
    req.set_name("Load generator pipeline");
    auto add = [&](const char* id, v1::StageType type, int p, v1::ForecastCategory fc) {
      v1::Stage* s = req.add_stages();
      s->set_stage_id(id);
      s->set_name(id);
      s->set_type(type);
      s->set_probability_percent(p);
      s->set_forecast_category(fc);
    };
    add("open1", v1::STAGE_TYPE_OPEN, 20, v1::FORECAST_CATEGORY_PIPELINE);
    add("open2", v1::STAGE_TYPE_OPEN, 50, v1::FORECAST_CATEGORY_BEST_CASE);
    add("won", v1::STAGE_TYPE_WON, 100, v1::FORECAST_CATEGORY_CLOSED);
    add("lost", v1::STAGE_TYPE_LOST, 0, v1::FORECAST_CATEGORY_OMITTED);
    v1::DefinePipelineResponse resp;
    if (!Check(stub.DefinePipeline(&ctx, req, &resp), "DefinePipeline")) return false;
  }
  {
    grpc::ClientContext ctx;
    SetIdentity(ctx, o);
    v1::CreateAccountRequest req;
    req.set_request_id("loadgen:account");
    req.set_account_id("loadgen-account");
    req.set_name("Load Generator Ltd");
    v1::CreateAccountResponse resp;
    if (!Check(stub.CreateAccount(&ctx, req, &resp), "CreateAccount")) return false;
  }
  for (int i = 0; i < o.clients * o.deals_per_client; ++i) {
    grpc::ClientContext ctx;
    SetIdentity(ctx, o);
    v1::CreateOpportunityRequest req;
    const std::string id = absl::StrCat("lg-", run, "-", i);
    req.set_request_id(absl::StrCat("loadgen:create:", id));
    req.set_opportunity_id(id);
    req.set_account_id("loadgen-account");
    req.set_pipeline_id("loadgen");
    req.set_name(absl::StrCat("Load deal ", i));
    req.set_owner_user_id("loadgen-rep");
    req.mutable_amount()->set_minor_units(1'000'000);
    req.mutable_amount()->set_currency("USD");
    v1::CreateOpportunityResponse resp;
    if (!Check(stub.CreateOpportunity(&ctx, req, &resp), "CreateOpportunity")) return false;
    opportunity_ids->push_back(id);
  }
  return true;
}

struct ClientStats {
  std::vector<int64_t> latencies_us;  // commands completed inside the measured window
  int64_t errors = 0;
  std::string first_error;
};

// Moves its deals in turn: deal k forward, then deal k+1 forward, ..., then all of them back.
void RunClient(v1::OpportunityService::Stub& stub, const Options& o, const std::vector<std::string>& deals,
               absl::Time measure_from, absl::Time stop_at, ClientStats* stats) {
  bool forward = true;
  size_t k = 0;
  for (uint64_t n = 0; absl::Now() < stop_at; ++n) {
    const std::string& opportunity_id = deals[k];
    grpc::ClientContext ctx;
    SetIdentity(ctx, o);
    v1::MoveStageRequest req;
    req.set_request_id(absl::StrCat("loadgen:move:", opportunity_id, ":", n));
    req.set_opportunity_id(opportunity_id);
    req.set_to_stage_id(forward ? "open2" : "open1");
    if (!forward) req.set_reason("load generator moves back");
    v1::MoveStageResponse resp;
    const absl::Time start = absl::Now();
    grpc::Status s = stub.MoveStage(&ctx, req, &resp);
    const absl::Time end = absl::Now();
    if (!s.ok()) {
      if (stats->errors++ == 0) stats->first_error = absl::StrCat(s.error_code(), " ", s.error_message());
      continue;
    }
    if (++k == deals.size()) {
      k = 0;
      forward = !forward;
    }
    if (start >= measure_from && end <= stop_at) stats->latencies_us.push_back(absl::ToInt64Microseconds(end - start));
  }
}

double Percentile(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t i = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return static_cast<double>(sorted[std::min(i, sorted.size() - 1)]) / 1000.0;
}

int Run(const Options& o) {
  if (o.scenario != "movestage") {
    std::fprintf(stderr, "loadgen: unknown scenario '%s' (known: movestage)\n", o.scenario.c_str());
    return 2;
  }
  // Several channels, so 64 clients are not all multiplexed onto one HTTP/2 connection.
  const int kChannels = std::max(1, std::min(o.clients, 8));
  std::vector<std::unique_ptr<v1::OpportunityService::Stub>> stubs;
  for (int i = 0; i < kChannels; ++i) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // its own connection, not a shared subchannel
    stubs.push_back(v1::OpportunityService::NewStub(
        grpc::CreateCustomChannel(o.target, grpc::InsecureChannelCredentials(), args)));
  }
  const std::string run = absl::StrCat(absl::ToUnixSeconds(absl::Now()));
  std::vector<std::string> ids;
  if (!SetUp(*stubs[0], o, run, &ids)) return 1;

  const absl::Time start = absl::Now();
  const absl::Time measure_from = start + absl::Seconds(o.warmup_seconds);
  const absl::Time stop_at = measure_from + absl::Seconds(o.duration_seconds);
  std::vector<ClientStats> stats(o.clients);
  std::vector<std::thread> threads;
  for (int i = 0; i < o.clients; ++i) {
    std::vector<std::string> deals(ids.begin() + i * o.deals_per_client, ids.begin() + (i + 1) * o.deals_per_client);
    threads.emplace_back([&, i, deals] {
      RunClient(*stubs[i % kChannels], o, deals, measure_from, stop_at, &stats[i]);
    });
  }
  for (auto& t : threads) t.join();

  std::vector<int64_t> all;
  int64_t errors = 0;
  std::string first_error;
  for (const ClientStats& s : stats) {
    all.insert(all.end(), s.latencies_us.begin(), s.latencies_us.end());
    errors += s.errors;
    if (first_error.empty()) first_error = s.first_error;
  }
  std::sort(all.begin(), all.end());
  const double rate = static_cast<double>(all.size()) / o.duration_seconds;
  if (o.json) {
    std::printf(
        "{\"scenario\":\"%s\",\"clients\":%d,\"duration_s\":%.1f,\"commands\":%zu,\"commands_per_s\":%.0f,"
        "\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,\"errors\":%lld}\n",
        o.scenario.c_str(), o.clients, o.duration_seconds, all.size(), rate, Percentile(all, 0.5),
        Percentile(all, 0.9), Percentile(all, 0.99), all.empty() ? 0.0 : all.back() / 1000.0,
        static_cast<long long>(errors));
  } else {
    std::printf("%-10s %7s %9s %10s %12s %8s %8s %8s %8s %7s\n", "scenario", "clients", "seconds", "commands",
                "commands/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors");
    std::printf("%-10s %7d %9.1f %10zu %12.0f %8.2f %8.2f %8.2f %8.2f %7lld\n", o.scenario.c_str(), o.clients,
                o.duration_seconds, all.size(), rate, Percentile(all, 0.5), Percentile(all, 0.9),
                Percentile(all, 0.99), all.empty() ? 0.0 : all.back() / 1000.0, static_cast<long long>(errors));
  }
  if (errors > 0) std::fprintf(stderr, "loadgen: %lld errors, first: %s\n", static_cast<long long>(errors),
                               first_error.c_str());
  return errors > 0 ? 1 : 0;
}

}  // namespace
}  // namespace sfa::tools::loadgen

int main(int argc, char** argv) {
  sfa::tools::loadgen::Options o;
  CLI::App app{"sfa-loadgen: concurrent gRPC load against a running service, client-side figures"};
  app.add_option("--target", o.target, "host:port of the service");
  app.add_option("--scenario", o.scenario, "movestage");
  app.add_option("--tenant", o.tenant, "tenant to write into");
  app.add_option("--clients", o.clients, "concurrent clients, one command in flight each")->check(CLI::Range(1, 4096));
  app.add_option("--deals-per-client", o.deals_per_client,
                 "opportunities each client rotates over (stage histories grow slower with more)")
      ->check(CLI::Range(1, 100000));
  app.add_option("--duration-seconds", o.duration_seconds, "measured time")->check(CLI::Range(0.1, 3600.0));
  app.add_option("--warmup-seconds", o.warmup_seconds, "load before measuring")->check(CLI::Range(0.0, 600.0));
  app.add_flag("--json", o.json, "one JSON line instead of a table");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return sfa::tools::loadgen::Run(o);
}
