#include "opportunity/projections/rows.h"

namespace sfa::opportunity::projections {

absl::Time EventTime(const EventEnvelope& event) { return domain::ToTime(event.occurred_at()); }

void AddMoney(google::protobuf::RepeatedPtrField<common::v1::Money>* totals, const common::v1::Money& money, int sign) {
  int i = 0;
  while (i < totals->size() && totals->Get(i).currency() < money.currency()) ++i;
  if (i == totals->size() || totals->Get(i).currency() != money.currency()) {
    if (money.minor_units() == 0) return;
    common::v1::Money* entry = totals->Add();
    entry->set_currency(money.currency());
    for (int j = totals->size() - 1; j > i; --j) totals->SwapElements(j, j - 1);
  }
  common::v1::Money* entry = totals->Mutable(i);
  entry->set_minor_units(entry->minor_units() + sign * money.minor_units());
  if (entry->minor_units() == 0) totals->DeleteSubrange(i, 1);
}

}  // namespace sfa::opportunity::projections
