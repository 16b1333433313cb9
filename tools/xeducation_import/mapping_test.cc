#include "tools/xeducation_import/mapping.h"

#include <google/protobuf/util/message_differencer.h>

#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/xeducation_import/columns.h"
#include "tools/xeducation_import/test_rows.h"

namespace sfa::tools::xeducation {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::MakeRow;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

std::vector<std::string> Names(const LeadPlan& plan) {
  std::vector<std::string> names;
  for (const LeadCommand& command : plan.commands) names.push_back(CommandName(command));
  return names;
}

std::vector<lv1::RecordEngagementRequest> Engagements(const LeadPlan& plan) {
  std::vector<lv1::RecordEngagementRequest> out;
  for (const LeadCommand& command : plan.commands) {
    if (const auto* e = std::get_if<lv1::RecordEngagementRequest>(&command)) out.push_back(*e);
  }
  return out;
}

TEST(MappingTest, CapturesProfileAndChannelAndLeavesSelectOut) {
  const lv1::CaptureLeadRequest capture = CaptureOf(MakeRow(testing::kRowNoVisits));
  EXPECT_EQ(capture.request_id(), "xedu:660737:capture");
  EXPECT_EQ(capture.lead_id(), "xedu-660737");
  EXPECT_EQ(capture.source().channel(), "Olark Chat");
  EXPECT_EQ(capture.source().origin(), "API");
  EXPECT_EQ(capture.source().campaign_id(), "");
  EXPECT_EQ(capture.person().name(), "X Education lead 660737");
  EXPECT_EQ(capture.person().email(), "");
  EXPECT_EQ(capture.company().country(), "");  // empty in the file
  EXPECT_EQ(capture.company().city(), "");     // "Select"
  EXPECT_EQ(capture.company().name(), "");
  EXPECT_THAT(
      capture.attributes(),
      UnorderedElementsAre(Pair("prospect_id", "7927b2df-8bba-4d29-b9a2-b6e0beafe620"), Pair("do_not_email", "No"),
                           Pair("do_not_call", "No"), Pair("occupation", "Unemployed"),
                           Pair("what_matters_most", "Better Career Prospects"), Pair("search", "No"),
                           Pair("magazine", "No"), Pair("newspaper_article", "No"), Pair("x_education_forums", "No"),
                           Pair("newspaper", "No"), Pair("digital_advertisement", "No"),
                           Pair("through_recommendations", "No"), Pair("receive_more_updates", "No"),
                           Pair("supply_chain_content", "No"), Pair("dm_content", "No"), Pair("pay_by_cheque", "No"),
                           Pair("free_copy", "No"), Pair("last_activity", "Page Visited on Website")));
}

TEST(MappingTest, AnsweredCountryCityAndSpecializationAreKept) {
  const lv1::CaptureLeadRequest capture =
      CaptureOf(MakeRow(testing::kRowVisits, {{"City", "Mumbai"},
                                              {"Specialization", "Finance Management"},
                                              {"Lead Profile", " select "},
                                              {"Lead Source", "Google"}}));
  EXPECT_EQ(capture.company().country(), "India");
  EXPECT_EQ(capture.company().city(), "Mumbai");
  EXPECT_EQ(capture.attributes().at("specialization"), "Finance Management");
  EXPECT_FALSE(capture.attributes().contains("lead_profile"));  // "Select" in any case and padding
  EXPECT_EQ(capture.source().channel(), "Google");
}

TEST(MappingTest, ColumnsThatLeakTheOutcomeAreNeverSent) {
  std::vector<std::pair<std::string, std::string>> markers;
  for (absl::string_view column : kLeakingColumns) {
    if (column != "Converted") markers.emplace_back(std::string(column), absl::StrCat("LEAK<", column, ">"));
  }
  const LeadRow row = MakeRow(testing::kRowVisits, markers);
  for (const bool held_out : {false, true}) {
    const LeadPlan marked = MapRow(row, held_out, MappingOptions(), nullptr);
    const LeadPlan real = MapRow(MakeRow(testing::kRowQuotedFree), held_out, MappingOptions(), nullptr);
    for (const LeadPlan* plan : {&marked, &real}) {
      for (const LeadCommand& command : plan->commands) {
        const std::string text = std::visit([](const auto& r) { return r.ShortDebugString(); }, command);
        EXPECT_FALSE(absl::StrContains(text, "LEAK<")) << text;
        EXPECT_FALSE(absl::StrContains(text, "Will revert")) << text;  // the real row's Tags
        EXPECT_FALSE(absl::StrContains(text, "Might be")) << text;     // its Lead Quality
        EXPECT_FALSE(absl::StrContains(text, "Medium")) << text;       // its Asymmetrique indices
        EXPECT_FALSE(absl::StrContains(text, "Modified")) << text;     // its Last Notable Activity
      }
    }
  }
  const lv1::CaptureLeadRequest capture = CaptureOf(row);
  for (const auto& [key, value] : capture.attributes()) {
    for (const absl::string_view leak : {"tags", "quality", "asymmetrique", "notable", "converted"}) {
      EXPECT_FALSE(absl::StrContains(key, leak)) << key;
    }
  }
}

TEST(MappingTest, WebsiteNumbersBecomeVisitAndPageViewEngagements) {
  QuirkCounts quirks;
  const LeadPlan plan = MapRow(MakeRow(testing::kRowVisits), /*held_out=*/true, MappingOptions(), &quirks);
  const std::vector<lv1::RecordEngagementRequest> engagements = Engagements(plan);
  ASSERT_EQ(engagements.size(), 3u);
  EXPECT_EQ(engagements[0].request_id(), "xedu:660728:visit");
  EXPECT_EQ(engagements[0].lead_id(), "xedu-660728");
  EXPECT_EQ(engagements[0].kind(), lv1::ENGAGEMENT_KIND_VISIT);
  EXPECT_EQ(engagements[0].count(), 5);
  EXPECT_EQ(engagements[0].duration_seconds(), 674);
  EXPECT_EQ(engagements[1].request_id(), "xedu:660728:page_views");
  EXPECT_EQ(engagements[1].kind(), lv1::ENGAGEMENT_KIND_PAGE_VIEW);
  EXPECT_EQ(engagements[1].count(), 13);  // round(5 x 2.5)
  EXPECT_EQ(engagements[1].duration_seconds(), 0);
  EXPECT_EQ(engagements[2].request_id(), "xedu:660728:last_activity");
  EXPECT_EQ(engagements[2].kind(), lv1::ENGAGEMENT_KIND_EMAIL_OPEN);
  EXPECT_EQ(engagements[2].count(), 1);
  EXPECT_EQ(plan.engagements, 3);
  EXPECT_EQ(quirks.Get(Quirk::kNotAnswered), 1);
  EXPECT_EQ(quirks.Get(Quirk::kMissingVisitNumbers), 0);
}

TEST(MappingTest, NoVisitsMeansOnlyTheLastActivity) {
  const LeadPlan plan = MapRow(MakeRow(testing::kRowNoVisits), true, MappingOptions(), nullptr);
  const std::vector<lv1::RecordEngagementRequest> engagements = Engagements(plan);
  ASSERT_EQ(engagements.size(), 1u);
  EXPECT_EQ(engagements[0].kind(), lv1::ENGAGEMENT_KIND_PAGE_VIEW);  // Page Visited on Website
  EXPECT_EQ(engagements[0].count(), 1);
}

TEST(MappingTest, MissingNumbersGiveNoEngagementOfThatKindAndAreReported) {
  QuirkCounts quirks;
  const LeadPlan empty = MapRow(MakeRow(testing::kRowMissingNumbers), true, MappingOptions(), &quirks);
  EXPECT_THAT(Engagements(empty), IsEmpty());
  EXPECT_THAT(Names(empty), ElementsAre("CaptureLead"));
  EXPECT_EQ(quirks.Get(Quirk::kMissingVisitNumbers), 1);
  EXPECT_EQ(quirks.Get(Quirk::kMissingLastActivity), 1);

  const LeadPlan nan =
      MapRow(MakeRow(testing::kRowVisits, {{"Page Views Per Visit", "NaN"}}), true, MappingOptions(), &quirks);
  ASSERT_EQ(Engagements(nan).size(), 2u);  // VISIT and the last activity
  EXPECT_EQ(Engagements(nan)[0].kind(), lv1::ENGAGEMENT_KIND_VISIT);
  EXPECT_EQ(quirks.Get(Quirk::kMissingPageViews), 1);

  const LeadPlan text =
      MapRow(MakeRow(testing::kRowVisits, {{"TotalVisits", "five"}}), true, MappingOptions(), &quirks);
  ASSERT_EQ(Engagements(text).size(), 1u);
  EXPECT_EQ(quirks.Get(Quirk::kUnreadableNumber), 1);

  const LeadPlan no_time =
      MapRow(MakeRow(testing::kRowVisits, {{"Total Time Spent on Website", ""}}), true, MappingOptions(), &quirks);
  EXPECT_EQ(Engagements(no_time)[0].duration_seconds(), 0);
  EXPECT_EQ(quirks.Get(Quirk::kMissingTimeOnWebsite), 1);
}

TEST(MappingTest, ParsesNumbers) {
  bool unreadable = true;
  EXPECT_EQ(ParseNumber(" 2.5 ", &unreadable), 2.5);
  EXPECT_FALSE(unreadable);
  EXPECT_EQ(ParseNumber("", &unreadable), std::nullopt);
  EXPECT_FALSE(unreadable);
  EXPECT_EQ(ParseNumber("nan", &unreadable), std::nullopt);
  EXPECT_FALSE(unreadable);
  EXPECT_EQ(ParseNumber("-1", &unreadable), std::nullopt);
  EXPECT_TRUE(unreadable);
  EXPECT_EQ(ParseNumber("inf", &unreadable), std::nullopt);
  EXPECT_TRUE(unreadable);
}

TEST(MappingTest, LastActivityKinds) {
  EXPECT_EQ(KindOfLastActivity("Email Opened"), lv1::ENGAGEMENT_KIND_EMAIL_OPEN);
  EXPECT_EQ(KindOfLastActivity("Email Link Clicked"), lv1::ENGAGEMENT_KIND_EMAIL_CLICK);
  EXPECT_EQ(KindOfLastActivity("Form Submitted on Website"), lv1::ENGAGEMENT_KIND_FORM_SUBMIT);
  EXPECT_EQ(KindOfLastActivity("Converted to Lead"), lv1::ENGAGEMENT_KIND_FORM_SUBMIT);
  EXPECT_EQ(KindOfLastActivity("Olark Chat Conversation"), lv1::ENGAGEMENT_KIND_CHAT);
  EXPECT_EQ(KindOfLastActivity("Had a Phone Conversation"), lv1::ENGAGEMENT_KIND_CALL);
  EXPECT_EQ(KindOfLastActivity("Page Visited on Website"), lv1::ENGAGEMENT_KIND_PAGE_VIEW);
  EXPECT_EQ(KindOfLastActivity(" Visited Booth in Tradeshow "), lv1::ENGAGEMENT_KIND_VISIT);
  EXPECT_EQ(KindOfLastActivity("SMS Sent"), lv1::ENGAGEMENT_KIND_OTHER);
  EXPECT_EQ(KindOfLastActivity("Email Bounced"), lv1::ENGAGEMENT_KIND_OTHER);
  EXPECT_EQ(KindOfLastActivity(""), lv1::ENGAGEMENT_KIND_UNSPECIFIED);
}

TEST(MappingTest, AConvertedRowIsWorkedAssignedQualifiedAndConverted) {
  MappingOptions options;
  options.owner_user_id = "rep.one";
  options.currency = "EUR";
  options.amount_minor_units = 150000;
  options.expected_close_date = absl::FromUnixSeconds(1767225600);
  const LeadPlan plan = MapRow(MakeRow(testing::kRowVisits, {{"Converted", "1"}}), false, options, nullptr);
  EXPECT_EQ(plan.outcome, Outcome::kConverted);
  EXPECT_THAT(Names(plan), ElementsAre("CaptureLead", "RecordEngagement", "RecordEngagement", "RecordEngagement",
                                       "ChangeLeadStatus", "AssignLead", "QualifyLead", "ConvertLead"));
  const auto& working = std::get<lv1::ChangeLeadStatusRequest>(plan.commands[4]);
  EXPECT_EQ(working.status(), lv1::LEAD_STATUS_WORKING);
  EXPECT_EQ(working.request_id(), "xedu:660728:working");
  const auto& assign = std::get<lv1::AssignLeadRequest>(plan.commands[5]);
  EXPECT_EQ(assign.user_id(), "rep.one");
  EXPECT_EQ(assign.request_id(), "xedu:660728:assign");
  EXPECT_EQ(std::get<lv1::QualifyLeadRequest>(plan.commands[6]).request_id(), "xedu:660728:qualify");
  const auto& convert = std::get<lv1::ConvertLeadRequest>(plan.commands[7]);
  EXPECT_EQ(convert.request_id(), "xedu:660728:convert");
  EXPECT_EQ(convert.lead_id(), "xedu-660728");
  EXPECT_EQ(convert.account_id(), "");  // the lead service creates the account from the person
  EXPECT_EQ(convert.opportunity().pipeline_id(), "xeducation");
  EXPECT_EQ(convert.opportunity().name(), "X Education course \u2014 lead 660728");
  EXPECT_EQ(convert.opportunity().amount().currency(), "EUR");
  EXPECT_EQ(convert.opportunity().amount().minor_units(), 150000);
  EXPECT_EQ(convert.opportunity().expected_close_date().seconds(), 1767225600);
  const LeadPlan defaults = MapRow(MakeRow(testing::kRowVisits, {{"Converted", "1"}}), false, {}, nullptr);
  const auto& plain = std::get<lv1::ConvertLeadRequest>(defaults.commands.back());
  EXPECT_EQ(plain.opportunity().amount().currency(), "INR");
  EXPECT_EQ(plain.opportunity().amount().minor_units(), 0);
  EXPECT_FALSE(plain.opportunity().has_expected_close_date());
}

TEST(MappingTest, ANotConvertedRowIsDisqualified) {
  const LeadPlan plan = MapRow(MakeRow(testing::kRowNoVisits), false, MappingOptions(), nullptr);
  EXPECT_EQ(plan.outcome, Outcome::kDisqualified);
  EXPECT_THAT(Names(plan),
              ElementsAre("CaptureLead", "RecordEngagement", "ChangeLeadStatus", "AssignLead", "DisqualifyLead"));
  const auto& disqualify = std::get<lv1::DisqualifyLeadRequest>(plan.commands.back());
  EXPECT_EQ(disqualify.reason(), "not converted (X Education data set)");
  EXPECT_EQ(disqualify.request_id(), "xedu:660737:disqualify");
  EXPECT_EQ(std::get<lv1::AssignLeadRequest>(plan.commands[3]).user_id(), "xedu.sales");
}

TEST(MappingTest, AHeldOutRowGetsCaptureAndEngagementOnly) {
  const LeadPlan plan = MapRow(MakeRow(testing::kRowVisits, {{"Converted", "1"}}), true, MappingOptions(), nullptr);
  EXPECT_EQ(plan.outcome, Outcome::kHeldOut);
  EXPECT_TRUE(plan.converted);  // still known, for the evaluation
  EXPECT_THAT(Names(plan), ElementsAre("CaptureLead", "RecordEngagement", "RecordEngagement", "RecordEngagement"));
}

TEST(MappingTest, RequestIdsAreDeterministicAndDistinct) {
  const LeadRow row = MakeRow(testing::kRowVisits, {{"Converted", "1"}});
  const LeadPlan first = MapRow(row, false, MappingOptions(), nullptr);
  const LeadPlan second = MapRow(row, false, MappingOptions(), nullptr);
  ASSERT_EQ(first.commands.size(), second.commands.size());
  std::set<std::string> ids;
  for (size_t i = 0; i < first.commands.size(); ++i) {
    ASSERT_EQ(first.commands[i].index(), second.commands[i].index());
    std::visit(
        [&](const auto& a) {
          using Request = std::decay_t<decltype(a)>;
          EXPECT_TRUE(MessageDifferencer::Equals(a, std::get<Request>(second.commands[i]))) << a.ShortDebugString();
        },
        first.commands[i]);
    EXPECT_TRUE(absl::StartsWith(RequestIdOf(first.commands[i]), "xedu:660728:"));
    ids.insert(RequestIdOf(first.commands[i]));
  }
  EXPECT_EQ(ids.size(), first.commands.size());
  EXPECT_EQ(LeadIdOf("660728"), "xedu-660728");
  EXPECT_EQ(RequestIdFor("660728", "assign"), "xedu:660728:assign");
}

}  // namespace
}  // namespace sfa::tools::xeducation
