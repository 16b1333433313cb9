#include "quote/quote_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "base/key_codec.h"
#include "base/log.h"
#include "eventstore/read_model_scan.h"
#include "quote/aggregates.h"
#include "quote/domain/diff.h"
#include "quote/domain/limits.h"
#include "quote/domain/schedule.h"
#include "quote/domain/validation.h"
#include "quote/pricing/engine.h"
#include "quote/pricing/price_book.h"
#include "quote/projections/keys.h"

namespace sfa::quote {
namespace {

namespace p = projections;
using server::Principal;
using server::Reply;

template <typename Message>
absl::StatusOr<Message> RequiredRow(const eventstore::EventStore& store, absl::string_view cf, const std::string& key,
                                    absl::string_view what, absl::string_view id) {
  absl::StatusOr<std::optional<Message>> row = eventstore::GetRow<Message>(store, cf, key);
  if (!row.ok()) return row.status();
  if (!row->has_value()) return absl::NotFoundError(absl::StrCat(what, " ", id, " not found"));
  return **std::move(row);
}

// Every row of a tenant in `cf` (catalogue families are small: books, promotions).
template <typename Message>
absl::StatusOr<std::vector<Message>> AllRows(const eventstore::EventStore& store, absl::string_view cf,
                                             const std::string& tenant) {
  std::vector<Message> rows;
  absl::Status status =
      eventstore::ForEachInPrefix(store, cf, p::TenantPrefix(tenant), [&](absl::string_view, absl::string_view value) {
        Message m;
        if (!m.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          return absl::DataLossError(absl::StrCat("unreadable row in ", cf));
        }
        rows.push_back(std::move(m));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return rows;
}

// A page of rows of `cf` under `prefix` that `keep` accepts.
template <typename Message, typename Keep, typename Add>
absl::StatusOr<std::string> ListRows(const eventstore::EventStore& store, absl::string_view cf,
                                     const std::string& prefix, const std::string& token, int page_size, Keep keep,
                                     Add add) {
  eventstore::PageSpec spec{{eventstore::PrefixRange(prefix)}, prefix, token, page_size};
  return eventstore::ScanPage(store, cf, spec, [&](absl::string_view, absl::string_view value) -> absl::StatusOr<bool> {
    Message m;
    if (!m.ParseFromArray(value.data(), static_cast<int>(value.size()))) return absl::DataLossError("unreadable row");
    if (!keep(m)) return false;
    add(std::move(m));
    return true;
  });
}

// The record id at the end of an index key t|dimension|value|id.
absl::StatusOr<std::string> IdOfIndexKey(absl::string_view key) {
  base::KeyReader reader(key);
  for (int i = 0; i < 3; ++i) {
    if (absl::StatusOr<std::string> part = reader.String(); !part.ok()) return part.status();
  }
  return reader.String();
}

absl::Status FromOpportunityService(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::CANCELLED:
      return absl::UnavailableError(
          absl::StrCat("opportunity service unavailable (", status.error_message(), "); nothing was changed, retry"));
    default:
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          absl::StrCat("opportunity service: ", status.error_message()));
  }
}

}  // namespace

QuoteServiceImpl::QuoteServiceImpl(eventstore::EventStore* store, QuoteServiceOptions options)
    : store_(store), options_(std::move(options)), executor_(options_.completion_threads), runner_(store) {
  if (options_.expiry_interval > absl::ZeroDuration()) sweep_ = std::thread([this] { SweepLoop(); });
}

QuoteServiceImpl::~QuoteServiceImpl() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (sweep_.joinable()) sweep_.join();
  calls_.WaitIdle();
}

template <typename State, typename Decide>
void QuoteServiceImpl::Execute(const Principal& principal, const std::string& id, const std::string& request_id,
                               uint64_t expected_version, Decide decide, Done<State> done) {
  eventstore::Command<State> command;
  command.stream = {principal.tenant, Aggregate<State>::kType, id};
  command.context.request_id = request_id;
  command.context.actor = principal.user;
  command.context.correlation_id = request_id;
  command.expected_version = expected_version == 0 ? eventstore::kAnyVersion : static_cast<int64_t>(expected_version);
  command.evolve = EvolveEnvelope<State>;
  command.decide = [decide = std::move(decide)](const State& state,
                                                uint64_t) -> absl::StatusOr<std::vector<eventstore::NewEvent>> {
    auto events = decide(state);
    if (!events.ok()) return events.status();
    return ToNewEvents(*events);
  };
  runner_.Run<State>(
      std::move(command), [this, type = std::string(Aggregate<State>::kType), request_id,
                           done = std::move(done)](absl::StatusOr<eventstore::CommandResult<State>> result) mutable {
        if (result.ok() && result->append.stream.type != type) {
          result = absl::AlreadyExistsError(absl::StrCat("request_id ", request_id, " was already used for a ",
                                                         result->append.stream.type, " command"));
        }
        executor_.Post([done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); });
      });
}

template <typename State, typename Request, typename DomainCommand>
void QuoteServiceImpl::Run(const Principal& principal, const std::string& id, const Request& r, DomainCommand command,
                           Done<State> done) {
  Execute<State>(
      principal, id, r.request_id(), r.expected_version(),
      [command = std::move(command)](const State& s) { return domain::Decide(s, command); }, std::move(done));
}

template <typename State>
absl::StatusOr<std::pair<State, uint64_t>> QuoteServiceImpl::Load(const std::string& tenant,
                                                                  const std::string& id) const {
  return runner_.Load<State>({tenant, Aggregate<State>::kType, id}, EvolveEnvelope<State>);
}

// Answers with what the command left in `view(state)`, placed into the response by `set`.
template <typename State, typename Response, typename Set>
QuoteServiceImpl::Done<State> StateReply(Reply<Response> reply, Set set) {
  return [reply = std::move(reply), set = std::move(set)](absl::StatusOr<eventstore::CommandResult<State>> result) {
    if (!result.ok()) return reply(result.status());
    Response response;
    set(response, result->state);
    reply(std::move(response));
  };
}

template <typename Response>
QuoteServiceImpl::Done<domain::QuoteState> QuoteServiceImpl::QuoteReply(Reply<Response> reply) {
  return [reply = std::move(reply)](absl::StatusOr<eventstore::CommandResult<domain::QuoteState>> result) {
    if (!result.ok()) return reply(result.status());
    absl::StatusOr<v1::Quote> quote = domain::QuoteAt(result->state, 0);
    if (!quote.ok()) return reply(quote.status());
    Response response;
    *response.mutable_quote() = *std::move(quote);
    reply(std::move(response));
  };
}

// ---------------------------------------------------------------------------------------------------
// Catalogue

void QuoteServiceImpl::UpsertProductImpl(const Principal& p, const v1::UpsertProductRequest& r,
                                         Reply<v1::UpsertProductResponse> reply) {
  domain::UpsertProduct command{r, {}, options_.clock->Now()};
  if (command.request.product().product_id().empty()) {
    command.request.mutable_product()->set_product_id(options_.ids->NewId());
  }
  // What each bundle component is, and (for cycles) everything it contains as far as kMaxBundleDepth.
  for (const v1::BundleComponent& c : r.product().components()) {
    domain::ComponentLookup lookup;
    absl::StatusOr<std::optional<v1::Product>> product =
        eventstore::GetRow<v1::Product>(*store_, p::kProductsCf, p::Key(p.tenant, c.product_id()));
    if (!product.ok()) return reply(product.status());
    lookup.product_exists = product->has_value();
    if (!c.sku_id().empty()) {
      absl::StatusOr<std::optional<v1::Sku>> sku =
          eventstore::GetRow<v1::Sku>(*store_, p::kSkusByIdCf, p::Key(p.tenant, c.sku_id()));
      if (!sku.ok()) return reply(sku.status());
      if (sku->has_value()) lookup.sku_product_id = (*sku)->product_id();
    }
    std::vector<v1::Product> frontier;
    if (product->has_value()) frontier.push_back(**product);
    for (int depth = 0; depth < domain::kMaxBundleDepth && !frontier.empty(); ++depth) {
      std::vector<v1::Product> next;
      for (const v1::Product& bundle : frontier) {
        for (const v1::BundleComponent& inner : bundle.components()) {
          lookup.contained_product_ids.push_back(inner.product_id());
          absl::StatusOr<std::optional<v1::Product>> row =
              eventstore::GetRow<v1::Product>(*store_, p::kProductsCf, p::Key(p.tenant, inner.product_id()));
          if (!row.ok()) return reply(row.status());
          if (row->has_value()) next.push_back(**row);
        }
      }
      frontier = std::move(next);
    }
    command.components.push_back(std::move(lookup));
  }
  const std::string id = command.request.product().product_id();
  Run<domain::ProductState>(p, id, r, std::move(command),
                            StateReply<domain::ProductState, v1::UpsertProductResponse>(
                                std::move(reply), [](v1::UpsertProductResponse& out, const domain::ProductState& s) {
                                  *out.mutable_product() = s.product;
                                }));
}

void QuoteServiceImpl::UpsertSkuImpl(const Principal& p, const v1::UpsertSkuRequest& r,
                                     Reply<v1::UpsertSkuResponse> reply) {
  domain::UpsertSku command{r, {}, options_.clock->Now()};
  if (command.request.sku().sku_id().empty()) command.request.mutable_sku()->set_sku_id(options_.ids->NewId());
  auto product = Load<domain::ProductState>(p.tenant, r.sku().product_id());
  if (!product.ok()) return reply(product.status());
  command.product = std::move(product->first);
  const std::string id = command.request.sku().sku_id();
  Run<domain::SkuState>(
      p, id, r, std::move(command),
      StateReply<domain::SkuState, v1::UpsertSkuResponse>(
          std::move(reply), [](v1::UpsertSkuResponse& out, const domain::SkuState& s) { *out.mutable_sku() = s.sku; }));
}

void QuoteServiceImpl::GetProductImpl(const Principal& p, const v1::GetProductRequest& r,
                                      Reply<v1::GetProductResponse> reply) {
  absl::StatusOr<v1::Product> product =
      RequiredRow<v1::Product>(*store_, p::kProductsCf, p::Key(p.tenant, r.product_id()), "product", r.product_id());
  if (!product.ok()) return reply(product.status());
  v1::GetProductResponse out;
  *out.mutable_product() = *std::move(product);
  absl::Status skus = eventstore::ForEachInPrefix(
      *store_, p::kSkusCf, p::Key(p.tenant, r.product_id()), [&](absl::string_view, absl::string_view value) {
        if (!out.add_skus()->ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          return absl::DataLossError("unreadable sku row");
        }
        return absl::OkStatus();
      });
  if (!skus.ok()) return reply(skus);
  reply(std::move(out));
}

void QuoteServiceImpl::ListProductsImpl(const Principal& p, const v1::ListProductsRequest& r,
                                        Reply<v1::ListProductsResponse> reply) {
  v1::ListProductsResponse out;
  absl::StatusOr<std::string> next = ListRows<v1::Product>(
      *store_, p::kProductsCf, p::TenantPrefix(p.tenant), r.page_token(), domain::PageSize(r.page_size()),
      [&](const v1::Product& m) { return r.series().empty() || m.series() == r.series(); },
      [&](v1::Product m) { *out.add_products() = std::move(m); });
  if (!next.ok()) return reply(next.status());
  out.set_next_page_token(*next);
  reply(std::move(out));
}

// ---------------------------------------------------------------------------------------------------
// Price books and promotions

void QuoteServiceImpl::UpsertPriceBookImpl(const Principal& p, const v1::UpsertPriceBookRequest& r,
                                           Reply<v1::UpsertPriceBookResponse> reply) {
  domain::UpsertPriceBook command{r, options_.clock->Now()};
  if (command.request.price_book().price_book_id().empty()) {
    command.request.mutable_price_book()->set_price_book_id(options_.ids->NewId());
  }
  const std::string id = command.request.price_book().price_book_id();
  Run<domain::PriceBookState>(
      p, id, r, std::move(command),
      StateReply<domain::PriceBookState, v1::UpsertPriceBookResponse>(
          std::move(reply), [](v1::UpsertPriceBookResponse& out, const domain::PriceBookState& s) {
            *out.mutable_price_book() = s.price_book;
          }));
}

void QuoteServiceImpl::GetPriceBookImpl(const Principal& p, const v1::GetPriceBookRequest& r,
                                        Reply<v1::GetPriceBookResponse> reply) {
  absl::StatusOr<v1::PriceBook> book = RequiredRow<v1::PriceBook>(
      *store_, p::kPriceBooksCf, p::Key(p.tenant, r.price_book_id()), "price book", r.price_book_id());
  if (!book.ok()) return reply(book.status());
  v1::GetPriceBookResponse out;
  *out.mutable_price_book() = *std::move(book);
  reply(std::move(out));
}

void QuoteServiceImpl::ListPriceBooksImpl(const Principal& p, const v1::ListPriceBooksRequest& r,
                                          Reply<v1::ListPriceBooksResponse> reply) {
  v1::ListPriceBooksResponse out;
  absl::StatusOr<std::string> next = ListRows<v1::PriceBook>(
      *store_, p::kPriceBooksCf, p::TenantPrefix(p.tenant), r.page_token(), domain::PageSize(r.page_size()),
      [&](const v1::PriceBook& m) { return r.currency().empty() || m.currency() == r.currency(); },
      [&](v1::PriceBook m) { *out.add_price_books() = std::move(m); });
  if (!next.ok()) return reply(next.status());
  out.set_next_page_token(*next);
  reply(std::move(out));
}

void QuoteServiceImpl::UpsertPromotionImpl(const Principal& p, const v1::UpsertPromotionRequest& r,
                                           Reply<v1::UpsertPromotionResponse> reply) {
  domain::UpsertPromotion command{r, options_.clock->Now()};
  if (command.request.promotion().promotion_id().empty()) {
    command.request.mutable_promotion()->set_promotion_id(options_.ids->NewId());
  }
  const std::string id = command.request.promotion().promotion_id();
  Run<domain::PromotionState>(
      p, id, r, std::move(command),
      StateReply<domain::PromotionState, v1::UpsertPromotionResponse>(
          std::move(reply), [](v1::UpsertPromotionResponse& out, const domain::PromotionState& s) {
            *out.mutable_promotion() = s.promotion;
          }));
}

void QuoteServiceImpl::ListPromotionsImpl(const Principal& p, const v1::ListPromotionsRequest& r,
                                          Reply<v1::ListPromotionsResponse> reply) {
  v1::ListPromotionsResponse out;
  const bool at = r.has_valid_at();
  const absl::Time when = domain::ToTime(r.valid_at());
  absl::StatusOr<std::string> next = ListRows<v1::Promotion>(
      *store_, p::kPromotionsCf, p::TenantPrefix(p.tenant), r.page_token(), domain::PageSize(r.page_size()),
      [&](const v1::Promotion& m) { return !at || (m.active() && pricing::ValidAt(m, when)); },
      [&](v1::Promotion m) { *out.add_promotions() = std::move(m); });
  if (!next.ok()) return reply(next.status());
  out.set_next_page_token(*next);
  reply(std::move(out));
}

// ---------------------------------------------------------------------------------------------------
// Pricing and quotes

absl::StatusOr<v1::PriceQuoteResponse> QuoteServiceImpl::Price(
    const std::string& tenant, const google::protobuf::RepeatedPtrField<v1::QuoteLine>& lines, const Customer& customer,
    const std::string& currency, absl::Time date, const std::string& price_book_id) const {
  absl::StatusOr<std::vector<v1::PriceBook>> books = AllRows<v1::PriceBook>(*store_, p::kPriceBooksCf, tenant);
  if (!books.ok()) return books.status();
  pricing::PriceBookQuery query{customer.account_id, customer.industry, customer.region, currency, date, price_book_id};
  absl::StatusOr<const v1::PriceBook*> book = pricing::ResolvePriceBook(*books, query);
  if (!book.ok()) return book.status();
  pricing::PricingInput input;
  input.lines.assign(lines.begin(), lines.end());
  input.price_book = **book;
  input.date = date;
  for (const v1::QuoteLine& line : lines) {
    if (!input.products.contains(line.product_id())) {
      absl::StatusOr<std::optional<v1::Product>> product =
          eventstore::GetRow<v1::Product>(*store_, p::kProductsCf, p::Key(tenant, line.product_id()));
      if (!product.ok()) return product.status();
      if (product->has_value()) input.products[line.product_id()] = **product;
    }
    if (!line.sku_id().empty() && !input.skus.contains(line.sku_id())) {
      absl::StatusOr<std::optional<v1::Sku>> sku =
          eventstore::GetRow<v1::Sku>(*store_, p::kSkusByIdCf, p::Key(tenant, line.sku_id()));
      if (!sku.ok()) return sku.status();
      if (sku->has_value()) input.skus[line.sku_id()] = **sku;
    }
  }
  absl::StatusOr<std::vector<v1::Promotion>> promotions = AllRows<v1::Promotion>(*store_, p::kPromotionsCf, tenant);
  if (!promotions.ok()) return promotions.status();
  input.promotions = *std::move(promotions);
  absl::StatusOr<v1::Pricing> priced = pricing::PriceBasket(input);
  if (!priced.ok()) return priced.status();
  v1::PriceQuoteResponse out;
  *out.mutable_pricing() = *std::move(priced);
  out.set_price_book_id((*book)->price_book_id());
  return out;
}

absl::StatusOr<domain::ApprovalRequirement> QuoteServiceImpl::Requirement(const std::string& tenant,
                                                                          const v1::QuoteTotals& totals) const {
  auto policy = Load<domain::ApprovalPolicyState>(tenant, domain::kSingletonId);
  if (!policy.ok()) return policy.status();
  return domain::RequirementFor(policy->first, totals);
}

void QuoteServiceImpl::PriceQuoteImpl(const Principal& p, const v1::PriceQuoteRequest& r,
                                      Reply<v1::PriceQuoteResponse> reply) {
  const absl::Time date = r.has_date() ? domain::ToTime(r.date()) : options_.clock->Now();
  reply(Price(p.tenant, r.lines(), Customer{"", r.account_id(), r.industry(), r.region()}, r.currency(), date,
              r.price_book_id()));
}

void QuoteServiceImpl::FetchCustomer(const Principal& p, const std::string& opportunity_id,
                                     std::function<void(absl::StatusOr<Customer>)> done) {
  if (options_.opportunity == nullptr) {
    return done(absl::UnavailableError("opportunity service not configured; nothing was changed"));
  }
  struct Call {
    grpc::ClientContext opportunity_context;
    opportunity::v1::GetOpportunityRequest opportunity_request;
    opportunity::v1::GetOpportunityResponse opportunity_response;
    grpc::ClientContext account_context;
    opportunity::v1::GetAccountRequest account_request;
    opportunity::v1::GetAccountResponse account_response;
  };
  auto call = std::make_shared<Call>();
  auto prepare = [&](grpc::ClientContext& context) {
    context.AddMetadata(server::kTenantHeader, p.tenant);
    context.AddMetadata(server::kUserHeader, p.user);
    if (!p.roles.empty()) context.AddMetadata(server::kRolesHeader, absl::StrJoin(p.roles, ","));
    if (!p.team.empty()) context.AddMetadata(server::kTeamHeader, p.team);
    context.set_deadline(absl::ToChronoTime(absl::Now() + options_.opportunity_deadline));
  };
  prepare(call->opportunity_context);
  prepare(call->account_context);
  call->opportunity_request.set_opportunity_id(opportunity_id);
  auto stub = options_.opportunity;
  stub->async()->GetOpportunity(
      &call->opportunity_context, &call->opportunity_request, &call->opportunity_response,
      [this, stub, call, done = std::move(done)](grpc::Status status) {
        if (!status.ok()) return executor_.Post([done, status] { done(FromOpportunityService(status)); });
        call->account_request.set_account_id(call->opportunity_response.opportunity().account_id());
        stub->async()->GetAccount(&call->account_context, &call->account_request, &call->account_response,
                                  [this, call, done](grpc::Status status) {
                                    executor_.Post([call, done, status] {
                                      if (!status.ok()) return done(FromOpportunityService(status));
                                      const auto& account = call->account_response.account();
                                      done(Customer{call->opportunity_response.opportunity().opportunity_id(),
                                                    account.account_id(), account.industry(), account.region()});
                                    });
                                  });
      });
}

void QuoteServiceImpl::CreateQuoteImpl(const Principal& p, const v1::CreateQuoteRequest& r,
                                       Reply<v1::CreateQuoteResponse> reply) {
  // A retried request id answers from what was recorded, without asking the opportunity service again.
  absl::StatusOr<std::optional<eventstore::AppendResult>> seen = store_->FindRequest(p.tenant, r.request_id());
  if (!seen.ok()) return reply(seen.status());
  if (seen->has_value()) {
    return Execute<domain::QuoteState>(
        p, (*seen)->stream.id, r.request_id(), 0,
        [](const domain::QuoteState&) -> absl::StatusOr<std::vector<domain::QuoteEvent>> {
          return absl::InternalError("a recorded quote was decided again");
        },
        QuoteReply(std::move(reply)));
  }
  FetchCustomer(p, r.opportunity_id(), [this, p, r, reply = std::move(reply)](absl::StatusOr<Customer> customer) {
    if (!customer.ok()) return reply(customer.status());
    domain::CreateQuote command{r};
    if (command.request.quote_id().empty()) command.request.set_quote_id(options_.ids->NewId());
    command.now = options_.clock->Now();
    domain::AssignLineIds(domain::QuoteState{}, command.request.mutable_lines());
    absl::StatusOr<v1::PriceQuoteResponse> priced =
        Price(p.tenant, command.request.lines(), *customer, r.currency(), command.now, r.price_book_id());
    if (!priced.ok()) return reply(priced.status());
    absl::StatusOr<domain::ApprovalRequirement> approval = Requirement(p.tenant, priced->pricing().totals());
    if (!approval.ok()) return reply(approval.status());
    command.account_id = customer->account_id;
    command.price_book_id = priced->price_book_id();
    command.pricing = priced->pricing();
    command.approval = *std::move(approval);
    const std::string id = command.request.quote_id();
    Execute<domain::QuoteState>(
        p, id, r.request_id(), 0,
        [command = std::move(command)](const domain::QuoteState& s) { return domain::Decide(s, command); },
        QuoteReply(std::move(reply)));
  });
}

void QuoteServiceImpl::ReviseQuoteImpl(const Principal& p, const v1::ReviseQuoteRequest& r,
                                       Reply<v1::ReviseQuoteResponse> reply) {
  auto quote = Load<domain::QuoteState>(p.tenant, r.quote_id());
  if (!quote.ok()) return reply(quote.status());
  const domain::QuoteState& state = quote->first;
  if (!state.exists) return reply(absl::NotFoundError(absl::StrCat("quote ", r.quote_id(), " not found")));
  domain::ReviseQuote command{r};
  command.now = options_.clock->Now();
  domain::AssignLineIds(state, command.request.mutable_lines());
  // Repriced now, at the book the quote was made with.
  absl::StatusOr<v1::PriceQuoteResponse> priced =
      Price(p.tenant, command.request.lines(), Customer{state.created.opportunity_id(), state.created.account_id()},
            state.created.currency(), command.now, state.created.price_book_id());
  if (!priced.ok()) return reply(priced.status());
  absl::StatusOr<domain::ApprovalRequirement> approval = Requirement(p.tenant, priced->pricing().totals());
  if (!approval.ok()) return reply(approval.status());
  command.pricing = priced->pricing();
  command.approval = *std::move(approval);
  Run<domain::QuoteState>(p, r.quote_id(), r, std::move(command), QuoteReply(std::move(reply)));
}

void QuoteServiceImpl::CloneQuoteImpl(const Principal& p, const v1::CloneQuoteRequest& r,
                                      Reply<v1::CloneQuoteResponse> reply) {
  auto source = Load<domain::QuoteState>(p.tenant, r.from_quote_id());
  if (!source.ok()) return reply(source.status());
  if (!source->first.exists) {
    return reply(absl::NotFoundError(absl::StrCat("from_quote_id ", r.from_quote_id(), " not found")));
  }
  const domain::QuoteVersion* from = domain::FindVersion(source->first, r.from_version());
  if (from == nullptr) {
    return reply(absl::NotFoundError(
        absl::StrCat("from_version ", r.from_version(), " of quote ", r.from_quote_id(), " not found")));
  }
  const std::string opportunity_id =
      r.opportunity_id().empty() ? source->first.created.opportunity_id() : r.opportunity_id();
  FetchCustomer(
      p, opportunity_id,
      [this, p, r, source = source->first, from = *from,
       reply = std::move(reply)](absl::StatusOr<Customer> customer) mutable {
        if (!customer.ok()) return reply(customer.status());
        domain::CloneQuote command{r};
        if (command.request.quote_id().empty()) command.request.set_quote_id(options_.ids->NewId());
        command.now = options_.clock->Now();
        google::protobuf::RepeatedPtrField<v1::QuoteLine> lines;
        for (const v1::PricedLine& line : from.pricing.lines()) *lines.Add() = line.line();
        // Today's books: chosen afresh, not the source's.
        absl::StatusOr<v1::PriceQuoteResponse> priced =
            Price(p.tenant, lines, *customer, source.created.currency(), command.now, "");
        if (!priced.ok()) return reply(priced.status());
        absl::StatusOr<domain::ApprovalRequirement> approval = Requirement(p.tenant, priced->pricing().totals());
        if (!approval.ok()) return reply(approval.status());
        v1::QuoteDiff changes = domain::DiffPricing(from.pricing, priced->pricing());
        command.source = std::move(source);
        command.account_id = customer->account_id;
        command.price_book_id = priced->price_book_id();
        command.pricing = priced->pricing();
        command.approval = *std::move(approval);
        const std::string id = command.request.quote_id();
        Execute<domain::QuoteState>(
            p, id, r.request_id(), 0,
            [command = std::move(command)](const domain::QuoteState& s) { return domain::Decide(s, command); },
            [reply = std::move(reply),
             changes = std::move(changes)](absl::StatusOr<eventstore::CommandResult<domain::QuoteState>> result) {
              if (!result.ok()) return reply(result.status());
              absl::StatusOr<v1::Quote> quote = domain::QuoteAt(result->state, 0);
              if (!quote.ok()) return reply(quote.status());
              v1::CloneQuoteResponse out;
              *out.mutable_quote() = *std::move(quote);
              *out.mutable_changes() = changes;
              reply(std::move(out));
            });
      });
}

void QuoteServiceImpl::GetQuoteImpl(const Principal& p, const v1::GetQuoteRequest& r,
                                    Reply<v1::GetQuoteResponse> reply) {
  auto quote = Load<domain::QuoteState>(p.tenant, r.quote_id());
  if (!quote.ok()) return reply(quote.status());
  if (!quote->first.exists) return reply(absl::NotFoundError(absl::StrCat("quote ", r.quote_id(), " not found")));
  absl::StatusOr<v1::Quote> view = domain::QuoteAt(quote->first, r.quote_version());
  if (!view.ok()) return reply(view.status());
  v1::GetQuoteResponse out;
  *out.mutable_quote() = *std::move(view);
  reply(std::move(out));
}

void QuoteServiceImpl::ListQuotesImpl(const Principal& p, const v1::ListQuotesRequest& r,
                                      Reply<v1::ListQuotesResponse> reply) {
  const std::string prefix = !r.opportunity_id().empty()
                                 ? p::Key(p.tenant, p::kByOpportunity, r.opportunity_id())
                                 : (r.status() != v1::QUOTE_STATUS_UNSPECIFIED
                                        ? p::Key(p.tenant, p::kByStatus, v1::QuoteStatus_Name(r.status()))
                                        : p::Key(p.tenant, p::kAll, ""));
  v1::ListQuotesResponse out;
  eventstore::PageSpec spec{{eventstore::PrefixRange(prefix)}, prefix, r.page_token(), domain::PageSize(r.page_size())};
  absl::StatusOr<std::string> next = eventstore::ScanPage(
      *store_, p::kQuoteIndexCf, spec, [&](absl::string_view key, absl::string_view) -> absl::StatusOr<bool> {
        absl::StatusOr<std::string> id = IdOfIndexKey(key);
        if (!id.ok()) return id.status();
        absl::StatusOr<std::optional<v1::Quote>> row =
            eventstore::GetRow<v1::Quote>(*store_, p::kQuotesCf, p::Key(p.tenant, *id));
        if (!row.ok()) return row.status();
        if (!row->has_value()) return false;
        if (r.status() != v1::QUOTE_STATUS_UNSPECIFIED && (*row)->status() != r.status()) return false;
        *out.add_quotes() = **std::move(row);
        return true;
      });
  if (!next.ok()) return reply(next.status());
  out.set_next_page_token(*next);
  reply(std::move(out));
}

void QuoteServiceImpl::DiffQuoteVersionsImpl(const Principal& p, const v1::DiffQuoteVersionsRequest& r,
                                             Reply<v1::DiffQuoteVersionsResponse> reply) {
  auto quote = Load<domain::QuoteState>(p.tenant, r.quote_id());
  if (!quote.ok()) return reply(quote.status());
  if (!quote->first.exists) return reply(absl::NotFoundError(absl::StrCat("quote ", r.quote_id(), " not found")));
  absl::StatusOr<v1::QuoteDiff> diff = domain::DiffVersions(quote->first, r.from_version(), r.to_version());
  if (!diff.ok()) return reply(diff.status());
  v1::DiffQuoteVersionsResponse out;
  *out.mutable_diff() = *std::move(diff);
  reply(std::move(out));
}

// ---------------------------------------------------------------------------------------------------
// Approval and the customer's answer

void QuoteServiceImpl::DefineApprovalPolicyImpl(const Principal& p, const v1::DefineApprovalPolicyRequest& r,
                                                Reply<v1::DefineApprovalPolicyResponse> reply) {
  domain::DefineApprovalPolicy command{r, options_.clock->Now()};
  Run<domain::ApprovalPolicyState>(
      p, domain::kSingletonId, r, std::move(command),
      StateReply<domain::ApprovalPolicyState, v1::DefineApprovalPolicyResponse>(
          std::move(reply), [](v1::DefineApprovalPolicyResponse& out, const domain::ApprovalPolicyState& s) {
            *out.mutable_policy() = s.policy;
          }));
}

void QuoteServiceImpl::GetApprovalPolicyImpl(const Principal& p, const v1::GetApprovalPolicyRequest&,
                                             Reply<v1::GetApprovalPolicyResponse> reply) {
  auto policy = Load<domain::ApprovalPolicyState>(p.tenant, domain::kSingletonId);
  if (!policy.ok()) return reply(policy.status());
  v1::GetApprovalPolicyResponse out;
  *out.mutable_policy() = policy->first.policy;
  reply(std::move(out));
}

void QuoteServiceImpl::SubmitQuoteImpl(const Principal& p, const v1::SubmitQuoteRequest& r,
                                       Reply<v1::SubmitQuoteResponse> reply) {
  auto quote = Load<domain::QuoteState>(p.tenant, r.quote_id());
  if (!quote.ok()) return reply(quote.status());
  domain::SubmitQuote command{r, {}, options_.clock->Now()};
  if (quote->first.exists) {
    absl::StatusOr<domain::ApprovalRequirement> approval =
        Requirement(p.tenant, quote->first.latest().pricing.totals());
    if (!approval.ok()) return reply(approval.status());
    command.approval = *std::move(approval);
  }
  Run<domain::QuoteState>(p, r.quote_id(), r, std::move(command), QuoteReply(std::move(reply)));
}

void QuoteServiceImpl::ApproveQuoteImpl(const Principal& p, const v1::ApproveQuoteRequest& r,
                                        Reply<v1::ApproveQuoteResponse> reply) {
  domain::ApproveQuote command{r, domain::Caller{p.user, p.roles}, options_.clock->Now()};
  Run<domain::QuoteState>(p, r.quote_id(), r, std::move(command), QuoteReply(std::move(reply)));
}

void QuoteServiceImpl::RejectQuoteImpl(const Principal& p, const v1::RejectQuoteRequest& r,
                                       Reply<v1::RejectQuoteResponse> reply) {
  domain::RejectQuote command{r, domain::Caller{p.user, p.roles}, options_.clock->Now()};
  Run<domain::QuoteState>(p, r.quote_id(), r, std::move(command), QuoteReply(std::move(reply)));
}

void QuoteServiceImpl::SendQuoteImpl(const Principal& p, const v1::SendQuoteRequest& r,
                                     Reply<v1::SendQuoteResponse> reply) {
  auto quote = Load<domain::QuoteState>(p.tenant, r.quote_id());
  if (!quote.ok()) return reply(quote.status());
  domain::SendQuote command{r, {}, options_.clock->Now()};
  if (quote->first.exists) {
    absl::StatusOr<domain::ApprovalRequirement> approval =
        Requirement(p.tenant, quote->first.latest().pricing.totals());
    if (!approval.ok()) return reply(approval.status());
    command.approval = *std::move(approval);
  }
  Run<domain::QuoteState>(p, r.quote_id(), r, std::move(command), QuoteReply(std::move(reply)));
}

void QuoteServiceImpl::AcceptQuoteImpl(const Principal& p, const v1::AcceptQuoteRequest& r,
                                       Reply<v1::AcceptQuoteResponse> reply) {
  domain::AcceptQuote command{r, options_.clock->Now()};
  if (command.request.order_id().empty()) {
    // Derived from the quote, so a retry with a new request id cannot place a second order.
    command.request.set_order_id(absl::StrCat("order-", r.quote_id()));
  }
  // The schedule is checked before anything is appended (the order would refuse it after the quote
  // was already accepted).
  auto quote = Load<domain::QuoteState>(p.tenant, r.quote_id());
  if (!quote.ok()) return reply(quote.status());
  if (quote->first.exists && !r.schedule().empty()) {
    absl::Status schedule = domain::CheckSchedule(std::vector<v1::Instalment>(r.schedule().begin(), r.schedule().end()),
                                                  quote->first.latest().pricing.totals().net_total());
    if (!schedule.ok()) return reply(schedule);
  }
  Execute<domain::QuoteState>(
      p, r.quote_id(), r.request_id(), r.expected_version(),
      [command](const domain::QuoteState& s) { return domain::Decide(s, command); },
      [this, p, request = command.request,
       reply = std::move(reply)](absl::StatusOr<eventstore::CommandResult<domain::QuoteState>> result) {
        if (!result.ok()) return reply(result.status());
        PlaceOrderAndCountPromotions(p, request, result->state, std::move(reply));
      });
}

void QuoteServiceImpl::PlaceOrderAndCountPromotions(const Principal& p, const v1::AcceptQuoteRequest& r,
                                                    const domain::QuoteState& accepted,
                                                    Reply<v1::AcceptQuoteResponse> reply) {
  domain::PlaceOrder order = domain::PlaceOrderFor(accepted, r.schedule());
  const std::string order_id = order.order_id;
  absl::StatusOr<v1::Quote> quote = domain::QuoteAt(accepted, 0);
  if (!quote.ok()) return reply(quote.status());
  std::vector<std::string> promotions(accepted.latest().pricing.applied_promotion_ids().begin(),
                                      accepted.latest().pricing.applied_promotion_ids().end());
  const absl::Time at = accepted.accepted_at;
  Execute<domain::OrderState>(
      p, order_id, absl::StrCat(r.request_id(), "/order"), 0,
      [order = std::move(order)](const domain::OrderState& s) { return domain::Decide(s, order); },
      [this, p, r, promotions = std::move(promotions), at, quote = *std::move(quote),
       reply = std::move(reply)](absl::StatusOr<eventstore::CommandResult<domain::OrderState>> placed) {
        if (!placed.ok()) return reply(placed.status());
        v1::AcceptQuoteResponse out;
        *out.mutable_quote() = quote;
        *out.mutable_order() = domain::OrderView(placed->state);
        CountPromotionUse(p, r, promotions, 0, at, std::move(out), std::move(reply));
      });
}

void QuoteServiceImpl::CountPromotionUse(const Principal& p, const v1::AcceptQuoteRequest& r,
                                         std::vector<std::string> promotions, size_t i, absl::Time at,
                                         v1::AcceptQuoteResponse out, Reply<v1::AcceptQuoteResponse> reply) {
  if (i == promotions.size()) return reply(std::move(out));
  const std::string id = promotions[i];
  domain::UsePromotion use{id, r.quote_id(), at};
  Execute<domain::PromotionState>(
      p, id, absl::StrCat(r.request_id(), "/promotion/", id), 0,
      [use](const domain::PromotionState& s) { return domain::Decide(s, use); },
      [this, p, r, promotions = std::move(promotions), i, at, out = std::move(out),
       reply = std::move(reply)](absl::StatusOr<eventstore::CommandResult<domain::PromotionState>> result) mutable {
        // Quota use is counted after the sale; a promotion that ran out meanwhile is logged, not undone.
        if (!result.ok()) {
          base::LogWarn("promotion use not counted",
                        {{"promotion", promotions[i]}, {"quote", r.quote_id()}, {"error", result.status().ToString()}});
        }
        CountPromotionUse(p, r, std::move(promotions), i + 1, at, std::move(out), std::move(reply));
      });
}

void QuoteServiceImpl::DeclineQuoteImpl(const Principal& p, const v1::DeclineQuoteRequest& r,
                                        Reply<v1::DeclineQuoteResponse> reply) {
  domain::DeclineQuote command{r, options_.clock->Now()};
  Run<domain::QuoteState>(p, r.quote_id(), r, std::move(command), QuoteReply(std::move(reply)));
}

// ---------------------------------------------------------------------------------------------------
// Orders and payments

void QuoteServiceImpl::GetOrderImpl(const Principal& p, const v1::GetOrderRequest& r,
                                    Reply<v1::GetOrderResponse> reply) {
  auto order = Load<domain::OrderState>(p.tenant, r.order_id());
  if (!order.ok()) return reply(order.status());
  if (!order->first.exists) return reply(absl::NotFoundError(absl::StrCat("order ", r.order_id(), " not found")));
  v1::GetOrderResponse out;
  *out.mutable_order() = domain::OrderView(order->first);
  reply(std::move(out));
}

void QuoteServiceImpl::ListOrdersImpl(const Principal& p, const v1::ListOrdersRequest& r,
                                      Reply<v1::ListOrdersResponse> reply) {
  const std::string prefix = !r.account_id().empty()
                                 ? p::Key(p.tenant, p::kByAccount, r.account_id())
                                 : (r.status() != v1::ORDER_STATUS_UNSPECIFIED
                                        ? p::Key(p.tenant, p::kByStatus, v1::OrderStatus_Name(r.status()))
                                        : p::Key(p.tenant, p::kAll, ""));
  v1::ListOrdersResponse out;
  eventstore::PageSpec spec{{eventstore::PrefixRange(prefix)}, prefix, r.page_token(), domain::PageSize(r.page_size())};
  absl::StatusOr<std::string> next = eventstore::ScanPage(
      *store_, p::kOrderIndexCf, spec, [&](absl::string_view key, absl::string_view) -> absl::StatusOr<bool> {
        absl::StatusOr<std::string> id = IdOfIndexKey(key);
        if (!id.ok()) return id.status();
        auto order = Load<domain::OrderState>(p.tenant, *id);
        if (!order.ok()) return order.status();
        if (!order->first.exists) return false;
        if (r.status() != v1::ORDER_STATUS_UNSPECIFIED && order->first.status != r.status()) return false;
        *out.add_orders() = domain::OrderView(order->first);
        return true;
      });
  if (!next.ok()) return reply(next.status());
  out.set_next_page_token(*next);
  reply(std::move(out));
}

void QuoteServiceImpl::RecordPaymentImpl(const Principal& p, const v1::RecordPaymentRequest& r,
                                         Reply<v1::RecordPaymentResponse> reply) {
  domain::RecordPayment command{r, options_.clock->Now()};
  if (command.request.payment_id().empty()) command.request.set_payment_id(options_.ids->NewId());
  Run<domain::OrderState>(p, r.order_id(), r, std::move(command),
                          StateReply<domain::OrderState, v1::RecordPaymentResponse>(
                              std::move(reply), [](v1::RecordPaymentResponse& out, const domain::OrderState& s) {
                                *out.mutable_order() = domain::OrderView(s);
                              }));
}

// ---------------------------------------------------------------------------------------------------
// Expiry

absl::StatusOr<int> QuoteServiceImpl::ExpireDueQuotes() {
  const absl::Time now = options_.clock->Now();
  struct Due {
    std::string tenant;
    std::string quote_id;
  };
  std::vector<Due> due;
  absl::Status scanned = eventstore::ScanRange(
      *store_, p::kQuotesCf, {"", ""}, SIZE_MAX, [&](absl::string_view key, absl::string_view value) {
        v1::Quote q;
        if (!q.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          return true;
        }
        const bool open = q.status() != v1::QUOTE_STATUS_ACCEPTED && q.status() != v1::QUOTE_STATUS_DECLINED &&
                          q.status() != v1::QUOTE_STATUS_EXPIRED;
        if (open && q.has_valid_until() && domain::ToTime(q.valid_until()) <= now) {
          base::KeyReader reader(key);
          absl::StatusOr<std::string> tenant = reader.String();
          if (tenant.ok()) due.push_back({*tenant, q.quote_id()});
        }
        return true;
      });
  if (!scanned.ok()) return scanned;
  int expired = 0;
  for (const Due& d : due) {
    const Principal system{d.tenant, "system:quote-expiry", {}, ""};
    absl::Notification done;
    absl::Status status;
    domain::ExpireQuote command{d.quote_id, now};
    Execute<domain::QuoteState>(
        system, d.quote_id, absl::StrCat("expire:", d.quote_id), 0,
        [command](const domain::QuoteState& s) { return domain::Decide(s, command); },
        [&](absl::StatusOr<eventstore::CommandResult<domain::QuoteState>> result) {
          status = result.status();
          if (result.ok() && !result->append.deduplicated &&
              result->append.first_version <= result->append.last_version) {
            ++expired;
          }
          done.Notify();
        });
    done.WaitForNotification();
    if (!status.ok()) base::LogWarn("quote not expired", {{"quote", d.quote_id}, {"error", status.ToString()}});
  }
  return expired;
}

void QuoteServiceImpl::SweepLoop() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping), options_.expiry_interval)) return;
    }
    absl::StatusOr<int> expired = ExpireDueQuotes();
    if (!expired.ok()) base::LogWarn("quote expiry sweep failed", {{"error", expired.status().ToString()}});
  }
}

}  // namespace sfa::quote
