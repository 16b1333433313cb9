#include "tools/sfa/render.h"

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sfa::tools::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

template <typename T>
T Parse(const std::string& text) {
  T message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &message)) << text;
  return message;
}

TEST(RenderTest, PricingShowsEachLinesWaterfallAndTheTotals) {
  auto priced = Parse<quote::v1::PriceQuoteResponse>(R"pb(
    price_book_id: "maventech-usd"
    pricing {
      lines {
        line { line_id: "1" product_id: "gtx-pro" quantity: 3 manual_discount_bp: 1000 }
        list_unit_price { minor_units: 482100 currency: "USD" }
        waterfall {
          step: "list"
          rule: "price_book:maventech-usd"
          amount { minor_units: 1446300 currency: "USD" }
        }
        waterfall {
          step: "manual"
          rule: "manual:1000bp"
          amount { minor_units: 1301670 currency: "USD" }
          change { minor_units: -144630 currency: "USD" }
        }
        waterfall {
          step: "net"
          amount { minor_units: 1301670 currency: "USD" }
        }
        net_amount { minor_units: 1301670 currency: "USD" }
      }
      lines {
        line { line_id: "2" product_id: "mg-special" quantity: 10 }
        list_unit_price { minor_units: 5500 currency: "USD" }
        waterfall {
          step: "list"
          rule: "price_book:maventech-usd"
          amount { minor_units: 55000 currency: "USD" }
        }
        waterfall {
          step: "net"
          amount { minor_units: 55000 currency: "USD" }
        }
        net_amount { minor_units: 55000 currency: "USD" }
      }
      totals {
        list_total { minor_units: 1501300 currency: "USD" }
        manual_discount { minor_units: 144630 currency: "USD" }
        net_total { minor_units: 1356670 currency: "USD" }
        discount_bp: 963
      }
    })pb");
  EXPECT_EQ(RenderPricing(priced.pricing(), priced.price_book_id()),
            "LINE  ITEM        QTY     UNIT LIST  STEP    RULE                             CHANGE         AMOUNT\n"
            "1     gtx-pro       3  4,821.00 USD  list    price_book:maventech-usd                 14,463.00 USD\n"
            "                                     manual  manual:1000bp             -1,446.30 USD  13,016.70 USD\n"
            "                                     net                                              13,016.70 USD\n"
            "2     mg-special   10     55.00 USD  list    price_book:maventech-usd                    550.00 USD\n"
            "                                     net                                                 550.00 USD\n"
            "\n"
            "price book:      maventech-usd\n"
            "list total:      15,013.00 USD\n"
            "manual discount: -1,446.30 USD\n"
            "net total:       13,566.70 USD\n"
            "discount:        9.63%\n");
}

TEST(RenderTest, PipelineReportTotalsByStageAndCategory) {
  auto report = Parse<analytics::v1::GetPipelineResponse>(R"pb(
    as_of { seconds: 1514678400 }
    count: 3
    amount { minor_units: 1000000 currency: "USD" }
    weighted_amount { minor_units: 240000 currency: "USD" }
    by_stage {
      key: "prospecting"
      count: 2
      amount { minor_units: 600000 currency: "USD" }
      weighted_amount { minor_units: 60000 currency: "USD" }
    }
    by_stage {
      key: "engaging"
      count: 1
      amount { minor_units: 400000 currency: "USD" }
      weighted_amount { minor_units: 180000 currency: "USD" }
    }
    by_forecast_category {
      key: "FORECAST_CATEGORY_BEST_CASE"
      count: 1
      amount { minor_units: 400000 currency: "USD" }
      weighted_amount { minor_units: 180000 currency: "USD" }
    })pb");
  EXPECT_EQ(RenderPipelineReport(report),
            "open pipeline as of 2017-12-31\n"
            "\n"
            "STAGE        DEALS         AMOUNT      WEIGHTED\n"
            "prospecting      2   6,000.00 USD    600.00 USD\n"
            "engaging         1   4,000.00 USD  1,800.00 USD\n"
            "TOTAL            3  10,000.00 USD  2,400.00 USD\n"
            "\n"
            "FORECAST CATEGORY  DEALS        AMOUNT      WEIGHTED\n"
            "BEST_CASE              1  4,000.00 USD  1,800.00 USD\n");
}

TEST(RenderTest, ListsEndWithTheirCountAndHowToContinue) {
  auto leads = Parse<lead::v1::ListLeadsResponse>(R"pb(
    leads {
      lead_id: "L1"
      status: LEAD_STATUS_NEW
      person { name: "Ada" }
      source { channel: "Google" }
      scores { fit: 40 behaviour: 12.25 predictive_probability: 0.8123 }
    }
    next_page_token: "tok")pb");
  const std::string out = RenderLeads(leads);
  EXPECT_THAT(out, HasSubstr("L1    NEW     Ada   -        Google   -"));
  EXPECT_THAT(out, HasSubstr("81.2%"));
  EXPECT_THAT(out, HasSubstr("1 lead; more with --page-token tok\n"));
}

TEST(RenderTest, QuoteListsShowTheLatestVersionAndDashesWithoutPricing) {
  auto quotes = Parse<quote::v1::ListQuotesResponse>(R"pb(
    quotes {
      quote_id: "q1"
      latest_version: 2
      opportunity_id: "deal-1"
      status: QUOTE_STATUS_DRAFT
      valid_until { seconds: 1488326400 }
    })pb");
  EXPECT_EQ(RenderQuotes(quotes),
            "QUOTE  VER  NAME  OPPORTUNITY  ACCOUNT  STATUS  NET  DISCOUNT  VALID UNTIL\n"
            "q1       2  -     deal-1       -        DRAFT     -         -  2017-03-01\n"
            "1 quote\n");
}

TEST(RenderTest, OpportunityShowsItsStageHistory) {
  auto opp = Parse<opportunity::v1::Opportunity>(R"pb(
    opportunity_id: "deal-1"
    name: "Globex servers"
    pipeline_id: "sales"
    pipeline_version: 1
    stage_id: "engaging"
    stage_name: "Engaging"
    status: OPPORTUNITY_STATUS_OPEN
    amount { minor_units: 482100 currency: "USD" }
    probability_percent: 60
    forecast_category: FORECAST_CATEGORY_BEST_CASE
    stage_history {
      stage_id: "prospecting"
      stage_name: "Prospecting"
      entered_at { seconds: 1488326400 }
      left_at { seconds: 1488412800 }
      time_in_stage { seconds: 86400 }
    }
    stage_history {
      stage_id: "engaging"
      stage_name: "Engaging"
      entered_at { seconds: 1488412800 }
      time_in_stage { seconds: 43200 }
      entered_by: STAGE_CHANGE_KIND_FORWARD
    })pb");
  const std::string out = RenderOpportunity(opp);
  EXPECT_THAT(out, HasSubstr("stage:       Engaging (engaging)\n"));
  EXPECT_THAT(out, HasSubstr("amount:      4,821.00 USD\n"));
  EXPECT_THAT(out, HasSubstr("STAGE        NAME         ENTERED     LEFT        DAYS  BY\n"
                             "prospecting  Prospecting  2017-03-01  2017-03-02   1.0  -\n"
                             "engaging     Engaging     2017-03-02  (current)    0.5  FORWARD\n"));
  EXPECT_THAT(out, Not(HasSubstr("created:")));  // unset times print no line
}

TEST(RenderTest, JsonUsesProtoFieldNamesAndPrintsEveryField) {
  auto opp = Parse<opportunity::v1::GetOpportunityResponse>(R"pb(opportunity { opportunity_id: "deal-1" })pb");
  absl::StatusOr<std::string> json = ToJson(opp);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_THAT(*json, HasSubstr("\"opportunity_id\": \"deal-1\""));
  EXPECT_THAT(*json, HasSubstr("\"probability_percent\": 0"));
  opportunity::v1::GetOpportunityResponse back;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(*json, &back).ok());
  EXPECT_EQ(back.opportunity().opportunity_id(), "deal-1");
}

}  // namespace
}  // namespace sfa::tools::cli
