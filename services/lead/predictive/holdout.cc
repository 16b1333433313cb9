#include "lead/predictive/holdout.h"

#include <cstdint>

namespace sfa::lead::predictive {
namespace {

uint64_t StableHash(absl::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a offset basis
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;  // FNV prime
  }
  // FNV-1a's low bits follow the last characters closely (ids often end in a counter); splitmix64's
  // finaliser spreads every input bit over the whole word before the modulo.
  hash ^= hash >> 30;
  hash *= 0xbf58476d1ce4e5b9ULL;
  hash ^= hash >> 27;
  hash *= 0x94d049bb133111ebULL;
  hash ^= hash >> 31;
  return hash;
}

}  // namespace

bool InHoldout(absl::string_view lead_id, int holdout_percent) {
  if (holdout_percent <= 0) return false;
  if (holdout_percent >= 100) return true;
  return StableHash(lead_id) % 100 < static_cast<uint64_t>(holdout_percent);
}

}  // namespace sfa::lead::predictive
