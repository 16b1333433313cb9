#include "tools/maventech_import/catalogue.h"

#include <cstdint>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "tools/maventech_import/ids.h"

namespace sfa::tools::maventech {
namespace {

constexpr int64_t kCentsPerDollar = 100;

constexpr CatalogueQuirk kPriceWithCents{"sales_price_not_whole_dollars",
                                         "products.csv sales_price with cents (the published prices are whole dollars)",
                                         "list price = the price as written, in cents (never rounded)"};

quote_v1::UpsertProductRequest ProductRequest(const ProductRow& row, const std::string& id) {
  quote_v1::UpsertProductRequest request;
  request.set_request_id(RequestId("product", id, "upsert"));
  quote_v1::Product* product = request.mutable_product();
  product->set_product_id(id);
  product->set_name(row.name);
  product->set_series(row.series);
  product->set_active(true);
  return request;
}

// The book every quote in USD finds when it names none: all accounts, no validity bounds, priority 0.
quote_v1::UpsertPriceBookRequest PriceBookRequest() {
  quote_v1::UpsertPriceBookRequest request;
  request.set_request_id(RequestId("pricebook", kPriceBookId, "upsert"));
  quote_v1::PriceBook* book = request.mutable_price_book();
  book->set_price_book_id(kPriceBookId);
  book->set_name(kPriceBookName);
  book->set_currency(kCurrency);
  book->set_priority(0);
  book->mutable_scope()->set_all(true);
  book->set_active(true);
  return request;
}

quote_v1::PriceBookEntry Entry(const std::string& product_id, int64_t usd_cents) {
  quote_v1::PriceBookEntry entry;
  entry.set_product_id(product_id);
  entry.mutable_list_price()->set_minor_units(usd_cents);
  entry.mutable_list_price()->set_currency(kCurrency);
  return entry;
}

// Products by name and by id, so that a row the catalogue cannot tell apart from an earlier one is
// rejected with the reason instead of overwriting it.
class ProductIndex {
 public:
  // The row's id, or why the row cannot have one of its own.
  absl::StatusOr<std::string> Admit(const ProductRow& row) {
    const std::string id = ProductId(row.name);
    if (auto it = by_name_.find(row.name); it != by_name_.end()) {
      return absl::AlreadyExistsError(absl::StrCat("product already listed at line ", it->second->source.line));
    }
    if (id.empty()) return absl::InvalidArgumentError("the name has no letter or digit to make a product id of");
    if (auto [other, inserted] = by_id_.emplace(id, &row); !inserted) {
      return absl::AlreadyExistsError(
          absl::StrCat("\"", row.name, "\" and \"", other->second->name, "\" would both get the id ", id));
    }
    by_name_.emplace(row.name, &row);
    return id;
  }

 private:
  absl::flat_hash_map<std::string, const ProductRow*> by_name_;
  absl::flat_hash_map<std::string, const ProductRow*> by_id_;
};

}  // namespace

std::string ProductId(absl::string_view name) { return Slug(name); }

CataloguePlan BuildCataloguePlan(const DataSet& data) {
  CataloguePlan plan;
  CatalogueQuirk with_cents = kPriceWithCents;
  Phase products{"catalogue products", {}};
  quote_v1::UpsertPriceBookRequest book = PriceBookRequest();
  ProductIndex index;
  for (const ProductRow& row : data.products) {
    absl::StatusOr<std::string> id = index.Admit(row);
    if (!id.ok()) {
      plan.rejected.push_back(
          RowIssue{row.source, row.name, absl::StrCat("not in the catalogue: ", id.status().message())});
      continue;
    }
    if (row.sales_price_usd_cents % kCentsPerDollar != 0) ++with_cents.count;
    *book.mutable_price_book()->add_entries() = Entry(*id, row.sales_price_usd_cents);
    products.sequences.push_back(Sequence{Entity::kProduct, *id, row.source, {ProductRequest(row, *id)}});
  }
  plan.quirks.push_back(with_cents);
  plan.price_book_entries = book.price_book().entries_size();
  if (products.sequences.empty()) return plan;  // a book without entries would price nothing
  plan.phases.push_back(std::move(products));
  Phase price_book{"price book", {}};
  price_book.sequences.push_back(
      Sequence{Entity::kPriceBook, kPriceBookId, SourceRef{kProductsFile, 0}, {std::move(book)}});
  plan.phases.push_back(std::move(price_book));
  return plan;
}

int CataloguePlan::Planned(Entity entity) const { return CountSequences(phases, entity); }

int CataloguePlan::CommandCount() const { return CountCommands(phases); }

}  // namespace sfa::tools::maventech
