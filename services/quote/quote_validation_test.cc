// Bad input over gRPC: every QuoteService RPC refuses malformed requests with INVALID_ARGUMENT naming the
// field, unknown or other-tenant records with NOT_FOUND, a missing principal with UNAUTHENTICATED; nothing
// is appended and nothing is truncated.

#include <google/protobuf/text_format.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "quote/testing/test_server.h"

namespace sfa::quote {
namespace {

using ::testing::HasSubstr;
using S = v1::QuoteService::Stub;

template <typename Message>
Message Parse(const std::string& text) {
  Message m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &m)) << text;
  return m;
}

constexpr auto kInvalid = grpc::StatusCode::INVALID_ARGUMENT;
constexpr auto kNotFound = grpc::StatusCode::NOT_FOUND;

class QuoteValidationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Ok(&S::UpsertProduct, Parse<v1::UpsertProductRequest>(
                                      R"pb(request_id: "seed" product { product_id: "p1" name: "P" active: true })pb"));
    head_ = server_.store().HeadPosition();
  }

  template <typename Request, typename Response>
  void Expect(grpc::Status (S::*method)(grpc::ClientContext*, const Request&, Response*), const std::string& text,
              grpc::StatusCode code, const std::string& field) {
    SCOPED_TRACE(text);
    grpc::Status status = server_.Status(method, Parse<Request>(text));
    EXPECT_EQ(status.error_code(), code) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(field));
    EXPECT_EQ(server_.store().HeadPosition(), head_);
  }

  testing::TestServer server_;
  uint64_t head_ = 0;
};

TEST_F(QuoteValidationTest, Catalogue) {
  Expect(&S::UpsertProduct, R"pb(product { product_id: "x" name: "X" })pb", kInvalid, "request_id");
  Expect(&S::UpsertProduct, R"pb(request_id: "r")pb", kInvalid, "product");
  Expect(&S::UpsertProduct, R"pb(request_id: "r" product { product_id: "bad id!" name: "X" })pb", kInvalid,
         "product.product_id");
  Expect(&S::UpsertProduct,
         R"pb(request_id: "r" product { product_id: "x" name: "X" attributes { name: "c" values: "a" values: "a" } })pb",
         kInvalid, "product.attributes");
  Expect(&S::UpsertSku, R"pb(request_id: "r" sku { sku_id: "s" })pb", kInvalid, "sku.product_id");
  Expect(&S::UpsertSku, R"pb(request_id: "r" sku { sku_id: "s" product_id: "nope" })pb", kNotFound, "nope");
  Expect(&S::GetProduct, R"pb(product_id: "nope")pb", kNotFound, "nope");
  Expect(&S::ListProducts, R"pb(page_size: 501)pb", kInvalid, "page_size");
}

TEST_F(QuoteValidationTest, PriceBooksAndPromotions) {
  Expect(&S::UpsertPriceBook, R"pb(request_id: "r" price_book { price_book_id: "b" name: "B" currency: "usd" })pb",
         kInvalid, "price_book.currency");
  Expect(&S::UpsertPriceBook,
         R"pb(request_id: "r"
              price_book {
                price_book_id: "b"
                name: "B"
                currency: "USD"
                entries { product_id: "p1" list_price { minor_units: 100 currency: "EUR" } }
              })pb",
         kInvalid, "price_book.entries");
  Expect(&S::UpsertPriceBook,
         R"pb(request_id: "r"
              price_book {
                price_book_id: "b"
                name: "B"
                currency: "USD"
                entries {
                  product_id: "p1"
                  list_price { minor_units: 100 currency: "USD" }
                  tier_mode: TIER_MODE_RANGE
                  tiers { min_quantity: 10 percent_off_bp: 500 }
                  tiers { min_quantity: 5 percent_off_bp: 900 }
                }
              })pb",
         kInvalid, "tiers");
  Expect(&S::UpsertPriceBook,
         R"pb(request_id: "r"
              price_book {
                price_book_id: "b"
                name: "B"
                currency: "USD"
                valid_from { seconds: 200 }
                valid_to { seconds: 100 }
              })pb",
         kInvalid, "price_book");
  Expect(&S::GetPriceBook, R"pb(price_book_id: "nope")pb", kNotFound, "nope");
  Expect(&S::UpsertPromotion, R"pb(request_id: "r" promotion { promotion_id: "x" name: "X" kind: 9 })pb", kInvalid,
         "promotion.kind");
  Expect(&S::UpsertPromotion,
         R"pb(request_id: "r" promotion { promotion_id: "x" name: "X" kind: PROMOTION_KIND_SPEND_THRESHOLD percent_off_bp: 500 })pb",
         kInvalid, "promotion.threshold_amount");
  Expect(&S::UpsertPromotion,
         R"pb(request_id: "r"
              promotion {
                promotion_id: "x"
                name: "X"
                kind: PROMOTION_KIND_QUANTITY_THRESHOLD
                threshold_quantity: 5
                percent_off_bp: 10001
              })pb",
         kInvalid, "promotion.percent_off_bp");
  Expect(&S::ListPromotions, R"pb(page_token: "%%%")pb", kInvalid, "page_token");
}

TEST_F(QuoteValidationTest, PricingAndQuotes) {
  Expect(&S::PriceQuote, R"pb(currency: "USD")pb", kInvalid, "lines");
  Expect(&S::PriceQuote, R"pb(currency: "USD" lines { product_id: "p1" quantity: 0 })pb", kInvalid, "lines[0]");
  Expect(&S::PriceQuote, R"pb(currency: "USD" lines { product_id: "p1" quantity: 1 manual_discount_bp: 10001 })pb",
         kInvalid, "lines[0]");
  Expect(&S::PriceQuote,
         R"pb(currency: "USD" lines { line_id: "a" product_id: "p1" quantity: 1 } lines { line_id: "a" product_id: "p1" quantity: 1 })pb",
         kInvalid, "lines");
  Expect(&S::CreateQuote, R"pb(request_id: "r" currency: "USD" lines { product_id: "p1" quantity: 1 })pb", kInvalid,
         "opportunity_id");
  Expect(&S::ReviseQuote, R"pb(request_id: "r" quote_id: "nope" lines { product_id: "p1" quantity: 1 })pb", kNotFound,
         "nope");
  Expect(&S::CloneQuote, R"pb(request_id: "r" from_quote_id: "nope")pb", kNotFound, "nope");
  Expect(&S::GetQuote, R"pb(quote_id: "nope")pb", kNotFound, "nope");
  Expect(&S::GetQuote, R"pb()pb", kInvalid, "quote_id");
  Expect(&S::ListQuotes, R"pb(status: 42)pb", kInvalid, "status");
  Expect(&S::DiffQuoteVersions, R"pb(quote_id: "nope" from_version: 1 to_version: 2)pb", kNotFound, "nope");
}

TEST_F(QuoteValidationTest, ApprovalOrdersAndPayments) {
  Expect(&S::DefineApprovalPolicy, R"pb(request_id: "r" rules { rule_id: "a" approver_roles: "Manager!" })pb",
         kInvalid, "rules[0]");
  Expect(&S::SubmitQuote, R"pb(request_id: "r" quote_id: "nope")pb", kNotFound, "nope");
  Expect(&S::ApproveQuote, R"pb(request_id: "r")pb", kInvalid, "quote_id");
  Expect(&S::RejectQuote, R"pb(request_id: "r" quote_id: "q")pb", kInvalid, "comment");
  Expect(&S::SendQuote, R"pb(request_id: "r" quote_id: "nope")pb", kNotFound, "nope");
  Expect(&S::AcceptQuote,
         R"pb(request_id: "r" quote_id: "q" schedule { due_date { seconds: 1 } amount { minor_units: -1 currency: "USD" } })pb",
         kInvalid, "schedule[0]");
  Expect(&S::DeclineQuote, R"pb(request_id: "r" quote_id: "nope")pb", kNotFound, "nope");
  Expect(&S::GetOrder, R"pb(order_id: "nope")pb", kNotFound, "nope");
  Expect(&S::ListOrders, R"pb(status: 12)pb", kInvalid, "status");
  Expect(&S::RecordPayment, R"pb(request_id: "r" order_id: "o" amount { minor_units: 0 currency: "USD" })pb",
         kInvalid, "amount");
  Expect(&S::RecordPayment, R"pb(request_id: "r" order_id: "nope" amount { minor_units: 5 currency: "USD" })pb",
         kNotFound, "nope");
}

TEST_F(QuoteValidationTest, TenantsAndPrincipals) {
  grpc::Status other =
      server_.Status(&S::GetProduct, Parse<v1::GetProductRequest>(R"pb(product_id: "p1")pb"), "globex");
  EXPECT_EQ(other.error_code(), grpc::StatusCode::NOT_FOUND);
  grpc::Status anonymous =
      server_.Status(&S::GetProduct, Parse<v1::GetProductRequest>(R"pb(product_id: "p1")pb"), "acme", "");
  EXPECT_EQ(anonymous.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(server_.store().HeadPosition(), head_);
}

}  // namespace
}  // namespace sfa::quote
