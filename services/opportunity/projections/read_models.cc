#include "opportunity/projections/projections.h"

namespace sfa::opportunity::projections {

std::vector<eventstore::Projection*> ReadModels::All() {
  return {&org_, &pipeline_, &account_, &contact_, &opportunity_, &activity_, &comment_};
}

}  // namespace sfa::opportunity::projections
