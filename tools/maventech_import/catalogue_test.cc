#include "tools/maventech_import/catalogue.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "quote/domain/validation.h"

namespace sfa::tools::maventech {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

const DataSet& RealData() {
  static const DataSet* data = [] {
    absl::StatusOr<DataSet> loaded = LoadDataSet(SFA_MAVENTECH_DATA_DIR);
    EXPECT_TRUE(loaded.ok()) << loaded.status();  // the data set sits in ../shared beside the repo
    return new DataSet(loaded.ok() ? *std::move(loaded) : DataSet{});
  }();
  return *data;
}

const CataloguePlan& RealCatalogue() {
  static const CataloguePlan* plan = new CataloguePlan(BuildCataloguePlan(RealData()));
  return *plan;
}

std::vector<quote_v1::UpsertProductRequest> Products(const CataloguePlan& plan) {
  std::vector<quote_v1::UpsertProductRequest> products;
  for (const Phase& phase : plan.phases) {
    for (const Sequence& s : phase.sequences) {
      for (const Command& c : s.commands) {
        if (const auto* r = std::get_if<quote_v1::UpsertProductRequest>(&c)) products.push_back(*r);
      }
    }
  }
  return products;
}

// The price book request; a default one (no id) when the plan has none.
quote_v1::UpsertPriceBookRequest Book(const CataloguePlan& plan) {
  for (const Phase& phase : plan.phases) {
    for (const Sequence& s : phase.sequences) {
      for (const Command& c : s.commands) {
        if (const auto* r = std::get_if<quote_v1::UpsertPriceBookRequest>(&c)) return *r;
      }
    }
  }
  return {};
}

// product id -> list price in minor units, in entry order.
std::vector<std::pair<std::string, int64_t>> Prices(const quote_v1::UpsertPriceBookRequest& book) {
  std::vector<std::pair<std::string, int64_t>> prices;
  for (const quote_v1::PriceBookEntry& e : book.price_book().entries()) {
    EXPECT_EQ(e.list_price().currency(), "USD") << e.product_id();
    prices.emplace_back(e.product_id(), e.list_price().minor_units());
  }
  return prices;
}

int QuirkCount(const CataloguePlan& plan, absl::string_view name) {
  for (const CatalogueQuirk& q : plan.quirks) {
    if (q.name == name) return q.count;
  }
  ADD_FAILURE() << "no quirk " << name;
  return -1;
}

CataloguePlan FromProducts(absl::string_view rows, DataSet* data_out = nullptr) {
  DataFiles files{"account,sector,year_established,revenue,employees,office_location,subsidiary_of\n",
                  absl::StrCat("product,series,sales_price\n", rows), "sales_agent,manager,regional_office\n",
                  "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n"};
  absl::StatusOr<DataSet> data = ParseDataSet(files);
  EXPECT_TRUE(data.ok()) << data.status();
  if (!data.ok()) return {};
  if (data_out != nullptr) *data_out = *data;
  return BuildCataloguePlan(*data);
}

// ---------------------------------------------------------------------------------------------------
// On the published products.csv

TEST(RealCatalogueTest, OneProductPerRowNamedAndInTheSeriesOfTheFile) {
  const std::vector<quote_v1::UpsertProductRequest> products = Products(RealCatalogue());
  std::vector<std::string> ids;
  for (const auto& r : products) ids.push_back(r.product().product_id());
  EXPECT_THAT(ids, ElementsAre("gtx-basic", "gtx-pro", "mg-special", "mg-advanced", "gtx-plus-pro", "gtx-plus-basic",
                               "gtk-500"));
  ASSERT_EQ(products.size(), 7u);
  const quote_v1::UpsertProductRequest& gtk = products[6];
  EXPECT_EQ(gtk.request_id(), "maventech:product:gtk-500:upsert");
  EXPECT_EQ(gtk.product().name(), "GTK 500");
  EXPECT_EQ(gtk.product().series(), "GTK");
  EXPECT_TRUE(gtk.product().active());
  EXPECT_EQ(gtk.product().attributes_size(), 0);
  EXPECT_EQ(gtk.product().components_size(), 0);
  EXPECT_EQ(gtk.expected_version(), 0u);  // an upsert: a second run finds it as planned
  EXPECT_EQ(products[1].product().name(), "GTX Pro");
  EXPECT_EQ(products[1].product().series(), "GTX");
  EXPECT_EQ(RealCatalogue().Planned(Entity::kProduct), 7);
}

TEST(RealCatalogueTest, ThePriceBookListsEveryProductAtItsSalesPriceInCents) {
  const quote_v1::UpsertPriceBookRequest book = Book(RealCatalogue());
  EXPECT_EQ(book.request_id(), "maventech:pricebook:maventech-usd:upsert");
  const quote_v1::PriceBook& b = book.price_book();
  EXPECT_EQ(b.price_book_id(), "maventech-usd");
  EXPECT_EQ(b.name(), "MavenTech list prices (USD)");
  EXPECT_EQ(b.currency(), "USD");
  EXPECT_EQ(b.priority(), 0);
  EXPECT_TRUE(b.scope().all());
  EXPECT_THAT(b.scope().account_ids(), IsEmpty());
  EXPECT_TRUE(b.active());
  EXPECT_FALSE(b.has_valid_from());
  EXPECT_FALSE(b.has_valid_to());
  EXPECT_THAT(Prices(book), ElementsAre(Pair("gtx-basic", 55000), Pair("gtx-pro", 482100), Pair("mg-special", 5500),
                                        Pair("mg-advanced", 339300), Pair("gtx-plus-pro", 548200),
                                        Pair("gtx-plus-basic", 109600), Pair("gtk-500", 2676800)));
  for (const quote_v1::PriceBookEntry& e : b.entries()) {
    EXPECT_TRUE(e.sku_id().empty());
    EXPECT_THAT(e.tiers(), IsEmpty());
    EXPECT_THAT(e.adjustments(), IsEmpty());
  }
  EXPECT_EQ(RealCatalogue().price_book_entries, 7);
}

TEST(RealCatalogueTest, ProductsComeBeforeTheBookAndNothingIsRejectedOrOdd) {
  const CataloguePlan& plan = RealCatalogue();
  ASSERT_EQ(plan.phases.size(), 2u);
  EXPECT_EQ(plan.phases[0].name, "catalogue products");
  EXPECT_EQ(plan.phases[1].name, "price book");
  ASSERT_EQ(plan.phases[1].sequences.size(), 1u);
  EXPECT_EQ(plan.phases[1].sequences[0].entity, Entity::kPriceBook);
  EXPECT_EQ(plan.CommandCount(), 8);
  EXPECT_THAT(plan.rejected, IsEmpty());
  EXPECT_EQ(QuirkCount(plan, "sales_price_not_whole_dollars"), 0);  // the published prices are whole dollars
}

// The pipeline's "GTXPro" (1,480 deals) is products.csv's "GTX Pro": one catalogue product, gtx-pro, whose
// list price is what those deals are worth.
TEST(RealCatalogueTest, TheProductThePipelineCallsGtxProIsGtxPro) {
  const std::vector<std::pair<std::string, int64_t>> prices = Prices(Book(RealCatalogue()));
  for (const auto& [id, price] : prices) EXPECT_NE(id, ProductId("GTXPro")) << "a product of the pipeline's spelling";
  const ImportPlan plan = BuildPlan(RealData());
  EXPECT_EQ(plan.quirks.Get(Quirk::kProductNameVariant), 1480);
  int gtxpro_deals = 0;
  for (const Sequence& s : plan.phases.back().sequences) {
    if (s.key != "KWVA7VR1") continue;  // a GTXPro deal
    ++gtxpro_deals;
    const auto& create = std::get<v1::CreateOpportunityRequest>(s.commands[0]);
    EXPECT_THAT(prices, Contains(Pair("gtx-pro", create.amount().minor_units())));
  }
  EXPECT_EQ(gtxpro_deals, 1);
}

// Shape checks are the quote service's own (services/quote/domain/validation.h), so a request it would
// refuse as malformed fails here, before any server runs.
TEST(RealCatalogueTest, EveryRequestPassesTheQuoteServicesValidation) {
  for (const quote_v1::UpsertProductRequest& r : Products(RealCatalogue())) {
    EXPECT_TRUE(quote::domain::Validate(r).ok()) << r.request_id() << ": " << quote::domain::Validate(r);
  }
  const quote_v1::UpsertPriceBookRequest book = Book(RealCatalogue());
  EXPECT_TRUE(quote::domain::Validate(book).ok()) << quote::domain::Validate(book);
}

TEST(RealCatalogueTest, RequestsAreTheSameOnEveryBuild) {
  const CataloguePlan again = BuildCataloguePlan(RealData());
  const std::vector<quote_v1::UpsertProductRequest> first = Products(RealCatalogue()), second = Products(again);
  ASSERT_EQ(first.size(), second.size());
  for (size_t i = 0; i < first.size(); ++i) EXPECT_EQ(first[i].SerializeAsString(), second[i].SerializeAsString());
  EXPECT_EQ(Book(RealCatalogue()).SerializeAsString(), Book(again).SerializeAsString());
}

// ---------------------------------------------------------------------------------------------------
// On small files with what the published one does not have

TEST(CatalogueTest, SalesPriceIsReadStrictlyAndCentsAreAQuirkNotRounded) {
  DataSet data;
  const CataloguePlan plan = FromProducts(
      "Whole,S,550\n"
      "Cents,S,4821.50\n"
      "Dime,S,10.5\n"
      "Free,S,0\n"
      "Negative,S,-5\n"
      "Exponent,S,1e3\n"
      "Grouped,S,\"4,821\"\n"
      "Dollar,S,$12\n"
      "Mills,S,1.005\n"
      "Blank,S,\n",
      &data);
  EXPECT_THAT(Prices(Book(plan)),
              ElementsAre(Pair("whole", 55000), Pair("cents", 482150), Pair("dime", 1050), Pair("free", 0)));
  EXPECT_EQ(QuirkCount(plan, "sales_price_not_whole_dollars"), 2);
  // The reader refused the others, with the row and the reason, so they are neither products nor entries.
  std::vector<std::string> refused;
  for (const RowIssue& r : data.rejected) refused.push_back(absl::StrCat(r.source.line, " ", r.key));
  EXPECT_THAT(refused, ElementsAre("6 Negative", "7 Exponent", "8 Grouped", "9 Dollar", "10 Mills", "11 Blank"));
  EXPECT_THAT(plan.rejected, IsEmpty());
  EXPECT_EQ(plan.Planned(Entity::kProduct), 4);
}

TEST(CatalogueTest, ProductIdsAreSlugsOfTheName) {
  EXPECT_EQ(ProductId("GTX Pro"), "gtx-pro");
  EXPECT_EQ(ProductId("GTX Plus Basic"), "gtx-plus-basic");
  EXPECT_EQ(ProductId("MG Special"), "mg-special");
  EXPECT_EQ(ProductId("GTXPro"), "gtxpro");  // why the pipeline's spelling is not used for ids
  EXPECT_EQ(ProductId("  A & B!  "), "a-b");
}

TEST(CatalogueTest, RowsThatCannotHaveAnIdOfTheirOwnAreRejectedWithTheReason) {
  const CataloguePlan plan = FromProducts(
      "GTX Pro,GTX,4821\n"
      "GTX-Pro,GTX,4900\n"
      "GTX Pro,GTX,4821\n"
      "!!!,GTX,1\n"
      "MG Special,MG,55\n");
  EXPECT_THAT(Prices(Book(plan)), ElementsAre(Pair("gtx-pro", 482100), Pair("mg-special", 5500)));
  std::vector<std::string> reasons;
  for (const RowIssue& r : plan.rejected) {
    EXPECT_EQ(r.source.file, "products.csv");
    reasons.push_back(absl::StrCat(r.source.line, " ", r.key, ": ", r.reason));
  }
  EXPECT_THAT(reasons, ElementsAre("3 GTX-Pro: not in the catalogue: \"GTX-Pro\" and \"GTX Pro\" would both get the id "
                                   "gtx-pro",
                                   "4 GTX Pro: not in the catalogue: product already listed at line 2",
                                   "5 !!!: not in the catalogue: the name has no letter or digit to make a product id "
                                   "of"));
}

TEST(CatalogueTest, NoProductsNoPriceBook) {
  const CataloguePlan plan = FromProducts("");
  EXPECT_THAT(plan.phases, IsEmpty());
  EXPECT_EQ(plan.CommandCount(), 0);
  EXPECT_EQ(plan.price_book_entries, 0);
  EXPECT_EQ(QuirkCount(plan, "sales_price_not_whole_dollars"), 0);
}

}  // namespace
}  // namespace sfa::tools::maventech
