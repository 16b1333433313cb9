#include "tools/sfa/client.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <chrono>

#include "absl/random/random.h"
#include "absl/strings/str_format.h"

namespace sfa::tools::cli {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

const FieldDescriptor* RepeatedField(const Message& list) {
  const google::protobuf::Descriptor* d = list.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    if (d->field(i)->is_repeated()) return d->field(i);
  }
  return nullptr;
}

const FieldDescriptor* TokenField(const Message& list) {
  return list.GetDescriptor()->FindFieldByName("next_page_token");
}

}  // namespace

std::string NewRequestId() {
  absl::BitGen gen;
  return absl::StrFormat("sfa-cli-%016x%016x", absl::Uniform<uint64_t>(gen), absl::Uniform<uint64_t>(gen));
}

Client::Client(Settings settings) : settings_(std::move(settings)) {}

std::shared_ptr<grpc::Channel> Client::Channel(Service service) {
  std::shared_ptr<grpc::Channel>& channel = channels_[static_cast<size_t>(service)];
  if (channel == nullptr) channel = grpc::CreateChannel(target(service), grpc::InsecureChannelCredentials());
  return channel;
}

lead::v1::LeadService::Stub& Client::lead() {
  if (lead_ == nullptr) lead_ = lead::v1::LeadService::NewStub(Channel(Service::kLead));
  return *lead_;
}

opportunity::v1::OpportunityService::Stub& Client::opportunity() {
  if (opportunity_ == nullptr) {
    opportunity_ = opportunity::v1::OpportunityService::NewStub(Channel(Service::kOpportunity));
  }
  return *opportunity_;
}

quote::v1::QuoteService::Stub& Client::quote() {
  if (quote_ == nullptr) quote_ = quote::v1::QuoteService::NewStub(Channel(Service::kQuote));
  return *quote_;
}

analytics::v1::AnalyticsService::Stub& Client::analytics() {
  if (analytics_ == nullptr) analytics_ = analytics::v1::AnalyticsService::NewStub(Channel(Service::kAnalytics));
  return *analytics_;
}

std::unique_ptr<grpc::ClientContext> Client::NewContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  const Identity& id = settings_.identity;
  context->AddMetadata(kTenantHeader, id.tenant);
  context->AddMetadata(kUserHeader, id.user);
  if (!id.roles.empty()) context->AddMetadata(kRolesHeader, id.roles);
  if (!id.team.empty()) context->AddMetadata(kTeamHeader, id.team);
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::microseconds(absl::ToInt64Microseconds(settings_.deadline)));
  return context;
}

const std::string& Client::request_id() {
  if (request_id_.empty()) request_id_ = settings_.request_id.empty() ? NewRequestId() : settings_.request_id;
  return request_id_;
}

int ListSize(const Message& list) {
  const FieldDescriptor* field = RepeatedField(list);
  return field == nullptr ? 0 : list.GetReflection()->FieldSize(list, field);
}

grpc::Status CollectPages(
    int limit, const std::string& first_page_token,
    const std::function<grpc::Status(int page_size, const std::string& page_token, Message* page)>& fetch,
    Message* merged) {
  std::string token = first_page_token;
  std::unique_ptr<Message> page(merged->New());
  while (true) {
    const int have = ListSize(*merged);
    const int want = limit > 0 ? std::min(limit - have, kMaxPageSize) : kMaxPageSize;
    page->Clear();
    if (grpc::Status s = fetch(want, token, page.get()); !s.ok()) return s;
    token = page->GetReflection()->GetString(*page, TokenField(*page));
    merged->MergeFrom(*page);
    const bool full = limit > 0 && ListSize(*merged) >= limit;
    // An empty page with a token would loop forever on a misbehaving server; stop there too.
    if (token.empty() || full || ListSize(*page) == 0) break;
  }
  merged->GetReflection()->SetString(merged, TokenField(*merged), token);
  return grpc::Status::OK;
}

}  // namespace sfa::tools::cli
