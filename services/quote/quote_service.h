#ifndef SFA_SERVICES_QUOTE_QUOTE_SERVICE_H_
#define SFA_SERVICES_QUOTE_QUOTE_SERVICE_H_

// The gRPC adapter of sfa.quote.v1.QuoteService: every call takes the principal from the metadata, checks
// the request's shape (domain/validation.h), then runs a command through the shared CommandRunner, prices
// with pricing/, or reads the read model. CreateQuote and CloneQuote read the opportunity and its account
// from the opportunity service. A sweep expires quotes at their valid_until.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/executor.h"
#include "base/id_generator.h"
#include "eventstore/command_runner.h"
#include "eventstore/event_store.h"
#include "quote/domain/quote.h"
#include "quote/domain/validation.h"
#include "server/principal.h"
#include "server/unary_call.h"
#include "sfa/opportunity/v1/opportunity_service.grpc.pb.h"
#include "sfa/quote/v1/quote_service.grpc.pb.h"

namespace sfa::quote {

struct QuoteServiceOptions {
  const base::Clock* clock = &base::SystemClock::Instance();
  base::IdGenerator* ids = &base::RandomIdGenerator::Instance();
  // Read by CreateQuote and CloneQuote; null = those answer UNAVAILABLE.
  std::shared_ptr<opportunity::v1::OpportunityService::StubInterface> opportunity;
  absl::Duration opportunity_deadline = absl::Seconds(10);
  int completion_threads = 2;
  // How often quotes past valid_until are expired; zero = no sweep (tests call ExpireDueQuotes).
  absl::Duration expiry_interval = absl::Minutes(1);
};

// One RPC: ServeUnary with the domain's Validate, then `<Name>Impl`.
#define SFA_QUOTE_RPC(Name)                                                                                       \
  grpc::ServerUnaryReactor* Name(grpc::CallbackServerContext* context, const v1::Name##Request* request,          \
                                 v1::Name##Response* response) override {                                         \
    return server::ServeUnary(                                                                                    \
        context, request, response, calls_, [](const v1::Name##Request& r) { return domain::Validate(r); },       \
        [this](const server::Principal& p, const v1::Name##Request& r, server::Reply<v1::Name##Response> reply) { \
          Name##Impl(p, r, std::move(reply));                                                                     \
        });                                                                                                       \
  }                                                                                                               \
  void Name##Impl(const server::Principal& p, const v1::Name##Request& r, server::Reply<v1::Name##Response> reply)

class QuoteServiceImpl final : public v1::QuoteService::CallbackService {
 public:
  // `store` must have projections::QuoteProjection and outlive this object.
  explicit QuoteServiceImpl(eventstore::EventStore* store, QuoteServiceOptions options = {});
  ~QuoteServiceImpl() override;  // stops the sweep, then waits for the calls it accepted

  // Expires every quote of every tenant whose valid_until has passed; returns how many.
  absl::StatusOr<int> ExpireDueQuotes();

  SFA_QUOTE_RPC(UpsertProduct);
  SFA_QUOTE_RPC(UpsertSku);
  SFA_QUOTE_RPC(GetProduct);
  SFA_QUOTE_RPC(ListProducts);
  SFA_QUOTE_RPC(UpsertPriceBook);
  SFA_QUOTE_RPC(GetPriceBook);
  SFA_QUOTE_RPC(ListPriceBooks);
  SFA_QUOTE_RPC(UpsertPromotion);
  SFA_QUOTE_RPC(ListPromotions);
  SFA_QUOTE_RPC(PriceQuote);
  SFA_QUOTE_RPC(CreateQuote);
  SFA_QUOTE_RPC(ReviseQuote);
  SFA_QUOTE_RPC(CloneQuote);
  SFA_QUOTE_RPC(GetQuote);
  SFA_QUOTE_RPC(ListQuotes);
  SFA_QUOTE_RPC(DiffQuoteVersions);
  SFA_QUOTE_RPC(DefineApprovalPolicy);
  SFA_QUOTE_RPC(GetApprovalPolicy);
  SFA_QUOTE_RPC(SubmitQuote);
  SFA_QUOTE_RPC(ApproveQuote);
  SFA_QUOTE_RPC(RejectQuote);
  SFA_QUOTE_RPC(SendQuote);
  SFA_QUOTE_RPC(AcceptQuote);
  SFA_QUOTE_RPC(DeclineQuote);
  SFA_QUOTE_RPC(GetOrder);
  SFA_QUOTE_RPC(ListOrders);
  SFA_QUOTE_RPC(RecordPayment);

  template <typename State>
  using Done = std::function<void(absl::StatusOr<eventstore::CommandResult<State>>)>;

 private:
  // The account a quote is priced for, as the opportunity service knows it.
  struct Customer {
    std::string opportunity_id;
    std::string account_id;
    std::string industry;
    std::string region;
  };

  template <typename State, typename Decide>
  void Execute(const server::Principal& p, const std::string& id, const std::string& request_id,
               uint64_t expected_version, Decide decide, Done<State> done);
  // Execute deciding `command` (a domain command) with the request's request_id and expected_version.
  template <typename State, typename Request, typename DomainCommand>
  void Run(const server::Principal& p, const std::string& id, const Request& r, DomainCommand command,
           Done<State> done);
  template <typename State>
  absl::StatusOr<std::pair<State, uint64_t>> Load(const std::string& tenant, const std::string& id) const;

  // Reads the opportunity and its account; UNAVAILABLE when the opportunity service cannot be reached.
  void FetchCustomer(const server::Principal& p, const std::string& opportunity_id,
                     std::function<void(absl::StatusOr<Customer>)> done);
  // Prices `lines` for the customer at `date` (named book or the best one).
  absl::StatusOr<v1::PriceQuoteResponse> Price(const std::string& tenant,
                                               const google::protobuf::RepeatedPtrField<v1::QuoteLine>& lines,
                                               const Customer& customer, const std::string& currency, absl::Time date,
                                               const std::string& price_book_id) const;
  absl::StatusOr<domain::ApprovalRequirement> Requirement(const std::string& tenant,
                                                          const v1::QuoteTotals& totals) const;

  // Replies with the quote's latest view.
  template <typename Response>
  Done<domain::QuoteState> QuoteReply(server::Reply<Response> reply);
  // After QuoteAccepted: the order, then each promotion's use, each with a request id derived from the
  // acceptance's, so a retry after a crash completes what is missing.
  void PlaceOrderAndCountPromotions(const server::Principal& p, const v1::AcceptQuoteRequest& r,
                                    const domain::QuoteState& accepted, server::Reply<v1::AcceptQuoteResponse> reply);

  void CountPromotionUse(const server::Principal& p, const v1::AcceptQuoteRequest& r,
                         std::vector<std::string> promotions, size_t i, absl::Time at, v1::AcceptQuoteResponse out,
                         server::Reply<v1::AcceptQuoteResponse> reply);

  void SweepLoop();

  eventstore::EventStore* store_;
  QuoteServiceOptions options_;
  server::CallTracker calls_;
  base::Executor executor_;
  eventstore::CommandRunner runner_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread sweep_;
};

#undef SFA_QUOTE_RPC

}  // namespace sfa::quote

#endif  // SFA_SERVICES_QUOTE_QUOTE_SERVICE_H_
