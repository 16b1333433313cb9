#ifndef SFA_SERVICES_LEAD_PREDICTIVE_XEDUCATION_FEATURES_H_
#define SFA_SERVICES_LEAD_PREDICTIVE_XEDUCATION_FEATURES_H_

// THE REFERENCE MAPPING of an X Education Leads.csv row (/work/shared/data/x-education-leads) to the
// decided lead it describes. The X Education importer mirrors it field by field; the model's quality test
// uses it directly, so the AUC measured there is the AUC imported leads get. Change both together.
//
//  source.channel  = Lead Source, source.origin = Lead Origin (trimmed; empty stays empty)
//  company.country = Country, company.city = City ("Select" or empty = not answered = left empty)
//  attributes      = the profile columns of kXEducationAttributes, "Select" or empty skipped;
//                    last_activity = Last Activity (raw text)
//  engagement      = VISIT (count TotalVisits, duration Total Time Spent on Website) when TotalVisits > 0;
//                    PAGE_VIEW (count round(TotalVisits × Page Views Per Visit)) when > 0; plus one
//                    engagement of the kind Last Activity names (see XEducationActivityKind). Empty or
//                    non-numeric numbers give no engagement of that kind.
//  lead_id         = "xedu-<Lead Number>", converted = Converted == 1
//
// Never read: Tags, Lead Quality, the Asymmetrique * columns and Last Notable Activity were filled in by the
// sales team after contact and leak the outcome; Prospect ID is a second identifier.

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lead/predictive/example.h"
#include "sfa/lead/v1/lead_types.pb.h"

namespace sfa::lead::predictive {

struct XEducationAttribute {
  absl::string_view key;     // attributes.<key>
  absl::string_view column;  // CSV header
};

inline constexpr XEducationAttribute kXEducationAttributes[] = {
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
};

// One data row of Leads.csv.
struct XEducationRow {
  int line = 0;                                             // where the row starts in the file, 1-based
  absl::flat_hash_map<std::string, std::string> columns{};  // header → value, as written

  // The value of a column; empty when the file has no such column.
  absl::string_view Get(absl::string_view column) const;
};

// Parses RFC 4180 CSV (quoted fields with "" escapes, separators and line breaks inside quotes, LF or
// CRLF, a UTF-8 byte order mark skipped) with a header line naming every column the mapping reads.
// INVALID_ARGUMENT, naming the line, for broken quoting, a row whose field count differs from the
// header's, or a missing column.
absl::StatusOr<std::vector<XEducationRow>> ParseXEducationCsv(absl::string_view text);

// Reads and parses the file; NOT_FOUND when it cannot be opened.
absl::StatusOr<std::vector<XEducationRow>> ReadXEducationCsv(const std::string& path);

// Last Activity → engagement kind: Email Opened → EMAIL_OPEN, Email Link Clicked → EMAIL_CLICK, Form
// Submitted on Website and Converted to Lead → FORM_SUBMIT, Olark Chat Conversation → CHAT, Had a Phone
// Conversation → CALL, Page Visited on Website → PAGE_VIEW, Visited Booth in Tradeshow → VISIT, any other
// non-empty text → OTHER; empty → UNSPECIFIED (no engagement).
v1::EngagementKind XEducationActivityKind(absl::string_view last_activity);

// The row as a decided lead. INVALID_ARGUMENT when Lead Number is empty or Converted is not 0 or 1.
absl::StatusOr<Example> XEducationExample(const XEducationRow& row);

}  // namespace sfa::lead::predictive

#endif  // SFA_SERVICES_LEAD_PREDICTIVE_XEDUCATION_FEATURES_H_
