// sfa quote create | get | list | price, sfa product upsert | get | list, sfa pricebook upsert | get | list:
// the QuoteService's quotes, pricing preview and catalogue.

#include <memory>

#include "absl/strings/str_split.h"
#include "tools/sfa/command.h"
#include "tools/sfa/render.h"

namespace sfa::tools::cli {
namespace {

namespace qv1 = ::sfa::quote::v1;
using Stub = qv1::QuoteService::Stub;

constexpr Service kSvc = Service::kQuote;
constexpr char kLineHelp[] = "Basket line PRODUCT[/SKU]:QTY[:DISCOUNT], e.g. gtx-pro:3 or gtx-pro:3:10% (repeatable)";

// --line values into the request's lines, numbered 1, 2, ... as typed; false after a usage error.
bool AddLines(Invocation& inv, const std::vector<std::string>& texts,
              google::protobuf::RepeatedPtrField<qv1::QuoteLine>* lines, int* code) {
  for (const std::string& text : texts) {
    absl::StatusOr<qv1::QuoteLine> line = ParseQuoteLine(text);
    if (!line.ok()) {
      *code = UsageError(inv, line.status());
      return false;
    }
    line->set_line_id(absl::StrCat(lines->size() + 1));
    *lines->Add() = *std::move(line);
  }
  return true;
}

struct PriceFlags {
  std::vector<std::string> lines;
  std::string currency, account, industry, region, price_book, date;
};

int Price(Invocation& inv, const PriceFlags& f) {
  qv1::PriceQuoteRequest r;
  r.set_currency(f.currency);
  r.set_account_id(f.account);
  r.set_industry(f.industry);
  r.set_region(f.region);
  r.set_price_book_id(f.price_book);
  int code = 0;
  if (!AddLines(inv, f.lines, r.mutable_lines(), &code) ||
      !SetTime(
          inv, f.date, "--date", [&] { return r.mutable_date(); }, &code)) {
    return code;
  }
  return CallAndPrint(inv, kSvc, inv.client.quote(), &Stub::PriceQuote, r, [](const qv1::PriceQuoteResponse& resp) {
    return RenderPricing(resp.pricing(), resp.price_book_id());
  });
}

struct CreateFlags {
  std::string id, name, opportunity, currency, price_book, valid_until;
  std::vector<std::string> lines;
};

int Create(Invocation& inv, const CreateFlags& f) {
  qv1::CreateQuoteRequest r;
  r.set_request_id(inv.client.request_id());
  r.set_quote_id(f.id);
  r.set_name(f.name);
  r.set_opportunity_id(f.opportunity);
  r.set_currency(f.currency);
  r.set_price_book_id(f.price_book);
  int code = 0;
  if (!AddLines(inv, f.lines, r.mutable_lines(), &code) ||
      !SetTime(
          inv, f.valid_until, "--valid-until", [&] { return r.mutable_valid_until(); }, &code)) {
    return code;
  }
  return CallAndPrint(inv, kSvc, inv.client.quote(), &Stub::CreateQuote, r,
                      [](const qv1::CreateQuoteResponse& resp) { return RenderQuote(resp.quote()); });
}

struct ProductFlags {
  std::string id, name, series;
  bool inactive = false;
  uint64_t expected_version = 0;
};

struct PriceBookFlags {
  std::string id, name, currency, valid_from, valid_to;
  int priority = 0;
  std::vector<std::string> prices, accounts, industries, regions;
  bool inactive = false;
  uint64_t expected_version = 0;
};

int UpsertPriceBook(Invocation& inv, const PriceBookFlags& f) {
  qv1::UpsertPriceBookRequest r;
  r.set_request_id(inv.client.request_id());
  r.set_expected_version(f.expected_version);
  qv1::PriceBook* b = r.mutable_price_book();
  b->set_price_book_id(f.id);
  b->set_name(f.name.empty() ? f.id : f.name);
  b->set_currency(f.currency);
  b->set_priority(f.priority);
  b->set_active(!f.inactive);
  qv1::PriceBookScope* scope = b->mutable_scope();
  for (const std::string& a : f.accounts) scope->add_account_ids(a);
  for (const std::string& i : f.industries) scope->add_industries(i);
  for (const std::string& g : f.regions) scope->add_regions(g);
  scope->set_all(scope->account_ids_size() + scope->industries_size() + scope->regions_size() == 0);
  int code = 0;
  for (const std::string& price : f.prices) {
    std::pair<std::string, std::string> kv = absl::StrSplit(price, absl::MaxSplits('=', 1));
    qv1::PriceBookEntry* e = b->add_entries();
    const size_t slash = kv.first.find('/');
    e->set_product_id(kv.first.substr(0, slash));
    if (slash != std::string::npos) e->set_sku_id(kv.first.substr(slash + 1));
    if (kv.first.empty() || kv.second.empty()) {
      return UsageError(inv, absl::InvalidArgumentError(absl::StrCat(
                                 "--price \"", price, "\": expected PRODUCT[/SKU]=AMOUNT, e.g. gtx-pro=4821")));
    }
    if (!SetMoney(
            inv, kv.second, f.currency, "--price", [&] { return e->mutable_list_price(); }, &code))
      return code;
  }
  if (!SetTime(
          inv, f.valid_from, "--valid-from", [&] { return b->mutable_valid_from(); }, &code) ||
      !SetTime(
          inv, f.valid_to, "--valid-to", [&] { return b->mutable_valid_to(); }, &code)) {
    return code;
  }
  return CallAndPrint(inv, kSvc, inv.client.quote(), &Stub::UpsertPriceBook, r,
                      [](const qv1::UpsertPriceBookResponse& resp) { return RenderPriceBook(resp.price_book()); });
}

}  // namespace

void AddQuoteCommands(CLI::App& app, CommandSlot* slot) {
  CLI::App* quote = app.add_subcommand("quote", "Quotes (quote service): price a basket, create, get, list");
  quote->require_subcommand(1);

  auto pf = std::make_shared<PriceFlags>();
  CLI::App* price = quote->add_subcommand(
      "price", "Price a basket, line by line with its waterfall; changes nothing (QuoteService.PriceQuote)");
  price->add_option("--line", pf->lines, kLineHelp)->required()->take_all();
  price->add_option("--currency", pf->currency,
                    "ISO 4217 code; picks the price book with --account/--industry/--region");
  price->add_option("--account", pf->account, "Account id (price-book scope)");
  price->add_option("--industry", pf->industry, "Industry (price-book scope)");
  price->add_option("--region", pf->region, "Region (price-book scope)");
  price->add_option("--price-book", pf->price_book, "Use this price book");
  price->add_option("--date", pf->date, "Pricing date; default now");
  OnRun(price, slot, kSvc, [pf](Invocation& inv) { return Price(inv, *pf); });

  auto cf = std::make_shared<CreateFlags>();
  CLI::App* create = quote->add_subcommand("create", "Create a quote for an opportunity (QuoteService.CreateQuote)");
  create->add_option("--opportunity", cf->opportunity, "Opportunity id (its account is read from it)")->required();
  create->add_option("--line", cf->lines, kLineHelp)->required()->take_all();
  create->add_option("--currency", cf->currency, "ISO 4217 code");
  create->add_option("--name", cf->name, "Quote name");
  create->add_option("--id", cf->id, "Quote id; empty = the service generates one");
  create->add_option("--price-book", cf->price_book, "Use this price book");
  create->add_option("--valid-until", cf->valid_until, "Default: 30 days after creation");
  OnRun(create, slot, kSvc, [cf](Invocation& inv) { return Create(inv, *cf); });

  auto id = std::make_shared<std::string>();
  auto version = std::make_shared<uint64_t>(0);
  CLI::App* get = quote->add_subcommand("get", "A quote with its priced lines (QuoteService.GetQuote)");
  get->add_option("ID", *id, "Quote id")->required();
  get->add_option("--version", *version, "Quote version; default: the latest");
  OnRun(get, slot, kSvc, [id, version](Invocation& inv) {
    qv1::GetQuoteRequest r;
    r.set_quote_id(*id);
    r.set_quote_version(*version);
    return CallAndPrint(inv, kSvc, inv.client.quote(), &Stub::GetQuote, r,
                        [](const qv1::GetQuoteResponse& resp) { return RenderQuote(resp.quote()); });
  });

  struct ListQuoteFlags {
    std::string opportunity, status;
    ListFlags list;
  };
  auto lf = std::make_shared<ListQuoteFlags>();
  CLI::App* list = quote->add_subcommand("list", "Quotes (QuoteService.ListQuotes)");
  list->add_option("--opportunity", lf->opportunity, "Only this opportunity's");
  list->add_option("--status", lf->status,
                   "Only " + EnumChoices(google::protobuf::GetEnumDescriptor<qv1::QuoteStatus>()));
  AddListFlags(list, &lf->list);
  OnRun(list, slot, kSvc, [lf](Invocation& inv) {
    qv1::ListQuotesRequest r;
    r.set_opportunity_id(lf->opportunity);
    int code = 0;
    qv1::QuoteStatus status = qv1::QUOTE_STATUS_UNSPECIFIED;
    if (!ParseIfGiven(
            inv, lf->status, [](const std::string& s) { return ParseEnumAs<qv1::QuoteStatus>(s, "--status"); }, &status,
            &code)) {
      return code;
    }
    r.set_status(status);
    return ListAndPrint(inv, kSvc, inv.client.quote(), &Stub::ListQuotes, r, lf->list,
                        [](const qv1::ListQuotesResponse& resp) { return RenderQuotes(resp); });
  });
}

void AddCatalogueCommands(CLI::App& app, CommandSlot* slot) {
  CLI::App* product = app.add_subcommand("product", "Catalogue products (quote service): upsert, get, list");
  product->require_subcommand(1);

  auto uf = std::make_shared<ProductFlags>();
  CLI::App* upsert =
      product->add_subcommand("upsert", "Create or replace a product without attributes (UpsertProduct)");
  upsert->add_option("--id", uf->id, "Product id")->required();
  upsert->add_option("--name", uf->name, "Name; default: the id");
  upsert->add_option("--series", uf->series, "Series");
  upsert->add_flag("--inactive", uf->inactive, "Mark it inactive");
  upsert->add_option("--expected-version", uf->expected_version, "Refuse (ABORTED) unless at this version");
  OnRun(upsert, slot, kSvc, [uf](Invocation& inv) {
    qv1::UpsertProductRequest r;
    r.set_request_id(inv.client.request_id());
    r.set_expected_version(uf->expected_version);
    qv1::Product* p = r.mutable_product();
    p->set_product_id(uf->id);
    p->set_name(uf->name.empty() ? uf->id : uf->name);
    p->set_series(uf->series);
    p->set_active(!uf->inactive);
    return CallAndPrint(inv, kSvc, inv.client.quote(), &Stub::UpsertProduct, r,
                        [](const qv1::UpsertProductResponse& resp) {
                          qv1::GetProductResponse view;
                          *view.mutable_product() = resp.product();
                          return RenderProduct(view);
                        });
  });

  auto id = std::make_shared<std::string>();
  CLI::App* get = product->add_subcommand("get", "A product and its SKUs (GetProduct)");
  get->add_option("ID", *id, "Product id")->required();
  OnRun(get, slot, kSvc, [id](Invocation& inv) {
    qv1::GetProductRequest r;
    r.set_product_id(*id);
    return CallAndPrint(inv, kSvc, inv.client.quote(), &Stub::GetProduct, r,
                        [](const qv1::GetProductResponse& resp) { return RenderProduct(resp); });
  });

  auto series = std::make_shared<std::string>();
  auto product_list = std::make_shared<ListFlags>();
  CLI::App* list = product->add_subcommand("list", "Products (ListProducts)");
  list->add_option("--series", *series, "Only this series");
  AddListFlags(list, product_list.get());
  OnRun(list, slot, kSvc, [series, product_list](Invocation& inv) {
    qv1::ListProductsRequest r;
    r.set_series(*series);
    return ListAndPrint(inv, kSvc, inv.client.quote(), &Stub::ListProducts, r, *product_list,
                        [](const qv1::ListProductsResponse& resp) { return RenderProducts(resp); });
  });

  CLI::App* book = app.add_subcommand("pricebook", "Price books (quote service): upsert, get, list");
  book->require_subcommand(1);

  auto bf = std::make_shared<PriceBookFlags>();
  CLI::App* book_upsert = book->add_subcommand(
      "upsert", "Create or replace a price book with list prices (UpsertPriceBook); no tiers or adjustments");
  book_upsert->add_option("--id", bf->id, "Price book id")->required();
  book_upsert->add_option("--currency", bf->currency, "ISO 4217 code of every price")->required();
  book_upsert->add_option("--price", bf->prices, "PRODUCT[/SKU]=AMOUNT list price (repeatable), e.g. gtx-pro=4821")
      ->take_all();
  book_upsert->add_option("--name", bf->name, "Name; default: the id");
  book_upsert->add_option("--priority", bf->priority, "Highest wins among valid, in-scope books");
  book_upsert->add_option("--account", bf->accounts, "Scope: these accounts (repeatable); no scope flag = all");
  book_upsert->add_option("--industry", bf->industries, "Scope: these industries (repeatable)");
  book_upsert->add_option("--region", bf->regions, "Scope: these regions (repeatable)");
  book_upsert->add_option("--valid-from", bf->valid_from, "Valid from (inclusive)");
  book_upsert->add_option("--valid-to", bf->valid_to, "Valid to (exclusive)");
  book_upsert->add_flag("--inactive", bf->inactive, "Mark it inactive");
  book_upsert->add_option("--expected-version", bf->expected_version, "Refuse (ABORTED) unless at this version");
  OnRun(book_upsert, slot, kSvc, [bf](Invocation& inv) { return UpsertPriceBook(inv, *bf); });

  auto book_id = std::make_shared<std::string>();
  CLI::App* book_get = book->add_subcommand("get", "A price book and its entries (GetPriceBook)");
  book_get->add_option("ID", *book_id, "Price book id")->required();
  OnRun(book_get, slot, kSvc, [book_id](Invocation& inv) {
    qv1::GetPriceBookRequest r;
    r.set_price_book_id(*book_id);
    return CallAndPrint(inv, kSvc, inv.client.quote(), &Stub::GetPriceBook, r,
                        [](const qv1::GetPriceBookResponse& resp) { return RenderPriceBook(resp.price_book()); });
  });

  auto currency = std::make_shared<std::string>();
  auto book_list_flags = std::make_shared<ListFlags>();
  CLI::App* book_list = book->add_subcommand("list", "Price books (ListPriceBooks)");
  book_list->add_option("--currency", *currency, "Only this currency");
  AddListFlags(book_list, book_list_flags.get());
  OnRun(book_list, slot, kSvc, [currency, book_list_flags](Invocation& inv) {
    qv1::ListPriceBooksRequest r;
    r.set_currency(*currency);
    return ListAndPrint(inv, kSvc, inv.client.quote(), &Stub::ListPriceBooks, r, *book_list_flags,
                        [](const qv1::ListPriceBooksResponse& resp) { return RenderPriceBooks(resp); });
  });
}

}  // namespace sfa::tools::cli
