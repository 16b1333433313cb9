#include "tools/maventech_import/quirks.h"

namespace sfa::tools::maventech {

const std::array<QuirkInfo, kQuirkCount>& AllQuirks() {
  static constexpr std::array<QuirkInfo, kQuirkCount> kQuirks = {{
      {Quirk::kProductNameVariant, "product_name_variant",
       "pipeline product spelt differently from products.csv (GTXPro / GTX Pro)",
       "mapped to the products.csv product (same letters and digits)", true},
      {Quirk::kSectorMisspelt, "sector_misspelt", "account sector \"technolgy\"", "imported as \"technology\"", true},
      {Quirk::kDealWithoutAccount, "deal_without_account", "deal without an account",
       "created with an empty account_id", true},
      {Quirk::kProspectingWithoutDates, "prospecting_without_dates", "Prospecting deal without dates",
       "created in Prospecting at the data set's last date", true},
      {Quirk::kEngagingWithoutCloseDate, "engaging_without_close_date", "Engaging deal without close date",
       "left open in Engaging, no expected close date", true},
      {Quirk::kLostWithZeroValue, "lost_with_zero_value", "Lost deal with close_value 0",
       "amount kept at the product's sales_price", true},
      {Quirk::kAgentWithoutDeals, "agent_without_deals", "sales agent without opportunities",
       "imported as a REP and team member all the same", true},
      {Quirk::kAccountWithParent, "account_with_parent", "account with a parent (subsidiary_of)",
       "created after its parent, with parent_account_id", true},
      {Quirk::kOfficeLocationMisspelt, "office_location_misspelt", "office_location \"Philipines\"",
       "imported as region \"Philippines\"", false},
      {Quirk::kYearEstablishedNotImported, "year_established_not_imported",
       "account year_established: the Account contract has no field for it", "not imported (reported only)", false},
      {Quirk::kParentNotInAccounts, "parent_not_in_accounts", "subsidiary_of names no account of accounts.csv",
       "created as a root account", false},
      {Quirk::kManagerInSeveralRegions, "manager_in_several_regions",
       "one manager's agents in several regional offices", "team region = the first row's office", false},
      {Quirk::kProspectingWithDates, "prospecting_with_dates", "Prospecting deal with an engage or close date",
       "created at its engage date, else at the last date; close date kept as expected close", false},
      {Quirk::kOpenDealWithCloseDate, "open_deal_with_close_date", "Engaging deal with a close date",
       "close date kept as the expected close date", false},
      {Quirk::kOpenDealWithCloseValue, "open_deal_with_close_value", "open deal with a close_value",
       "ignored: the amount is the product's sales_price", false},
      {Quirk::kWonWithoutCloseValue, "won_without_close_value", "Won deal without close_value",
       "won at the product's sales_price", false},
  }};
  return kQuirks;
}

const QuirkInfo& InfoOf(Quirk quirk) { return AllQuirks()[static_cast<size_t>(quirk)]; }

}  // namespace sfa::tools::maventech
