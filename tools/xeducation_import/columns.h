#ifndef SFA_TOOLS_XEDUCATION_IMPORT_COLUMNS_H_
#define SFA_TOOLS_XEDUCATION_IMPORT_COLUMNS_H_

// The columns of Leads.csv the import reads, the lead attribute each profile column becomes, and the
// columns it must never send: the sales team filled those in after contacting the lead, so they leak the
// outcome (data README) and a model that saw them would learn the answer, not the lead.

#include <array>

#include "absl/strings/string_view.h"

namespace sfa::tools::xeducation {

inline constexpr absl::string_view kProspectIdColumn = "Prospect ID";
inline constexpr absl::string_view kLeadNumberColumn = "Lead Number";
inline constexpr absl::string_view kConvertedColumn = "Converted";
inline constexpr absl::string_view kLeadOriginColumn = "Lead Origin";
inline constexpr absl::string_view kLeadSourceColumn = "Lead Source";
inline constexpr absl::string_view kTotalVisitsColumn = "TotalVisits";
inline constexpr absl::string_view kTimeOnWebsiteColumn = "Total Time Spent on Website";
inline constexpr absl::string_view kPageViewsPerVisitColumn = "Page Views Per Visit";
inline constexpr absl::string_view kLastActivityColumn = "Last Activity";
inline constexpr absl::string_view kCountryColumn = "Country";
inline constexpr absl::string_view kCityColumn = "City";

// A profile column and the attribute key it is captured under.
struct AttributeColumn {
  absl::string_view key;
  absl::string_view column;
};

// Values that are empty or "Select" ("not answered") are left out.
inline constexpr std::array<AttributeColumn, 21> kAttributeColumns = {{
    {"prospect_id", "Prospect ID"},
    {"do_not_email", "Do Not Email"},
    {"do_not_call", "Do Not Call"},
    {"specialization", "Specialization"},
    {"how_did_you_hear", "How did you hear about X Education"},
    {"occupation", "What is your current occupation"},
    {"what_matters_most", "What matters most to you in choosing a course"},
    {"search", "Search"},
    {"magazine", "Magazine"},
    {"newspaper_article", "Newspaper Article"},
    {"x_education_forums", "X Education Forums"},
    {"newspaper", "Newspaper"},
    {"digital_advertisement", "Digital Advertisement"},
    {"through_recommendations", "Through Recommendations"},
    {"receive_more_updates", "Receive More Updates About Our Courses"},
    {"supply_chain_content", "Update me on Supply Chain Content"},
    {"dm_content", "Get updates on DM Content"},
    {"lead_profile", "Lead Profile"},
    {"pay_by_cheque", "I agree to pay the amount through cheque"},
    {"free_copy", "A free copy of Mastering The Interview"},
    {"last_activity", "Last Activity"},
}};

// Filled in by the sales team after contact: never sent, in any field.
inline constexpr std::array<absl::string_view, 8> kLeakingColumns = {
    "Tags",
    "Lead Quality",
    "Asymmetrique Activity Index",
    "Asymmetrique Profile Index",
    "Asymmetrique Activity Score",
    "Asymmetrique Profile Score",
    "Last Notable Activity",
    "Converted",  // the outcome itself
};

}  // namespace sfa::tools::xeducation

#endif  // SFA_TOOLS_XEDUCATION_IMPORT_COLUMNS_H_
