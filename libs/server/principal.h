#ifndef SFA_LIBS_SERVER_PRINCIPAL_H_
#define SFA_LIBS_SERVER_PRINCIPAL_H_

// Who is calling: the tenant every key starts with, the user recorded as the actor of every change, and
// the roles and team that decide what they may see. PrincipalFromMetadata is the single place call
// metadata becomes a Principal; verified bearer tokens (signed JWT) will plug in here, and nowhere else.

#include <grpcpp/server_context.h>
#include <grpcpp/support/string_ref.h>

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace sfa::server {

inline constexpr char kTenantHeader[] = "x-sfa-tenant";
inline constexpr char kUserHeader[] = "x-sfa-user";
inline constexpr char kRolesHeader[] = "x-sfa-roles";
inline constexpr char kTeamHeader[] = "x-sfa-team";

struct Principal {
  std::string tenant;              // 1..64 of [a-z0-9._-], starting with a letter or digit
  std::string user;                // 1..128 of [A-Za-z0-9._@+-], starting with a letter or digit
  std::vector<std::string> roles;  // lower-case, de-duplicated, in the order given; may be empty
  std::string team;                // same alphabet as tenant; empty when the caller has none

  bool HasRole(const std::string& role) const;
};

// Reads x-sfa-tenant, x-sfa-user, x-sfa-roles (comma-separated) and x-sfa-team.
//
// Every failure is UNAUTHENTICATED and names the header: tenant and user are required (a change must
// never be recorded as made by nobody, and the user alphabet has no ':' so no caller can pose as a
// "system:<component>" actor); a header given twice is refused rather than guessed between.
absl::StatusOr<Principal> PrincipalFromMetadata(
    const std::multimap<grpc::string_ref, grpc::string_ref>& client_metadata);

// PrincipalFromMetadata(context->client_metadata()), for callback and sync handlers alike.
absl::StatusOr<Principal> PrincipalFromContext(const grpc::ServerContextBase* context);

}  // namespace sfa::server

#endif  // SFA_LIBS_SERVER_PRINCIPAL_H_
