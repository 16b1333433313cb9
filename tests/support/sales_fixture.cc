#include "tests/support/sales_fixture.h"

#include <tuple>

#include "absl/strings/str_cat.h"

namespace sfa::testing {
namespace {

namespace ov1 = ::sfa::opportunity::v1;
using Stub = ov1::OpportunityService::Stub;

template <typename Req, typename Resp>
absl::Status Call(Stub& stub, grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*), const Req& req,
                  const std::function<std::unique_ptr<grpc::ClientContext>()>& context) {
  Resp resp;
  const grpc::Status s = (stub.*rpc)(context().get(), req, &resp);
  if (s.ok()) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(Req::descriptor()->name(), ": ", s.error_code(), " ", s.error_message()));
}

}  // namespace

absl::Status SeedGlobexDeal(Stub& stub, const std::function<std::unique_ptr<grpc::ClientContext>()>& context) {
  ov1::UpsertUserRequest user;
  user.set_request_id("user");
  user.set_user_id("alice");
  user.set_display_name("Alice");
  user.set_email("alice@acme.example");
  user.set_role(ov1::USER_ROLE_REP);
  if (absl::Status s = Call(stub, &Stub::UpsertUser, user, context); !s.ok()) return s;
  ov1::DefinePipelineRequest pipeline;
  pipeline.set_request_id("pipeline");
  pipeline.set_pipeline_id("sales");
  pipeline.set_name("Sales");
  for (auto [id, type, p, fc] : {std::tuple{"open", ov1::STAGE_TYPE_OPEN, 20, ov1::FORECAST_CATEGORY_PIPELINE},
                                 std::tuple{"won", ov1::STAGE_TYPE_WON, 100, ov1::FORECAST_CATEGORY_CLOSED},
                                 std::tuple{"lost", ov1::STAGE_TYPE_LOST, 0, ov1::FORECAST_CATEGORY_OMITTED}}) {
    ov1::Stage* s = pipeline.add_stages();
    s->set_stage_id(id);
    s->set_name(id);
    s->set_type(type);
    s->set_probability_percent(p);
    s->set_forecast_category(fc);
  }
  if (absl::Status s = Call(stub, &Stub::DefinePipeline, pipeline, context); !s.ok()) return s;
  ov1::CreateAccountRequest account;
  account.set_request_id("account");
  account.set_account_id("globex");
  account.set_name("Globex");
  account.set_region("APAC");
  if (absl::Status s = Call(stub, &Stub::CreateAccount, account, context); !s.ok()) return s;
  ov1::CreateOpportunityRequest deal;
  deal.set_request_id("deal");
  deal.set_opportunity_id("deal-1");
  deal.set_account_id("globex");
  deal.set_pipeline_id("sales");
  deal.set_name("Globex servers");
  deal.set_owner_user_id("alice");
  deal.mutable_amount()->set_currency("USD");
  deal.mutable_amount()->set_minor_units(100000'00);
  return Call(stub, &Stub::CreateOpportunity, deal, context);
}

}  // namespace sfa::testing
