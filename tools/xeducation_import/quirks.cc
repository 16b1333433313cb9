#include "tools/xeducation_import/quirks.h"

namespace sfa::tools::xeducation {

const std::array<QuirkInfo, kQuirkCount>& AllQuirks() {
  static const std::array<QuirkInfo, kQuirkCount> kQuirks = {{
      {Quirk::kNotAnswered, "not_answered", "a profile question answered \"Select\" (not answered)",
       "that attribute, country or city is left empty", true},
      {Quirk::kMissingVisitNumbers, "missing_visit_numbers",
       "TotalVisits empty (in the published file Page Views Per Visit is empty on the same rows)",
       "no VISIT and no PAGE_VIEW engagement; the rest of the row is imported", false},
      {Quirk::kMissingLastActivity, "missing_last_activity", "Last Activity empty",
       "no last-activity engagement and no last_activity attribute", false},
      {Quirk::kMissingLeadSource, "missing_lead_source", "Lead Source empty", "captured with an empty channel", false},
      {Quirk::kChannelCaseVariant, "channel_case_variant",
       "Lead Source spelt in another case than its most common spelling (\"google\" beside \"Google\")",
       "kept as written, so the channel is what the data says; the report counts them", false},
      {Quirk::kCountryUnknown, "country_unknown", "Country \"unknown\"", "kept as written (it is an answer)", false},
      {Quirk::kUnreadableNumber, "unreadable_number",
       "TotalVisits, Total Time Spent on Website or Page Views Per Visit is not a non-negative number",
       "treated as missing", false},
      {Quirk::kFractionalVisits, "fractional_visits", "TotalVisits is not a whole number",
       "the VISIT count is rounded to the nearest whole number", false},
      {Quirk::kMissingPageViews, "missing_page_views", "TotalVisits > 0 but Page Views Per Visit empty",
       "VISIT only, no PAGE_VIEW engagement", false},
      {Quirk::kMissingTimeOnWebsite, "missing_time_on_website", "TotalVisits > 0 but Total Time Spent on Website empty",
       "VISIT with duration 0", false},
      {Quirk::kNoPageViewsAfterRounding, "no_page_views_after_rounding",
       "TotalVisits x Page Views Per Visit rounds to 0", "no PAGE_VIEW engagement", false},
  }};
  return kQuirks;
}

const QuirkInfo& InfoOf(Quirk quirk) { return AllQuirks()[static_cast<size_t>(quirk)]; }

}  // namespace sfa::tools::xeducation
