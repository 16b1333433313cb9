// Renderers for the quote service: the pricing waterfall, quotes, products and price books.

#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/sfa/money.h"
#include "tools/sfa/render.h"
#include "tools/sfa/table.h"
#include "tools/sfa/values.h"

namespace sfa::tools::cli {
namespace {

namespace qv1 = ::sfa::quote::v1;

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

// A step's change with its sign ("-1,446.30 USD", "+120.00 USD"); blank when the step changed nothing and
// for the list price, where the line starts.
std::string Change(const qv1::PricingStep& step) {
  if (step.step() == "list" || !step.has_change() || step.change().minor_units() == 0) return "";
  return absl::StrCat(step.change().minor_units() > 0 ? "+" : "", FormatMoney(step.change()));
}

std::string Item(const qv1::QuoteLine& line) {
  return line.sku_id().empty() ? line.product_id() : absl::StrCat(line.product_id(), "/", line.sku_id());
}

std::string Scope(const qv1::PriceBookScope& scope) {
  if (scope.all()) return "all";
  std::vector<std::string> parts;
  if (scope.account_ids_size() > 0) parts.push_back("accounts " + absl::StrJoin(scope.account_ids(), ","));
  if (scope.industries_size() > 0) parts.push_back("industries " + absl::StrJoin(scope.industries(), ","));
  if (scope.regions_size() > 0) parts.push_back("regions " + absl::StrJoin(scope.regions(), ","));
  return parts.empty() ? "none" : absl::StrJoin(parts, "; ");
}

std::string Tiers(const qv1::PriceBookEntry& entry) {
  if (entry.tiers_size() == 0) return "-";
  std::vector<std::string> tiers;
  for (const qv1::PriceTier& t : entry.tiers()) {
    tiers.push_back(absl::StrCat(
        ">=", t.min_quantity(), " ",
        t.has_unit_price() ? FormatMoney(t.unit_price()) : absl::StrCat("-", FormatBasisPoints(t.percent_off_bp()))));
  }
  return absl::StrCat(Label(entry.tier_mode()), " ", absl::StrJoin(tiers, ", "));
}

}  // namespace

std::string RenderPricing(const qv1::Pricing& pricing, const std::string& price_book_id) {
  Table lines({{"LINE"},
               {"ITEM"},
               {"QTY", Align::kRight},
               {"UNIT LIST", Align::kRight},
               {"STEP"},
               {"RULE"},
               {"CHANGE", Align::kRight},
               {"AMOUNT", Align::kRight}});
  for (const qv1::PricedLine& pl : pricing.lines()) {
    bool first = true;
    for (const qv1::PricingStep& step : pl.waterfall()) {
      if (first) {
        lines.AddRow({pl.line().line_id(), Item(pl.line()), absl::StrCat(pl.line().quantity()),
                      FormatMoney(pl.list_unit_price()), step.step(), step.rule(), Change(step),
                      FormatMoney(step.amount())});
      } else {
        lines.AddRow({"", "", "", "", step.step(), step.rule(), Change(step), FormatMoney(step.amount())});
      }
      first = false;
    }
    if (first) {  // no waterfall: the net amount alone
      lines.AddRow({pl.line().line_id(), Item(pl.line()), absl::StrCat(pl.line().quantity()),
                    FormatMoney(pl.list_unit_price()), "net", "", "", FormatMoney(pl.net_amount())});
    }
  }
  std::string out = lines.Render();
  const qv1::QuoteTotals& t = pricing.totals();
  Details d;
  d.Add("price book", price_book_id);
  d.Add("list total", FormatMoney(t.list_total()));
  d.Add("promotions", t.has_promotion_discount() && t.promotion_discount().minor_units() != 0
                          ? absl::StrCat("-", FormatMoney(t.promotion_discount()))
                          : "");
  d.Add("manual discount", t.has_manual_discount() && t.manual_discount().minor_units() != 0
                               ? absl::StrCat("-", FormatMoney(t.manual_discount()))
                               : "");
  d.Add("net total", FormatMoney(t.net_total()));
  d.Add("discount", FormatBasisPoints(t.discount_bp()));
  d.Add("applied", absl::StrJoin(pricing.applied_promotion_ids(), ", "));
  absl::StrAppend(&out, "\n", d.Render());
  if (pricing.alternatives_size() > 0) {
    Table alternatives({{"PROMOTIONS CONSIDERED"}, {"DISCOUNT", Align::kRight}, {"REFUSED BECAUSE"}});
    for (const qv1::PromotionCombination& c : pricing.alternatives()) {
      alternatives.AddRow(
          {OrDash(absl::StrJoin(c.promotion_ids(), "+")), FormatMoney(c.discount()), OrDash(c.refused_because())});
    }
    absl::StrAppend(&out, "\n", alternatives.Render());
  }
  return out;
}

std::string RenderQuote(const qv1::Quote& q) {
  Details d;
  d.Add("quote", q.quote_id());
  d.Add("quote version", absl::StrCat(q.quote_version(), " of ", q.latest_version()));
  d.Add("name", q.name());
  d.Add("opportunity", q.opportunity_id());
  d.Add("account", q.account_id());
  d.Add("status", Label(q.status()));
  d.Add("currency", q.currency());
  d.Add("valid until", q.has_valid_until() ? FormatDate(q.valid_until()) : "");
  d.Add("approvers", absl::StrJoin(q.required_approver_roles(), " -> "));
  if (!q.cloned_from_quote_id().empty()) {
    d.Add("cloned from", absl::StrCat(q.cloned_from_quote_id(), " v", q.cloned_from_version()));
  }
  d.Add("order", q.order_id());
  d.Add("declined", q.decline_reason());
  d.Add("version", absl::StrCat(q.version()));
  d.Add("created", q.has_created_at() ? FormatTime(q.created_at()) : "");
  d.Add("updated", q.has_updated_at() ? FormatTime(q.updated_at()) : "");
  std::string out = d.Render();
  if (q.approvals_size() > 0) {
    Table approvals({{"APPROVAL"}, {"BY"}, {"DECISION"}, {"WHEN"}, {"COMMENT"}});
    for (const qv1::ApprovalStep& a : q.approvals()) {
      approvals.AddRow({a.role(), OrDash(a.approver_user_id()), Label(a.decision()),
                        a.has_decided_at() ? FormatTime(a.decided_at()) : "-", a.comment()});
    }
    absl::StrAppend(&out, "\n", approvals.Render());
  }
  std::string book;
  if (q.pricing().lines_size() > 0) book = q.pricing().lines(0).price_book_id();
  absl::StrAppend(&out, "\n", RenderPricing(q.pricing(), book));
  return out;
}

std::string RenderQuotes(const qv1::ListQuotesResponse& response) {
  Table t({{"QUOTE"},
           {"VER", Align::kRight},
           {"NAME"},
           {"OPPORTUNITY"},
           {"ACCOUNT"},
           {"STATUS"},
           {"NET", Align::kRight},
           {"DISCOUNT", Align::kRight},
           {"VALID UNTIL"}});
  // ListQuotes answers summaries: the latest version's number, no quote_version and no pricing (then "-").
  for (const qv1::Quote& q : response.quotes()) {
    const bool priced = q.has_pricing();
    t.AddRow({q.quote_id(), absl::StrCat(q.quote_version() > 0 ? q.quote_version() : q.latest_version()),
              OrDash(q.name()), q.opportunity_id(), OrDash(q.account_id()), Label(q.status()),
              priced ? FormatMoney(q.pricing().totals().net_total()) : "-",
              priced ? FormatBasisPoints(q.pricing().totals().discount_bp()) : "-", FormatDate(q.valid_until())});
  }
  return t.Render() + ListFooter(response.quotes_size(), "quote", "quotes", response.next_page_token());
}

std::string RenderProduct(const qv1::GetProductResponse& response) {
  const qv1::Product& p = response.product();
  Details d;
  d.Add("product", p.product_id());
  d.Add("name", p.name());
  d.Add("series", p.series());
  d.Add("active", p.active() ? "yes" : "no");
  for (const qv1::AttributeDefinition& a : p.attributes()) {
    d.Add(absl::StrCat("attribute ", a.name()), absl::StrJoin(a.values(), ", "));
  }
  for (const qv1::BundleComponent& c : p.components()) {
    d.Add("component", absl::StrCat(c.sku_id().empty() ? c.product_id() : c.product_id() + "/" + c.sku_id(), " x",
                                    c.min_quantity(), "-", c.max_quantity(), c.required() ? " (required)" : ""));
  }
  d.Add("version", absl::StrCat(p.version()));
  std::string out = d.Render();
  if (response.skus_size() > 0) {
    Table skus({{"SKU"}, {"NAME"}, {"ATTRIBUTES"}, {"ACTIVE"}});
    for (const qv1::Sku& s : response.skus()) {
      std::map<std::string, std::string> sorted(s.attribute_values().begin(), s.attribute_values().end());
      skus.AddRow({s.sku_id(), s.name(), OrDash(absl::StrJoin(sorted, ", ", absl::PairFormatter("="))),
                   s.active() ? "yes" : "no"});
    }
    absl::StrAppend(&out, "\n", skus.Render());
  }
  return out;
}

std::string RenderProducts(const qv1::ListProductsResponse& response) {
  Table t({{"PRODUCT"}, {"NAME"}, {"SERIES"}, {"ATTRIBUTES"}, {"BUNDLE"}, {"ACTIVE"}});
  for (const qv1::Product& p : response.products()) {
    t.AddRow({p.product_id(), p.name(), OrDash(p.series()),
              OrDash(absl::StrJoin(p.attributes(), ", ",
                                   [](std::string* o, const qv1::AttributeDefinition& a) { o->append(a.name()); })),
              p.components_size() > 0 ? absl::StrCat(p.components_size(), " components") : "-",
              p.active() ? "yes" : "no"});
  }
  return t.Render() + ListFooter(response.products_size(), "product", "products", response.next_page_token());
}

std::string RenderPriceBook(const qv1::PriceBook& b) {
  Details d;
  d.Add("price book", b.price_book_id());
  d.Add("name", b.name());
  d.Add("currency", b.currency());
  d.Add("priority", absl::StrCat(b.priority()));
  d.Add("scope", Scope(b.scope()));
  d.Add("valid", absl::StrCat(b.has_valid_from() ? FormatDate(b.valid_from()) : "always", " .. ",
                              b.has_valid_to() ? FormatDate(b.valid_to()) : "open"));
  d.Add("active", b.active() ? "yes" : "no");
  d.Add("version", absl::StrCat(b.version()));
  std::string out = d.Render();
  Table t({{"PRODUCT"}, {"SKU"}, {"LIST PRICE", Align::kRight}, {"TIERS"}, {"ADJUSTMENTS", Align::kRight}});
  for (const qv1::PriceBookEntry& e : b.entries()) {
    t.AddRow({e.product_id(), OrDash(e.sku_id()), FormatMoney(e.list_price()), Tiers(e),
              absl::StrCat(e.adjustments_size())});
  }
  return absl::StrCat(out, "\n", t.Render());
}

std::string RenderPriceBooks(const qv1::ListPriceBooksResponse& response) {
  Table t({{"PRICE BOOK"},
           {"NAME"},
           {"CURRENCY"},
           {"PRIORITY", Align::kRight},
           {"SCOPE"},
           {"ENTRIES", Align::kRight},
           {"ACTIVE"}});
  for (const qv1::PriceBook& b : response.price_books()) {
    t.AddRow({b.price_book_id(), b.name(), b.currency(), absl::StrCat(b.priority()), Scope(b.scope()),
              absl::StrCat(b.entries_size()), b.active() ? "yes" : "no"});
  }
  return t.Render() + ListFooter(response.price_books_size(), "price book", "price books", response.next_page_token());
}

}  // namespace sfa::tools::cli
