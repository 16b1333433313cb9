#include "lead/predictive/xeducation_features.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sfa::lead::predictive {
namespace {

using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

// Every column the mapping reads, plus one it must ignore.
std::vector<std::string> Header() {
  std::vector<std::string> header = {"Lead Number",
                                     "Converted",
                                     "Lead Source",
                                     "Lead Origin",
                                     "Country",
                                     "City",
                                     "TotalVisits",
                                     "Total Time Spent on Website",
                                     "Page Views Per Visit",
                                     "Tags"};
  for (const XEducationAttribute& attribute : kXEducationAttributes) {
    if (attribute.column != "Last Activity") header.emplace_back(attribute.column);
  }
  header.emplace_back("Last Activity");
  return header;
}

XEducationRow Row(std::vector<std::pair<std::string, std::string>> values) {
  XEducationRow row{.line = 2};
  for (const std::string& column : Header()) row.columns[column] = "";
  row.columns["Lead Number"] = "660737";
  row.columns["Converted"] = "0";
  for (auto& [column, value] : values) row.columns[column] = std::move(value);
  return row;
}

std::vector<std::pair<v1::EngagementKind, std::pair<int64_t, int64_t>>> EngagementOf(const Example& example) {
  std::vector<std::pair<v1::EngagementKind, std::pair<int64_t, int64_t>>> totals;
  for (const v1::EngagementTotal& total : example.features.engagement()) {
    totals.push_back({total.kind(), {total.count(), total.duration_seconds()}});
  }
  return totals;
}

TEST(XEducationCsvTest, ParsesQuotedFieldsAndKeepsLines) {
  const std::string header = absl::StrJoin(Header(), ",");
  const std::string text =
      absl::StrCat("\xEF\xBB\xBF", header, "\r\n", "1,1,\"Olark, Chat\",API,India,Mumbai,5,674,2.5,\"say \"\"hi\"\"\"",
                   std::string(Header().size() - 10, ','), "\r\n", "2,0,\"two\nlines\",API,,,,,,",
                   std::string(Header().size() - 10, ','), "\n");
  absl::StatusOr<std::vector<XEducationRow>> rows = ParseXEducationCsv(text);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].line, 2);
  EXPECT_EQ((*rows)[0].Get("Lead Source"), "Olark, Chat");
  EXPECT_EQ((*rows)[0].Get("Tags"), "say \"hi\"");
  EXPECT_EQ((*rows)[1].line, 3);
  EXPECT_EQ((*rows)[1].Get("Lead Source"), "two\nlines");
  EXPECT_EQ((*rows)[1].Get("No such column"), "");
}

TEST(XEducationCsvTest, RefusesBrokenFiles) {
  const std::string header = absl::StrJoin(Header(), ",");
  const auto error = [](const std::string& text) { return ParseXEducationCsv(text).status(); };
  EXPECT_EQ(error("").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(error("Lead Number,Converted\n1,0\n").message(), HasSubstr("the header lacks"));
  EXPECT_THAT(error(absl::StrCat(header, "\n1,0\n")).message(), HasSubstr("line 2: 2 fields"));
  EXPECT_THAT(error(absl::StrCat(header, "\n\"1,0\n")).message(), HasSubstr("line 2: a quoted field is not closed"));
  EXPECT_EQ(ReadXEducationCsv("/nonexistent/Leads.csv").status().code(), absl::StatusCode::kNotFound);
}

TEST(XEducationExampleTest, MapsSourceCompanyAndAttributes) {
  absl::StatusOr<Example> example = XEducationExample(Row({{"Converted", "1"},
                                                           {"Lead Source", " Google "},
                                                           {"Lead Origin", "API"},
                                                           {"Country", "India"},
                                                           {"City", "Select"},
                                                           {"What is your current occupation", "Student"},
                                                           {"Specialization", "Select"},
                                                           {"Do Not Email", "No"},
                                                           {"Last Activity", "SMS Sent"},
                                                           {"Tags", "Will revert after reading the email"}}));
  ASSERT_TRUE(example.ok()) << example.status();
  EXPECT_EQ(example->lead_id, "xedu-660737");
  EXPECT_TRUE(example->converted);
  EXPECT_EQ(example->features.source().channel(), "Google");
  EXPECT_EQ(example->features.source().origin(), "API");
  EXPECT_EQ(example->features.company().country(), "India");
  EXPECT_EQ(example->features.company().city(), "");
  EXPECT_THAT(example->features.attributes(),
              UnorderedElementsAre(Pair("occupation", "Student"), Pair("do_not_email", "No"),
                                   Pair("last_activity", "SMS Sent")));
  EXPECT_FALSE(example->features.has_age());
}

TEST(XEducationExampleTest, MapsVisitsPageViewsAndTheLastActivity) {
  const auto engagement = [](std::vector<std::pair<std::string, std::string>> values) {
    absl::StatusOr<Example> example = XEducationExample(Row(std::move(values)));
    EXPECT_TRUE(example.ok()) << example.status();
    return example.ok() ? EngagementOf(*example) : decltype(EngagementOf(*example)){};
  };
  using Totals = std::vector<std::pair<v1::EngagementKind, std::pair<int64_t, int64_t>>>;
  // 5 visits × 2.5 page views = 12.5 → 13, plus the page visit of Last Activity.
  EXPECT_EQ(engagement({{"TotalVisits", "5"},
                        {"Total Time Spent on Website", "674"},
                        {"Page Views Per Visit", "2.5"},
                        {"Last Activity", "Page Visited on Website"}}),
            (Totals{{v1::ENGAGEMENT_KIND_PAGE_VIEW, {14, 0}}, {v1::ENGAGEMENT_KIND_VISIT, {5, 674}}}));
  EXPECT_EQ(engagement({{"TotalVisits", "0"},
                        {"Total Time Spent on Website", "0"},
                        {"Page Views Per Visit", "0"},
                        {"Last Activity", "Email Opened"}}),
            (Totals{{v1::ENGAGEMENT_KIND_EMAIL_OPEN, {1, 0}}}));
  EXPECT_EQ(engagement({{"TotalVisits", ""},
                        {"Total Time Spent on Website", "1532"},
                        {"Page Views Per Visit", ""},
                        {"Last Activity", "Visited Booth in Tradeshow"}}),
            (Totals{{v1::ENGAGEMENT_KIND_VISIT, {1, 0}}}));
  EXPECT_EQ(engagement({{"TotalVisits", "NaN"}, {"Last Activity", ""}}), Totals{});
}

TEST(XEducationExampleTest, ActivityKinds) {
  EXPECT_EQ(XEducationActivityKind("Email Opened"), v1::ENGAGEMENT_KIND_EMAIL_OPEN);
  EXPECT_EQ(XEducationActivityKind("Email Link Clicked"), v1::ENGAGEMENT_KIND_EMAIL_CLICK);
  EXPECT_EQ(XEducationActivityKind("Form Submitted on Website"), v1::ENGAGEMENT_KIND_FORM_SUBMIT);
  EXPECT_EQ(XEducationActivityKind("Converted to Lead"), v1::ENGAGEMENT_KIND_FORM_SUBMIT);
  EXPECT_EQ(XEducationActivityKind("Olark Chat Conversation"), v1::ENGAGEMENT_KIND_CHAT);
  EXPECT_EQ(XEducationActivityKind("Had a Phone Conversation"), v1::ENGAGEMENT_KIND_CALL);
  EXPECT_EQ(XEducationActivityKind("Page Visited on Website"), v1::ENGAGEMENT_KIND_PAGE_VIEW);
  EXPECT_EQ(XEducationActivityKind("Visited Booth in Tradeshow"), v1::ENGAGEMENT_KIND_VISIT);
  EXPECT_EQ(XEducationActivityKind("SMS Sent"), v1::ENGAGEMENT_KIND_OTHER);
  EXPECT_EQ(XEducationActivityKind(" "), v1::ENGAGEMENT_KIND_UNSPECIFIED);
}

TEST(XEducationExampleTest, RefusesRowsWithoutIdOrLabel) {
  EXPECT_EQ(XEducationExample(Row({{"Lead Number", ""}})).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(XEducationExample(Row({{"Converted", "yes"}})).status().message(),
              HasSubstr("line 2: Converted is \"yes\""));
}

}  // namespace
}  // namespace sfa::lead::predictive
