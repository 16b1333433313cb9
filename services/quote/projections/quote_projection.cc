// The catalogue rows, promotion use counts, and the quote and order summaries behind the lists and the
// expiry sweep. Quote and order views themselves come from their streams (domain QuoteAt / OrderView).

#include <string>
#include <vector>

#include "eventstore/read_model_rows.h"
#include "quote/domain/order.h"
#include "quote/domain/price_book.h"
#include "quote/domain/product.h"
#include "quote/domain/promotion.h"
#include "quote/domain/quote.h"
#include "quote/domain/sku.h"
#include "quote/projections/keys.h"
#include "quote/projections/projections.h"

namespace sfa::quote::projections {
namespace {

using eventstore::ReadModelTxn;
using eventstore::ReadRow;
using eventstore::WriteRow;
using EventEnvelope = sfa::common::v1::EventEnvelope;

template <typename Payload>
absl::StatusOr<Payload> Decode(const EventEnvelope& event) {
  return domain::ParsePayload<Payload>(event.payload_type(), event.payload());
}

std::vector<std::string> QuoteIndexKeys(absl::string_view t, const v1::Quote& q) {
  std::vector<std::string> keys = {Key(t, kAll, "", q.quote_id()),
                                   Key(t, kByStatus, v1::QuoteStatus_Name(q.status()), q.quote_id())};
  if (!q.opportunity_id().empty()) keys.push_back(Key(t, kByOpportunity, q.opportunity_id(), q.quote_id()));
  return keys;
}

std::vector<std::string> OrderIndexKeys(absl::string_view t, const v1::Order& o) {
  std::vector<std::string> keys = {Key(t, kAll, "", o.order_id()),
                                   Key(t, kByStatus, v1::OrderStatus_Name(o.status()), o.order_id())};
  if (!o.account_id().empty()) keys.push_back(Key(t, kByAccount, o.account_id(), o.order_id()));
  return keys;
}

// The summary's status after a quote event (the domain's transitions, as far as a list needs them).
void FoldQuote(v1::Quote& q, const domain::QuotePayload& payload) {
  struct Visitor {
    v1::Quote& q;
    void operator()(const v1::QuoteCreated& e) {
      q.set_quote_id(e.quote_id());
      q.set_name(e.name());
      q.set_opportunity_id(e.opportunity_id());
      q.set_account_id(e.account_id());
      q.set_currency(e.currency());
      q.set_status(v1::QUOTE_STATUS_DRAFT);
      q.set_latest_version(1);
      *q.mutable_valid_until() = e.valid_until();
      q.set_cloned_from_quote_id(e.cloned_from_quote_id());
      q.set_cloned_from_version(e.cloned_from_version());
    }
    void operator()(const v1::QuoteRevised& e) {
      q.set_latest_version(e.quote_version());
      *q.mutable_valid_until() = e.valid_until();
      q.set_status(e.approval_kept() ? v1::QUOTE_STATUS_APPROVED : v1::QUOTE_STATUS_DRAFT);
    }
    void operator()(const v1::QuoteSubmitted&) { q.set_status(v1::QUOTE_STATUS_PENDING_APPROVAL); }
    void operator()(const v1::QuoteApprovalRecorded&) {}
    void operator()(const v1::QuoteApproved&) { q.set_status(v1::QUOTE_STATUS_APPROVED); }
    void operator()(const v1::QuoteRejected&) { q.set_status(v1::QUOTE_STATUS_REJECTED); }
    void operator()(const v1::QuoteSent& e) {
      q.set_status(v1::QUOTE_STATUS_SENT);
      if (e.has_valid_until()) *q.mutable_valid_until() = e.valid_until();
    }
    void operator()(const v1::QuoteAccepted& e) {
      q.set_status(v1::QUOTE_STATUS_ACCEPTED);
      q.set_order_id(e.order_id());
    }
    void operator()(const v1::QuoteDeclined& e) {
      q.set_status(v1::QUOTE_STATUS_DECLINED);
      q.set_decline_reason(e.reason());
    }
    void operator()(const v1::QuoteExpired&) { q.set_status(v1::QUOTE_STATUS_EXPIRED); }
  };
  std::visit(Visitor{q}, payload);
}

void FoldOrder(v1::Order& o, const domain::OrderPayload& payload) {
  struct Visitor {
    v1::Order& o;
    void operator()(const v1::OrderPlaced& e) {
      o.set_order_id(e.order_id());
      o.set_quote_id(e.quote_id());
      o.set_quote_version(e.quote_version());
      o.set_opportunity_id(e.opportunity_id());
      o.set_account_id(e.account_id());
      *o.mutable_totals() = e.totals();
      *o.mutable_balance() = e.totals().net_total();
      o.mutable_paid_total()->set_currency(e.totals().net_total().currency());
      o.set_status(v1::ORDER_STATUS_OPEN);
    }
    void operator()(const v1::PaymentRecorded& e) {
      *o.mutable_paid_total() = e.paid_total();
      *o.mutable_balance() = e.balance();
    }
    void operator()(const v1::OrderPaid&) { o.set_status(v1::ORDER_STATUS_PAID); }
  };
  std::visit(Visitor{o}, payload);
}

template <typename Row, typename Payload, typename Fold, typename IndexKeys>
absl::Status ApplySummary(const EventEnvelope& event, ReadModelTxn& txn, absl::string_view row_cf,
                          absl::string_view index_cf, Fold fold, IndexKeys index_keys) {
  absl::StatusOr<Payload> payload = Decode<Payload>(event);
  if (!payload.ok()) return payload.status();
  const std::string key = Key(event.tenant(), event.aggregate_id());
  absl::StatusOr<std::optional<Row>> old = ReadRow<Row>(txn, row_cf, key);
  if (!old.ok()) return old.status();
  Row row = old->value_or(Row());
  fold(row, *payload);
  row.set_version(event.aggregate_version());
  std::vector<std::string> before = old->has_value() ? index_keys(event.tenant(), **old) : std::vector<std::string>();
  if (absl::Status s = eventstore::SyncIndex(txn, index_cf, before, index_keys(event.tenant(), row)); !s.ok()) {
    return s;
  }
  return WriteRow(txn, row_cf, key, row);
}

}  // namespace

std::vector<std::string> QuoteProjection::column_families() const {
  return {kProductsCf, kSkusCf, kSkusByIdCf, kPriceBooksCf, kPromotionsCf,
          kQuotesCf,   kQuoteIndexCf, kOrdersCf, kOrderIndexCf};
}

absl::Status QuoteProjection::Apply(const EventEnvelope& event, ReadModelTxn& txn) {
  const std::string& type = event.aggregate_type();
  const std::string& t = event.tenant();
  if (type == domain::kProductAggregate) {
    absl::StatusOr<domain::ProductPayload> p = Decode<domain::ProductPayload>(event);
    if (!p.ok()) return p.status();
    const v1::Product& product = std::get<v1::ProductUpserted>(*p).product();
    return WriteRow(txn, kProductsCf, Key(t, product.product_id()), product);
  }
  if (type == domain::kSkuAggregate) {
    absl::StatusOr<domain::SkuPayload> p = Decode<domain::SkuPayload>(event);
    if (!p.ok()) return p.status();
    const v1::Sku& sku = std::get<v1::SkuUpserted>(*p).sku();
    if (absl::Status s = WriteRow(txn, kSkusCf, Key(t, sku.product_id(), sku.sku_id()), sku); !s.ok()) return s;
    return WriteRow(txn, kSkusByIdCf, Key(t, sku.sku_id()), sku);
  }
  if (type == domain::kPriceBookAggregate) {
    absl::StatusOr<domain::PriceBookPayload> p = Decode<domain::PriceBookPayload>(event);
    if (!p.ok()) return p.status();
    const v1::PriceBook& book = std::get<v1::PriceBookUpserted>(*p).price_book();
    return WriteRow(txn, kPriceBooksCf, Key(t, book.price_book_id()), book);
  }
  if (type == domain::kPromotionAggregate) {
    absl::StatusOr<domain::PromotionPayload> p = Decode<domain::PromotionPayload>(event);
    if (!p.ok()) return p.status();
    if (const auto* upserted = std::get_if<v1::PromotionUpserted>(&*p)) {
      return WriteRow(txn, kPromotionsCf, Key(t, upserted->promotion().promotion_id()), upserted->promotion());
    }
    const v1::PromotionUsed& used = std::get<v1::PromotionUsed>(*p);
    const std::string key = Key(t, used.promotion_id());
    absl::StatusOr<std::optional<v1::Promotion>> row = ReadRow<v1::Promotion>(txn, kPromotionsCf, key);
    if (!row.ok()) return row.status();
    if (!row->has_value()) return absl::OkStatus();
    (*row)->set_used(used.used());
    (*row)->set_version(event.aggregate_version());
    return WriteRow(txn, kPromotionsCf, key, **row);
  }
  if (type == domain::kQuoteAggregate) {
    return ApplySummary<v1::Quote, domain::QuotePayload>(event, txn, kQuotesCf, kQuoteIndexCf, FoldQuote,
                                                          QuoteIndexKeys);
  }
  if (type == domain::kOrderAggregate) {
    return ApplySummary<v1::Order, domain::OrderPayload>(event, txn, kOrdersCf, kOrderIndexCf, FoldOrder,
                                                         OrderIndexKeys);
  }
  return absl::OkStatus();
}

}  // namespace sfa::quote::projections
