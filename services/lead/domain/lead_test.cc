#include "lead/domain/lead.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lead/domain/decider_table.h"
#include "lead/domain/support.h"
#include "lead/domain/test_fixtures.h"

namespace sfa::lead::domain {
namespace {

using E = LeadEvent;
using absl::StatusCode;

constexpr char kProfile[] = R"pb(
  source { channel: "Organic Search" origin: "Landing Page Submission" }
  person { name: "Jane Doe" email: "jane@example.com" }
  company { name: "Acme" industry: "Banking" employees: 250 country: "India" }
  attributes { key: "occupation" value: "Working Professional" })pb";

E Captured(absl::string_view extra = "") {
  return E{Day(0), Pb<v1::LeadCaptured>(TextProto(R"pb(lead_id: "l1")pb", kProfile, extra))};
}

E StatusChanged(int day, v1::LeadStatus from, v1::LeadStatus to, int days_in_previous, absl::string_view extra = "") {
  return E{Day(day),
           Pb<v1::LeadStatusChanged>(TextProto(
               R"pb(lead_id: "l1")pb", "from_status:", v1::LeadStatus_Name(from), "to_status:", v1::LeadStatus_Name(to),
               "time_in_previous_status { seconds:", days_in_previous * 86400, "}", extra))};
}

E Assigned(int day, absl::string_view owner = "u1") {
  return E{Day(day), Pb<v1::LeadAssigned>(TextProto(R"pb(lead_id: "l1"
                                                         team_id: "t1"
                                                         method: ASSIGNMENT_METHOD_RULE
                                                         rule_id: "r1"
                                                         rules_version: 1
                                                         rotation_position: 3)pb",
                                                    absl::StrCat("owner_user_id: \"", owner, "\"")))};
}

E Working(int day = 1) { return StatusChanged(day, v1::LEAD_STATUS_NEW, v1::LEAD_STATUS_WORKING, day); }

E MergedInto(int day, absl::string_view survivor = "l9") {
  return E{Day(day), Pb<v1::LeadMerged>(TextProto(R"pb(lead_id: "l1" from_status: LEAD_STATUS_NEW)pb",
                                                  absl::StrCat("survivor_lead_id: \"", survivor, "\"")))};
}

E Qualified(int day) { return E{Day(day), Pb<v1::LeadQualified>(R"pb(lead_id: "l1" owner_user_id: "u1")pb")}; }

E Engaged(int day, absl::string_view text) {
  return E{Day(day), Pb<v1::EngagementRecorded>(TextProto(R"pb(lead_id: "l1")pb", text))};
}

// The lead's features as they stand after Captured() and the engagements of the story below.
std::string Features(int age_days, absl::string_view engagement = "") {
  return absl::StrCat(R"pb(features { source { channel: "Organic Search" origin: "Landing Page Submission" }
                                      company { name: "Acme" industry: "Banking" employees: 250 country: "India" }
                                      attributes { key: "occupation" value: "Working Professional" })pb",
                      engagement, " age { seconds: ", age_days * 86400, " } }");
}

CaptureLead Later(CaptureLead command, absl::Time now) {
  command.now = now;
  return command;
}

CaptureLead WithCampaign(CaptureLead command) {
  command.request.mutable_source()->set_campaign_id("c1");
  return command;
}

TEST(LeadDeciderTest, CaptureLead) {
  auto capture = [](absl::string_view extra, DuplicateCandidate duplicate = {}, bool campaign_exists = false) {
    return CaptureLead{Pb<v1::CaptureLeadRequest>(TextProto(R"pb(request_id: "q1" lead_id: "l1")pb", kProfile, extra)),
                       campaign_exists, std::move(duplicate), Day(0)};
  };
  RunDeciderTable<LeadState>(std::vector<DeciderCase<E, CaptureLead>>{
      {.name = "a new lead", .when = capture(""), .then = {Captured()}},
      {.name = "a duplicate names the lead it matched",
       .when = capture("", {"l0", v1::DUPLICATE_MATCH_EMAIL}),
       .then = {Captured(R"pb(duplicate_of: "l0" duplicate_match: DUPLICATE_MATCH_EMAIL)pb")}},
      {.name = "from a known campaign",
       .when = WithCampaign(capture("", {}, true)),
       .then = {E{Day(0),
                  With(std::get<v1::LeadCaptured>(Captured().payload), R"pb(source { campaign_id: "c1" })pb")}}},
      {.name = "back-dated", .when = Later(capture(At(Day(0))), Day(3)), .then = {Captured()}},
      {.name = "in the future",
       .when = capture(At(Day(1))),
       .code = StatusCode::kInvalidArgument,
       .message = "effective_time"},
      {.name = "unknown campaign",
       .when = WithCampaign(capture("")),
       .code = StatusCode::kNotFound,
       .message = "source.campaign_id c1 not found"},
      {.name = "taken id",
       .given = {Captured()},
       .when = capture(""),
       .code = StatusCode::kAlreadyExists,
       .message = "lead l1 already exists"},
  });
}

ChangeLeadStatus Change(v1::LeadStatus to, int day, absl::string_view extra = "") {
  return ChangeLeadStatus{Pb<v1::ChangeLeadStatusRequest>(TextProto(R"pb(request_id: "q2" lead_id: "l1")pb",
                                                                    "status:", v1::LeadStatus_Name(to), extra)),
                          Day(day)};
}

TEST(LeadDeciderTest, ChangeLeadStatus) {
  RunDeciderTable<LeadState>(std::vector<DeciderCase<E, ChangeLeadStatus>>{
      {.name = "NEW to WORKING",
       .given = {Captured()},
       .when = Change(v1::LEAD_STATUS_WORKING, 2, R"pb(note: "called")pb"),
       .then = {StatusChanged(2, v1::LEAD_STATUS_NEW, v1::LEAD_STATUS_WORKING, 2, R"pb(note: "called")pb")}},
      {.name = "WORKING to NURTURE carries the owner",
       .given = {Captured(), Assigned(0), Working(1)},
       .when = Change(v1::LEAD_STATUS_NURTURE, 4),
       .then = {StatusChanged(4, v1::LEAD_STATUS_WORKING, v1::LEAD_STATUS_NURTURE, 3, R"pb(owner_user_id: "u1")pb")}},
      {.name = "NURTURE back to WORKING",
       .given = {Captured(), Working(1), StatusChanged(2, v1::LEAD_STATUS_WORKING, v1::LEAD_STATUS_NURTURE, 1)},
       .when = Change(v1::LEAD_STATUS_WORKING, 5),
       .then = {StatusChanged(5, v1::LEAD_STATUS_NURTURE, v1::LEAD_STATUS_WORKING, 3)}},
      {.name = "already there: nothing", .given = {Captured(), Working(1)}, .when = Change(v1::LEAD_STATUS_WORKING, 2)},
      {.name = "NEW to NURTURE skips WORKING",
       .given = {Captured()},
       .when = Change(v1::LEAD_STATUS_NURTURE, 1),
       .code = StatusCode::kFailedPrecondition,
       .message = "illegal_status_transition: lead l1 cannot go from NEW to NURTURE; allowed: WORKING, DISQUALIFIED"},
      {.name = "a disqualified lead stays closed",
       .given = {Captured(), StatusChanged(1, v1::LEAD_STATUS_NEW, v1::LEAD_STATUS_DISQUALIFIED, 1)},
       .when = Change(v1::LEAD_STATUS_WORKING, 2),
       .code = StatusCode::kFailedPrecondition,
       .message = "cannot go from DISQUALIFIED to WORKING; allowed: none"},
      {.name = "back-dated before the last change",
       .given = {Captured(), Working(3)},
       .when = Change(v1::LEAD_STATUS_NURTURE, 5, At(Day(2))),
       .code = StatusCode::kFailedPrecondition,
       .message = "effective_time_before_last_change"},
      {.name = "merged: read-only",
       .given = {Captured(), MergedInto(1)},
       .when = Change(v1::LEAD_STATUS_WORKING, 2),
       .code = StatusCode::kFailedPrecondition,
       .message = "lead_merged: lead l1 was merged into l9 and is read-only"},
      {.name = "missing",
       .when = Change(v1::LEAD_STATUS_WORKING, 2),
       .code = StatusCode::kNotFound,
       .message = "lead l1 not found"},
  });
}

TEST(LeadDeciderTest, QualifyLead) {
  const QualifyLead qualify{Pb<v1::QualifyLeadRequest>(R"pb(request_id: "q3" lead_id: "l1" note: "budget ok")pb"),
                            Day(5)};
  RunDeciderTable<LeadState>(std::vector<DeciderCase<E, QualifyLead>>{
      {.name = "from WORKING with an owner",
       .given = {Captured(), Assigned(0), Working(1)},
       .when = qualify,
       .then = {StatusChanged(5, v1::LEAD_STATUS_WORKING, v1::LEAD_STATUS_QUALIFIED, 4, R"pb(owner_user_id: "u1"
                                                                                             note: "budget ok")pb"),
                Qualified(5)}},
      {.name = "without an owner",
       .given = {Captured(), Working(1)},
       .when = qualify,
       .code = StatusCode::kFailedPrecondition,
       .message = "qualify_requires_owner"},
      {.name = "from NEW (the transition is reported before the missing owner)",
       .given = {Captured()},
       .when = qualify,
       .code = StatusCode::kFailedPrecondition,
       .message = "illegal_status_transition: lead l1 cannot go from NEW to QUALIFIED"},
      {.name = "twice",
       .given = {Captured(), Assigned(0), Working(1),
                 StatusChanged(2, v1::LEAD_STATUS_WORKING, v1::LEAD_STATUS_QUALIFIED, 1), Qualified(2)},
       .when = qualify,
       .code = StatusCode::kFailedPrecondition,
       .message = "cannot go from QUALIFIED to QUALIFIED"},
  });
}

TEST(LeadDeciderTest, DisqualifyLeadRecordsTheFeaturesAsTheyStood) {
  const DisqualifyLead disqualify{
      Pb<v1::DisqualifyLeadRequest>(R"pb(request_id: "q4" lead_id: "l1" reason: "no budget")pb"), Day(6)};
  const std::string engagement =
      R"pb(engagement { kind: ENGAGEMENT_KIND_PAGE_VIEW count: 7 duration_seconds: 300 }
           engagement { kind: ENGAGEMENT_KIND_FORM_SUBMIT count: 1 })pb";
  RunDeciderTable<LeadState>(std::vector<DeciderCase<E, DisqualifyLead>>{
      {.name = "from WORKING",
       .given = {Captured(), Working(1),
                 Engaged(2, R"pb(kind: ENGAGEMENT_KIND_PAGE_VIEW count: 4 duration_seconds: 300)pb"),
                 Engaged(3, R"pb(kind: ENGAGEMENT_KIND_FORM_SUBMIT count: 1)pb"),
                 Engaged(3, R"pb(kind: ENGAGEMENT_KIND_PAGE_VIEW count: 3)pb")},
       .when = disqualify,
       .then = {StatusChanged(6, v1::LEAD_STATUS_WORKING, v1::LEAD_STATUS_DISQUALIFIED, 5, R"pb(note: "no budget")pb"),
                E{Day(6), Pb<v1::LeadDisqualified>(TextProto(R"pb(lead_id: "l1"
                                                                  reason: "no budget"
                                                                  from_status: LEAD_STATUS_WORKING)pb",
                                                             Features(6, engagement)))}}},
      {.name = "from NEW",
       .given = {Captured()},
       .when = disqualify,
       .then = {StatusChanged(6, v1::LEAD_STATUS_NEW, v1::LEAD_STATUS_DISQUALIFIED, 6, R"pb(note: "no budget")pb"),
                E{Day(6), Pb<v1::LeadDisqualified>(TextProto(
                              R"pb(lead_id: "l1" reason: "no budget" from_status: LEAD_STATUS_NEW)pb", Features(6)))}}},
      {.name = "converted",
       .given = {Captured(), StatusChanged(1, v1::LEAD_STATUS_NEW, v1::LEAD_STATUS_WORKING, 1),
                 StatusChanged(2, v1::LEAD_STATUS_WORKING, v1::LEAD_STATUS_QUALIFIED, 1),
                 StatusChanged(3, v1::LEAD_STATUS_QUALIFIED, v1::LEAD_STATUS_CONVERTED, 1)},
       .when = disqualify,
       .code = StatusCode::kFailedPrecondition,
       .message = "cannot go from CONVERTED to DISQUALIFIED"},
  });
}

TEST(LeadDeciderTest, ConvertLead) {
  const ConvertLead convert{Pb<v1::ConvertLeadRequest>(R"pb(request_id: "q5" lead_id: "l1")pb"), "a1", "c1", "o1",
                            Day(7)};
  const std::vector<E> qualified = {
      Captured(), Assigned(0), Working(1),
      StatusChanged(2, v1::LEAD_STATUS_WORKING, v1::LEAD_STATUS_QUALIFIED, 1, R"pb(owner_user_id: "u1")pb"),
      Qualified(2)};
  RunDeciderTable<LeadState>(std::vector<DeciderCase<E, ConvertLead>>{
      {.name = "qualified",
       .given = qualified,
       .when = convert,
       .then = {StatusChanged(7, v1::LEAD_STATUS_QUALIFIED, v1::LEAD_STATUS_CONVERTED, 5, R"pb(owner_user_id: "u1")pb"),
                E{Day(7), Pb<v1::LeadConverted>(TextProto(R"pb(lead_id: "l1"
                                                               account_id: "a1"
                                                               contact_id: "c1"
                                                               opportunity_id: "o1"
                                                               owner_user_id: "u1")pb",
                                                          Features(7)))}}},
      {.name = "not qualified",
       .given = {Captured(), Working(1)},
       .when = convert,
       .code = StatusCode::kFailedPrecondition,
       .message = "cannot go from WORKING to CONVERTED"},
  });
  LeadState state = Fold(LeadState{}, qualified);
  EXPECT_TRUE(CheckConvertible(state, "l1").ok());
  EXPECT_EQ(CheckConvertible(LeadState{}, "l1").code(), StatusCode::kNotFound);
  state = Fold(Fold(LeadState{}, std::vector<E>{Captured()}), std::vector<E>{MergedInto(1)});
  EXPECT_EQ(CheckConvertible(state, "l1").code(), StatusCode::kFailedPrecondition);
}

TEST(LeadDeciderTest, RecordEngagement) {
  auto engage = [](absl::string_view text, int day = 2) {
    return RecordEngagement{Pb<v1::RecordEngagementRequest>(TextProto(R"pb(request_id: "q6" lead_id: "l1")pb", text)),
                            Day(day)};
  };
  RunDeciderTable<LeadState>(std::vector<DeciderCase<E, RecordEngagement>>{
      {.name = "count 0 means one",
       .given = {Captured()},
       .when = engage(R"pb(kind: ENGAGEMENT_KIND_EMAIL_OPEN)pb"),
       .then = {Engaged(2, R"pb(kind: ENGAGEMENT_KIND_EMAIL_OPEN count: 1)pb")}},
      {.name = "back-dated between status changes (only the capture bounds it)",
       .given = {Captured(), Working(3)},
       .when = engage(TextProto(R"pb(kind: ENGAGEMENT_KIND_WEBINAR count: 1 duration_seconds: 3600)pb", At(Day(1))), 4),
       .then = {Engaged(1, R"pb(kind: ENGAGEMENT_KIND_WEBINAR count: 1 duration_seconds: 3600)pb")}},
      {.name = "after disqualification too",
       .given = {Captured(), StatusChanged(1, v1::LEAD_STATUS_NEW, v1::LEAD_STATUS_DISQUALIFIED, 1)},
       .when = engage(R"pb(kind: ENGAGEMENT_KIND_VISIT count: 2)pb"),
       .then = {Engaged(2, R"pb(kind: ENGAGEMENT_KIND_VISIT count: 2)pb")}},
      {.name = "merged",
       .given = {Captured(), MergedInto(1)},
       .when = engage(R"pb(kind: ENGAGEMENT_KIND_CALL)pb"),
       .code = StatusCode::kFailedPrecondition,
       .message = "lead_merged"},
      {.name = "missing", .when = engage(R"pb(kind: ENGAGEMENT_KIND_CALL)pb"), .code = StatusCode::kNotFound},
  });
}

TEST(LeadDeciderTest, AssignLead) {
  auto by_rule = [](absl::string_view owner, int day = 1) {
    return AssignLead{Pb<v1::AssignLeadRequest>(R"pb(request_id: "q7" lead_id: "l1")pb"),
                      std::string(owner),
                      "t1",
                      v1::ASSIGNMENT_METHOD_RULE,
                      "r1",
                      1,
                      3,
                      Day(day)};
  };
  AssignLead manual{Pb<v1::AssignLeadRequest>(R"pb(request_id: "q8" lead_id: "l1" user_id: "u2")pb"),
                    "u2",
                    "",
                    v1::ASSIGNMENT_METHOD_MANUAL,
                    "",
                    0,
                    0,
                    Day(2)};
  RunDeciderTable<LeadState>(std::vector<DeciderCase<E, AssignLead>>{
      {.name = "by rule", .given = {Captured()}, .when = by_rule("u1", 0), .then = {Assigned(0)}},
      {.name = "by hand, naming the previous owner",
       .given = {Captured(), Assigned(0)},
       .when = manual,
       .then = {E{Day(2), Pb<v1::LeadAssigned>(R"pb(lead_id: "l1"
                                                    owner_user_id: "u2"
                                                    method: ASSIGNMENT_METHOD_MANUAL
                                                    previous_owner_user_id: "u1")pb")}}},
      {.name = "same owner and team: nothing", .given = {Captured(), Assigned(0)}, .when = by_rule("u1")},
      {.name = "disqualified",
       .given = {Captured(), StatusChanged(1, v1::LEAD_STATUS_NEW, v1::LEAD_STATUS_DISQUALIFIED, 1)},
       .when = by_rule("u1", 2),
       .code = StatusCode::kFailedPrecondition,
       .message = "lead_closed: lead l1 is DISQUALIFIED"},
      {.name = "merged",
       .given = {Captured(), MergedInto(1)},
       .when = by_rule("u1", 2),
       .code = StatusCode::kFailedPrecondition,
       .message = "lead_merged"},
  });
}

LeadState Lead(absl::string_view id, const std::vector<E>& extra = {}) {
  E captured = Captured();
  std::get<v1::LeadCaptured>(captured.payload).set_lead_id(std::string(id));
  std::vector<E> events = {captured};
  events.insert(events.end(), extra.begin(), extra.end());
  return Fold(LeadState{}, events);
}

TEST(LeadDeciderTest, MergeLeadsOnTheSurvivor) {
  auto merge = [](std::vector<std::string> ids, std::vector<LeadState> duplicates) {
    v1::MergeLeadsRequest request = Pb<v1::MergeLeadsRequest>(R"pb(request_id: "q9" survivor_id: "l1")pb");
    for (const std::string& id : ids) request.add_duplicate_ids(id);
    return MergeLeads{request, std::move(duplicates), Day(3)};
  };
  const LeadState converted = Lead("l3", {StatusChanged(1, v1::LEAD_STATUS_NEW, v1::LEAD_STATUS_WORKING, 1),
                                          StatusChanged(1, v1::LEAD_STATUS_WORKING, v1::LEAD_STATUS_QUALIFIED, 0),
                                          StatusChanged(2, v1::LEAD_STATUS_QUALIFIED, v1::LEAD_STATUS_CONVERTED, 1)});
  RunDeciderTable<LeadState>(
      std::vector<DeciderCase<E, MergeLeads>>{
          {.name = "two duplicates, one named twice",
           .given = {Captured()},
           .when = merge({"l2", "l4", "l2"}, {Lead("l2"), Lead("l4"), Lead("l2")}),
           .then = {E{Day(3), Pb<v1::LeadDuplicatesMerged>(R"pb(lead_id: "l1"
                                                                merged_lead_ids: "l2"
                                                                merged_lead_ids: "l4")pb")}}},
          {.name = "into itself",
           .given = {Captured()},
           .when = merge({"l1"}, {Lead("l1")}),
           .code = StatusCode::kFailedPrecondition,
           .message = "merge_into_itself"},
          {.name = "a converted duplicate",
           .given = {Captured()},
           .when = merge({"l3"}, {converted}),
           .code = StatusCode::kFailedPrecondition,
           .message = "merge_converted_lead: lead l3"},
          {.name = "a missing duplicate",
           .given = {Captured()},
           .when = merge({"l5"}, {LeadState{}}),
           .code = StatusCode::kNotFound,
           .message = "lead l5 not found"},
          {.name = "a merged survivor",
           .given = {Captured(), MergedInto(1)},
           .when = merge({"l2"}, {Lead("l2")}),
           .code = StatusCode::kFailedPrecondition,
           .message = "lead_merged: lead l1 was merged into l9"},
      });
}

TEST(LeadDeciderTest, MergeIntoSurvivorMakesTheDuplicateReadOnly) {
  RunDeciderTable<LeadState>(std::vector<DeciderCase<E, MergeIntoSurvivor>>{
      {.name = "a new lead", .given = {Captured()}, .when = {"l1", "l9", Day(1)}, .then = {MergedInto(1)}},
      {.name = "twice",
       .given = {Captured(), MergedInto(1)},
       .when = {"l1", "l8", Day(2)},
       .code = StatusCode::kFailedPrecondition,
       .message = "lead_merged"},
  });
  const LeadState merged = Fold(LeadState{}, std::vector<E>{Captured(), Working(1), MergedInto(2)});
  EXPECT_EQ(merged.status, v1::LEAD_STATUS_MERGED);
  EXPECT_EQ(merged.merged_into_lead_id, "l9");
}

TEST(LeadTest, FactsOfTheCapturedProfile) {
  const LeadFacts facts = FactsOf(Fold(LeadState{}, std::vector<E>{Captured()}));
  EXPECT_EQ(facts.source.channel(), "Organic Search");
  EXPECT_EQ(facts.company.employees(), 250);
  EXPECT_EQ(facts.attributes.at("occupation"), "Working Professional");
  EXPECT_EQ(StatusName(v1::LEAD_STATUS_NURTURE), "NURTURE");
}

}  // namespace
}  // namespace sfa::lead::domain
