#ifndef SFA_TOOLS_XEDUCATION_IMPORT_TEST_ROWS_H_
#define SFA_TOOLS_XEDUCATION_IMPORT_TEST_ROWS_H_

// Test-only: the real Leads.csv header and a few of its rows, copied byte for byte, and a row builder.

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tools/xeducation_import/leads.h"

namespace sfa::tools::xeducation::testing {

inline constexpr char kHeader[] =
    "Prospect ID,Lead Number,Lead Origin,Lead Source,Do Not Email,Do Not Call,Converted,TotalVisits,"
    "Total Time Spent on Website,Page Views Per Visit,Last Activity,Country,Specialization,"
    "How did you hear about X Education,What is your current occupation,"
    "What matters most to you in choosing a course,Search,Magazine,Newspaper Article,X Education Forums,"
    "Newspaper,Digital Advertisement,Through Recommendations,Receive More Updates About Our Courses,Tags,"
    "Lead Quality,Update me on Supply Chain Content,Get updates on DM Content,Lead Profile,City,"
    "Asymmetrique Activity Index,Asymmetrique Profile Index,Asymmetrique Activity Score,"
    "Asymmetrique Profile Score,I agree to pay the amount through cheque,"
    "A free copy of Mastering The Interview,Last Notable Activity";

// Line 2: API / Olark Chat, no visits, Country empty, several "Select", not converted.
inline constexpr char kRowNoVisits[] =
    "7927b2df-8bba-4d29-b9a2-b6e0beafe620,660737,API,Olark Chat,No,No,0,0,0,0,Page Visited on Website,,Select,"
    "Select,Unemployed,Better Career Prospects,No,No,No,No,No,No,No,No,Interested in other courses,"
    "Low in Relevance,No,No,Select,Select,02.Medium,02.Medium,15,15,No,No,Modified";
// Line 3: 5 visits, 674 s, 2.5 page views per visit, Email Opened, India.
inline constexpr char kRowVisits[] =
    "2a272436-5132-4136-86fa-dcc88c88f482,660728,API,Organic Search,No,No,0,5,674,2.5,Email Opened,India,Select,"
    "Select,Unemployed,Better Career Prospects,No,No,No,No,No,No,No,No,Ringing,,No,No,Select,Select,02.Medium,"
    "02.Medium,15,15,No,No,Email Opened";
// Line 24: converted, a quoted Specialization with a comma, Converted to Lead.
inline constexpr char kRowQuoted[] =
    "8fd38b83-5c32-4277-bcfb-499f34a01c56,660471,Landing Page Submission,Google,No,No,1,1,1013,1,Converted to Lead,"
    "India,\"Banking, Investment And Insurance\",Advertisements,Unemployed,Better Career Prospects,No,No,No,No,No,"
    "No,No,No,Will revert after reading the email,Low in Relevance,No,No,Potential Lead,Mumbai,02.Medium,01.High,"
    "15,20,No,No,Modified";
// Line 6: converted, with Tags "Will revert after reading the email" and Lead Quality "Might be".
inline constexpr char kRowQuotedFree[] =
    "3256f628-e534-4826-9d63-4a8b88782852,660681,Landing Page Submission,Google,No,No,1,2,1428,1,Converted to Lead,"
    "India,Select,Other,Unemployed,Better Career Prospects,No,No,No,No,No,No,No,No,Will revert after reading the "
    "email,Might be,No,No,Select,Mumbai,02.Medium,01.High,15,18,No,No,Modified";
// Line 78: converted, TotalVisits / Page Views Per Visit / Last Activity / Country empty.
inline constexpr char kRowMissingNumbers[] =
    "895d4905-f534-4f18-915b-8d239a72b5dc,659722,Lead Add Form,Welingak Website,No,No,1,,1096,,,,Select,Select,"
    "Unemployed,Better Career Prospects,No,No,No,No,No,No,No,No,,,No,No,Select,Select,02.Medium,02.Medium,14,15,"
    "No,No,Modified";

// A row of the header's columns from unquoted CSV text, with `overrides` (column, value) applied.
inline LeadRow MakeRow(const std::string& csv_line,
                       const std::vector<std::pair<std::string, std::string>>& overrides = {}) {
  const std::vector<std::string> header = absl::StrSplit(kHeader, ',');
  const std::vector<std::string> values = absl::StrSplit(csv_line, ',');
  LeadRow row;
  row.line = 2;
  for (size_t i = 0; i < header.size() && i < values.size(); ++i) row.fields[header[i]] = values[i];
  for (const auto& [column, value] : overrides) row.fields[column] = value;
  row.lead_number = row.Get("Lead Number");
  row.converted = row.Get("Converted") == "1";
  return row;
}

}  // namespace sfa::tools::xeducation::testing

#endif  // SFA_TOOLS_XEDUCATION_IMPORT_TEST_ROWS_H_
