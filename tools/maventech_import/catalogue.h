#ifndef SFA_TOOLS_MAVENTECH_IMPORT_CATALOGUE_H_
#define SFA_TOOLS_MAVENTECH_IMPORT_CATALOGUE_H_

// products.csv as the quote service's catalogue (--quote-target): one product per row and the price book
// "maventech-usd" listing each at its sales_price, planned from the data set without talking to the service.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "tools/maventech_import/data_set.h"
#include "tools/maventech_import/plan.h"

namespace sfa::tools::maventech {

inline constexpr char kPriceBookId[] = "maventech-usd";
inline constexpr char kPriceBookName[] = "MavenTech list prices (USD)";

// An irregularity of products.csv the catalogue handles instead of refusing, and how often it was met.
struct CatalogueQuirk {
  absl::string_view name;  // stable, for --json: "sales_price_not_whole_dollars"
  absl::string_view what;
  absl::string_view handling;
  int count = 0;
};

struct CataloguePlan {
  // "catalogue products" (an UpsertProduct per product), then "price book" (one UpsertPriceBook), so that
  // the book is written once every product it lists has been answered.
  std::vector<Phase> phases;
  std::vector<RowIssue> rejected;      // products.csv rows the catalogue cannot hold, with the reason
  std::vector<CatalogueQuirk> quirks;  // every quirk, also when its count is 0
  int price_book_entries = 0;

  int Planned(Entity entity) const;  // sequences of that entity
  int CommandCount() const;
};

// The products the reader kept (a sales_price that is not a non-negative number with at most two decimals
// has already rejected its row there), each under ProductId(name). A whole-dollar price becomes
// price * 100 cents; a price with cents is taken exactly and counted as a quirk.
CataloguePlan BuildCataloguePlan(const DataSet& data);

// The catalogue id of a products.csv name: "GTX Pro" -> "gtx-pro" (Slug, ids.h). The pipeline's "GTXPro"
// is a spelling of that product (quirk product_name_variant), not a product of its own.
std::string ProductId(absl::string_view name);

}  // namespace sfa::tools::maventech

#endif  // SFA_TOOLS_MAVENTECH_IMPORT_CATALOGUE_H_
