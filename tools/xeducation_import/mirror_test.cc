// The importer's mapping against the reference mapping the lead service's model is measured with
// (services/lead/predictive/xeducation_features.h): for every row of the published file, what the import
// sends must add up to the reference's OutcomeFeatures, or the AUC the service reaches on imported leads
// is not the AUC its quality test promises.

#include <map>
#include <string>
#include <utility>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lead/predictive/xeducation_features.h"
#include "tools/xeducation_import/leads.h"
#include "tools/xeducation_import/mapping.h"

namespace sfa::tools::xeducation {
namespace {

using Totals = std::map<int, std::pair<int64_t, int64_t>>;  // kind -> (count, duration_seconds)

Totals SentTotals(const LeadPlan& plan) {
  Totals totals;
  for (const LeadCommand& command : plan.commands) {
    const auto* e = std::get_if<lv1::RecordEngagementRequest>(&command);
    if (e == nullptr) continue;
    auto& [count, duration] = totals[e->kind()];
    count += e->count() == 0 ? 1 : e->count();
    duration += e->duration_seconds();
  }
  return totals;
}

TEST(MirrorTest, EveryRowSendsWhatTheReferenceMappingDescribes) {
  absl::StatusOr<LeadData> mine = LoadLeads(SFA_XEDUCATION_DATA);
  ASSERT_TRUE(mine.ok()) << mine.status();
  absl::StatusOr<std::vector<lead::predictive::XEducationRow>> reference =
      lead::predictive::ReadXEducationCsv(SFA_XEDUCATION_DATA);
  ASSERT_TRUE(reference.ok()) << reference.status();
  ASSERT_EQ(mine->rows.size(), reference->size());

  for (size_t i = 0; i < reference->size(); ++i) {
    absl::StatusOr<lead::predictive::Example> example = lead::predictive::XEducationExample((*reference)[i]);
    ASSERT_TRUE(example.ok()) << example.status();
    const LeadRow& row = mine->rows[i];
    const LeadPlan plan = MapRow(row, /*held_out=*/false, MappingOptions(), nullptr);
    const auto& capture = std::get<lv1::CaptureLeadRequest>(plan.commands[0]);
    const lv1::OutcomeFeatures& want = example->features;
    SCOPED_TRACE(::testing::Message() << "line " << row.line << ", lead " << row.lead_number);

    ASSERT_EQ(capture.lead_id(), example->lead_id);
    ASSERT_EQ(row.converted, example->converted);
    ASSERT_EQ(capture.source().channel(), want.source().channel());
    ASSERT_EQ(capture.source().origin(), want.source().origin());
    ASSERT_EQ(capture.company().country(), want.company().country());
    ASSERT_EQ(capture.company().city(), want.company().city());
    std::map<std::string, std::string> sent(capture.attributes().begin(), capture.attributes().end());
    sent.erase("prospect_id");  // an identifier the brief asks to keep; the reference leaves it out
    const std::map<std::string, std::string> wanted(want.attributes().begin(), want.attributes().end());
    ASSERT_EQ(sent, wanted);
    Totals wanted_totals;
    for (const lv1::EngagementTotal& total : want.engagement()) {
      wanted_totals[total.kind()] = {total.count(), total.duration_seconds()};
    }
    ASSERT_EQ(SentTotals(plan), wanted_totals);
  }
}

}  // namespace
}  // namespace sfa::tools::xeducation
