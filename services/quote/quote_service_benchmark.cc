// PriceQuote over gRPC against the real service in process: 100 products in one price book (RANGE tiers),
// 30 promotions, baskets of 10 and 100 lines. Each call is timed; p50 / p99 / max are reported in
// microseconds (counters). This is the figure a caller sees: request decoding, the catalogue reads from
// RocksDB, price-book resolution, pricing with the exact optimiser, and the response.
//
//   ninja -C build quote_service_benchmark && build/services/quote/quote_service_benchmark

#include <google/protobuf/text_format.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "quote/testing/test_server.h"

namespace sfa::quote {
namespace {

using S = v1::QuoteService::Stub;
constexpr int kProducts = 100;
constexpr int kPromotions = 30;

testing::TestServer& Server() {
  static testing::TestServer* server = [] {
    auto* s = new testing::TestServer();
    v1::UpsertPriceBookRequest book;
    book.set_request_id("book");
    v1::PriceBook* b = book.mutable_price_book();
    b->set_price_book_id("list");
    b->set_name("List");
    b->set_currency("USD");
    b->set_active(true);
    b->mutable_scope()->set_all(true);
    for (int i = 0; i < kProducts; ++i) {
      v1::UpsertProductRequest product;
      product.set_request_id(absl::StrCat("p", i));
      product.mutable_product()->set_product_id(absl::StrCat("prod-", i));
      product.mutable_product()->set_name(absl::StrCat("Product ", i));
      product.mutable_product()->set_active(true);
      s->Ok(&S::UpsertProduct, product);
      v1::PriceBookEntry* e = b->add_entries();
      e->set_product_id(absl::StrCat("prod-", i));
      e->mutable_list_price()->set_currency("USD");
      e->mutable_list_price()->set_minor_units(1000 + 37 * i);
      e->set_tier_mode(v1::TIER_MODE_RANGE);
      v1::PriceTier* t = e->add_tiers();
      t->set_min_quantity(10);
      t->set_percent_off_bp(500);
    }
    s->Ok(&S::UpsertPriceBook, book);
    for (int k = 0; k < kPromotions; ++k) {
      v1::UpsertPromotionRequest promo;
      promo.set_request_id(absl::StrCat("promo", k));
      v1::Promotion* p = promo.mutable_promotion();
      p->set_promotion_id(absl::StrCat("promo-", k));
      p->set_name(absl::StrCat("Promotion ", k));
      p->set_active(true);
      p->set_stackable(k % 5 != 0);
      if (k % 7 == 0) p->set_exclusivity_group(absl::StrCat("g", k % 3));
      for (int j = 0; j < 10; ++j) p->add_eligible_product_ids(absl::StrCat("prod-", (k * 3 + j * 7) % kProducts));
      if (k % 2 == 0) {
        p->set_kind(v1::PROMOTION_KIND_SPEND_THRESHOLD);
        p->mutable_threshold_amount()->set_currency("USD");
        p->mutable_threshold_amount()->set_minor_units(5000 + 1000 * k);
        p->set_percent_off_bp(100 + 10 * k);
      } else {
        p->set_kind(v1::PROMOTION_KIND_QUANTITY_THRESHOLD);
        p->set_threshold_quantity(3 + k % 5);
        p->mutable_amount_off()->set_currency("USD");
        p->mutable_amount_off()->set_minor_units(200 + 10 * k);
      }
      s->Ok(&S::UpsertPromotion, promo);
    }
    return s;
  }();
  return *server;
}

void PriceQuote(benchmark::State& state) {
  testing::TestServer& server = Server();
  v1::PriceQuoteRequest request;
  request.set_currency("USD");
  for (int i = 0; i < state.range(0); ++i) {
    v1::QuoteLine* line = request.add_lines();
    line->set_line_id(absl::StrCat(i + 1));
    line->set_product_id(absl::StrCat("prod-", (i * 13) % kProducts));
    line->set_quantity(1 + i % 12);
  }
  std::vector<double> micros;
  for (auto _ : state) {
    v1::PriceQuoteResponse response;
    const auto start = std::chrono::steady_clock::now();
    grpc::Status status = server.Call(&S::PriceQuote, request, &response);
    micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
    if (!status.ok()) {
      state.SkipWithError(status.error_message().c_str());
      break;
    }
    benchmark::DoNotOptimize(response);
  }
  if (micros.empty()) return;
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) { return micros[std::min(micros.size() - 1, static_cast<size_t>(q * micros.size()))]; };
  state.counters["p50_us"] = at(0.50);
  state.counters["p99_us"] = at(0.99);
  state.counters["max_us"] = micros.back();
}
BENCHMARK(PriceQuote)->Arg(10)->Arg(100)->Iterations(2000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace sfa::quote

BENCHMARK_MAIN();
