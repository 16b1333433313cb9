#include "tools/xeducation_import/mapping.h"

#include <cmath>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tools/xeducation_import/columns.h"

namespace sfa::tools::xeducation {
namespace {

// Row-level quirks, each counted once per row.
class RowQuirks {
 public:
  void Add(Quirk quirk) { seen_[static_cast<size_t>(quirk)] = true; }
  void AddTo(QuirkCounts* counts) const {
    if (counts == nullptr) return;
    for (size_t i = 0; i < kQuirkCount; ++i) {
      if (seen_[i]) counts->Add(static_cast<Quirk>(i));
    }
  }

 private:
  std::array<bool, kQuirkCount> seen_{};
};

lv1::RecordEngagementRequest Engagement(const LeadRow& row, absl::string_view step, lv1::EngagementKind kind,
                                        int64_t count, int64_t duration_seconds) {
  lv1::RecordEngagementRequest request;
  request.set_request_id(RequestIdFor(row.lead_number, step));
  request.set_lead_id(LeadIdOf(row.lead_number));
  request.set_kind(kind);
  request.set_count(count);
  request.set_duration_seconds(duration_seconds);
  return request;
}

// VISIT and PAGE_VIEW from the website numbers, when there were visits.
void AddWebsiteEngagements(const LeadRow& row, RowQuirks* quirks, LeadPlan* plan) {
  bool unreadable_visits = false, unreadable_time = false, unreadable_views = false;
  const std::optional<double> visits = ParseNumber(row.Get(kTotalVisitsColumn), &unreadable_visits);
  const std::optional<double> seconds = ParseNumber(row.Get(kTimeOnWebsiteColumn), &unreadable_time);
  const std::optional<double> views_per_visit = ParseNumber(row.Get(kPageViewsPerVisitColumn), &unreadable_views);
  if (unreadable_visits || unreadable_time || unreadable_views) quirks->Add(Quirk::kUnreadableNumber);
  if (!visits) {
    if (!unreadable_visits) quirks->Add(Quirk::kMissingVisitNumbers);
    return;
  }
  if (*visits <= 0) return;
  const int64_t visit_count = std::llround(*visits);
  if (visit_count != *visits) quirks->Add(Quirk::kFractionalVisits);
  if (visit_count < 1) return;  // RecordEngagement reads count 0 as 1
  if (!seconds && !unreadable_time) quirks->Add(Quirk::kMissingTimeOnWebsite);
  plan->commands.push_back(
      Engagement(row, "visit", lv1::ENGAGEMENT_KIND_VISIT, visit_count, seconds ? std::llround(*seconds) : 0));
  if (!views_per_visit) {
    if (!unreadable_views) quirks->Add(Quirk::kMissingPageViews);
    return;
  }
  const int64_t page_views = std::llround(*visits * *views_per_visit);
  if (page_views <= 0) {
    quirks->Add(Quirk::kNoPageViewsAfterRounding);
    return;
  }
  plan->commands.push_back(Engagement(row, "page_views", lv1::ENGAGEMENT_KIND_PAGE_VIEW, page_views, 0));
}

void AddOutcome(const LeadRow& row, const MappingOptions& options, LeadPlan* plan) {
  const std::string& n = row.lead_number;
  lv1::ChangeLeadStatusRequest working;
  working.set_request_id(RequestIdFor(n, "working"));
  working.set_lead_id(plan->lead_id);
  working.set_status(lv1::LEAD_STATUS_WORKING);
  plan->commands.push_back(std::move(working));
  lv1::AssignLeadRequest assign;
  assign.set_request_id(RequestIdFor(n, "assign"));
  assign.set_lead_id(plan->lead_id);
  assign.set_user_id(options.owner_user_id);
  plan->commands.push_back(std::move(assign));
  if (!row.converted) {
    lv1::DisqualifyLeadRequest disqualify;
    disqualify.set_request_id(RequestIdFor(n, "disqualify"));
    disqualify.set_lead_id(plan->lead_id);
    disqualify.set_reason(kDisqualifyReason);
    plan->commands.push_back(std::move(disqualify));
    return;
  }
  lv1::QualifyLeadRequest qualify;
  qualify.set_request_id(RequestIdFor(n, "qualify"));
  qualify.set_lead_id(plan->lead_id);
  plan->commands.push_back(std::move(qualify));
  lv1::ConvertLeadRequest convert;
  convert.set_request_id(RequestIdFor(n, "convert"));
  convert.set_lead_id(plan->lead_id);
  convert.mutable_opportunity()->set_pipeline_id(options.pipeline_id);
  convert.mutable_opportunity()->set_name(absl::StrCat("X Education course \u2014 lead ", n));
  convert.mutable_opportunity()->mutable_amount()->set_currency(options.currency);
  convert.mutable_opportunity()->mutable_amount()->set_minor_units(options.amount_minor_units);
  if (options.expected_close_date != absl::InfinitePast()) {
    convert.mutable_opportunity()->mutable_expected_close_date()->set_seconds(
        absl::ToUnixSeconds(options.expected_close_date));
  }
  plan->commands.push_back(std::move(convert));
}

}  // namespace

std::string CommandName(const LeadCommand& command) {
  struct Namer {
    std::string operator()(const lv1::CaptureLeadRequest&) const { return "CaptureLead"; }
    std::string operator()(const lv1::RecordEngagementRequest&) const { return "RecordEngagement"; }
    std::string operator()(const lv1::ChangeLeadStatusRequest&) const { return "ChangeLeadStatus"; }
    std::string operator()(const lv1::AssignLeadRequest&) const { return "AssignLead"; }
    std::string operator()(const lv1::QualifyLeadRequest&) const { return "QualifyLead"; }
    std::string operator()(const lv1::ConvertLeadRequest&) const { return "ConvertLead"; }
    std::string operator()(const lv1::DisqualifyLeadRequest&) const { return "DisqualifyLead"; }
  };
  return std::visit(Namer{}, command);
}

const std::string& RequestIdOf(const LeadCommand& command) {
  return std::visit([](const auto& request) -> const std::string& { return request.request_id(); }, command);
}

std::string LeadIdOf(absl::string_view lead_number) { return absl::StrCat("xedu-", lead_number); }

std::string RequestIdFor(absl::string_view lead_number, absl::string_view step) {
  return absl::StrCat("xedu:", lead_number, ":", step);
}

bool IsNotAnswered(absl::string_view value) {
  value = absl::StripAsciiWhitespace(value);
  return value.empty() || absl::EqualsIgnoreCase(value, "Select");
}

lv1::EngagementKind KindOfLastActivity(absl::string_view last_activity) {
  static const auto* const kKinds = new absl::flat_hash_map<absl::string_view, lv1::EngagementKind>{
      {"Email Opened", lv1::ENGAGEMENT_KIND_EMAIL_OPEN},
      {"Email Link Clicked", lv1::ENGAGEMENT_KIND_EMAIL_CLICK},
      {"Form Submitted on Website", lv1::ENGAGEMENT_KIND_FORM_SUBMIT},
      {"Converted to Lead", lv1::ENGAGEMENT_KIND_FORM_SUBMIT},
      {"Olark Chat Conversation", lv1::ENGAGEMENT_KIND_CHAT},
      {"Had a Phone Conversation", lv1::ENGAGEMENT_KIND_CALL},
      {"Page Visited on Website", lv1::ENGAGEMENT_KIND_PAGE_VIEW},
      {"Visited Booth in Tradeshow", lv1::ENGAGEMENT_KIND_VISIT},
  };
  last_activity = absl::StripAsciiWhitespace(last_activity);
  if (last_activity.empty()) return lv1::ENGAGEMENT_KIND_UNSPECIFIED;
  auto it = kKinds->find(last_activity);
  return it == kKinds->end() ? lv1::ENGAGEMENT_KIND_OTHER : it->second;
}

std::optional<double> ParseNumber(absl::string_view text, bool* unreadable) {
  *unreadable = false;
  text = absl::StripAsciiWhitespace(text);
  if (text.empty() || absl::EqualsIgnoreCase(text, "nan")) return std::nullopt;
  double value = 0;
  if (!absl::SimpleAtod(text, &value) || !std::isfinite(value) || value < 0) {
    *unreadable = true;
    return std::nullopt;
  }
  return value;
}

lv1::CaptureLeadRequest CaptureOf(const LeadRow& row) {
  lv1::CaptureLeadRequest capture;
  capture.set_request_id(RequestIdFor(row.lead_number, "capture"));
  capture.set_lead_id(LeadIdOf(row.lead_number));
  capture.mutable_source()->set_channel(row.Get(kLeadSourceColumn));
  capture.mutable_source()->set_origin(row.Get(kLeadOriginColumn));
  // The data set has no names; converting needs one to create the contact and account from.
  capture.mutable_person()->set_name(absl::StrCat("X Education lead ", row.lead_number));
  if (const std::string& country = row.Get(kCountryColumn); !IsNotAnswered(country)) {
    capture.mutable_company()->set_country(country);
  }
  if (const std::string& city = row.Get(kCityColumn); !IsNotAnswered(city)) {
    capture.mutable_company()->set_city(city);
  }
  for (const AttributeColumn& attribute : kAttributeColumns) {
    const std::string& value = row.Get(attribute.column);
    if (!IsNotAnswered(value)) (*capture.mutable_attributes())[std::string(attribute.key)] = value;
  }
  return capture;
}

LeadPlan MapRow(const LeadRow& row, bool held_out, const MappingOptions& options, QuirkCounts* quirks) {
  LeadPlan plan;
  plan.line = row.line;
  plan.lead_number = row.lead_number;
  plan.lead_id = LeadIdOf(row.lead_number);
  plan.channel = row.Get(kLeadSourceColumn);
  plan.converted = row.converted;
  plan.outcome = held_out ? Outcome::kHeldOut : row.converted ? Outcome::kConverted : Outcome::kDisqualified;

  RowQuirks row_quirks;
  const auto is_select = [&row](absl::string_view column) {
    return !row.Get(column).empty() && IsNotAnswered(row.Get(column));
  };
  if (is_select(kCountryColumn) || is_select(kCityColumn)) row_quirks.Add(Quirk::kNotAnswered);
  for (const AttributeColumn& attribute : kAttributeColumns) {
    if (is_select(attribute.column)) row_quirks.Add(Quirk::kNotAnswered);
  }
  if (plan.channel.empty()) row_quirks.Add(Quirk::kMissingLeadSource);
  if (absl::EqualsIgnoreCase(row.Get(kCountryColumn), "unknown")) row_quirks.Add(Quirk::kCountryUnknown);

  plan.commands.push_back(CaptureOf(row));
  AddWebsiteEngagements(row, &row_quirks, &plan);
  const lv1::EngagementKind kind = KindOfLastActivity(row.Get(kLastActivityColumn));
  if (kind == lv1::ENGAGEMENT_KIND_UNSPECIFIED) {
    row_quirks.Add(Quirk::kMissingLastActivity);
  } else {
    plan.commands.push_back(Engagement(row, "last_activity", kind, 1, 0));
  }
  plan.engagements = static_cast<int>(plan.commands.size()) - 1;
  if (!held_out) AddOutcome(row, options, &plan);
  row_quirks.AddTo(quirks);
  return plan;
}

}  // namespace sfa::tools::xeducation
