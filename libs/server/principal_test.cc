#include "server/principal.h"

#include <list>
#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sfa::server {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Metadata as gRPC hands it to a server: string_refs into storage that outlives the map.
class Metadata {
 public:
  Metadata& Add(std::string key, std::string value) {
    storage_.emplace_back(std::move(key), std::move(value));
    return *this;
  }
  std::multimap<grpc::string_ref, grpc::string_ref> Build() const {
    std::multimap<grpc::string_ref, grpc::string_ref> md;
    for (const auto& [k, v] : storage_) md.emplace(grpc::string_ref(k), grpc::string_ref(v));
    return md;
  }

 private:
  std::list<std::pair<std::string, std::string>> storage_;  // stable addresses
};

absl::Status StatusOf(const Metadata& md) { return PrincipalFromMetadata(md.Build()).status(); }

void ExpectUnauthenticated(const Metadata& md, const std::string& header) {
  absl::Status status = StatusOf(md);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated) << status;
  EXPECT_THAT(status.message(), HasSubstr(header));
}

TEST(PrincipalTest, ReadsEveryHeader) {
  Metadata md;
  md.Add("x-sfa-tenant", "acme")
      .Add("x-sfa-user", "jane.doe@acme.com")
      .Add("x-sfa-roles", "rep, Manager,rep")
      .Add("x-sfa-team", "emea-west")
      .Add("user-agent", "grpc-c++");
  absl::StatusOr<Principal> p = PrincipalFromMetadata(md.Build());
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->tenant, "acme");
  EXPECT_EQ(p->user, "jane.doe@acme.com");
  EXPECT_THAT(p->roles, ElementsAre("rep", "manager"));  // trimmed, lower-cased, de-duplicated
  EXPECT_EQ(p->team, "emea-west");
  EXPECT_TRUE(p->HasRole("manager"));
  EXPECT_FALSE(p->HasRole("admin"));
}

TEST(PrincipalTest, RolesAndTeamAreOptional) {
  Metadata md;
  md.Add("x-sfa-tenant", "acme").Add("x-sfa-user", "u1").Add("x-sfa-roles", " , ");
  absl::StatusOr<Principal> p = PrincipalFromMetadata(md.Build());
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_THAT(p->roles, IsEmpty());
  EXPECT_EQ(p->team, "");
}

TEST(PrincipalTest, MissingTenantIsUnauthenticated) {
  absl::Status status = StatusOf(Metadata().Add("x-sfa-user", "u1"));
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(status.message(), "missing x-sfa-tenant metadata");

  status = StatusOf(Metadata().Add("x-sfa-tenant", "").Add("x-sfa-user", "u1"));
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(status.message(), "missing x-sfa-tenant metadata");
}

TEST(PrincipalTest, RefusesBadTenants) {
  for (const char* tenant : {"Acme", "-acme", ".acme", "acme corp", "acme/evil", "acme\x01", "ac:me",
                             "a123456789012345678901234567890123456789012345678901234567890123x"}) {
    SCOPED_TRACE(tenant);
    ExpectUnauthenticated(Metadata().Add("x-sfa-tenant", tenant).Add("x-sfa-user", "u1"), "x-sfa-tenant");
  }
}

TEST(PrincipalTest, AcceptsTenantAlphabetUpTo64) {
  for (const std::string& tenant : {std::string("a"), std::string("0acme.eu_west-1"), std::string(64, 'z')}) {
    SCOPED_TRACE(tenant);
    EXPECT_TRUE(StatusOf(Metadata().Add("x-sfa-tenant", tenant).Add("x-sfa-user", "u1")).ok());
  }
}

TEST(PrincipalTest, UserIsRequiredAndCannotPoseAsSystem) {
  ExpectUnauthenticated(Metadata().Add("x-sfa-tenant", "acme"), "missing x-sfa-user");
  ExpectUnauthenticated(Metadata().Add("x-sfa-tenant", "acme").Add("x-sfa-user", "system:outbox"), "x-sfa-user");
  ExpectUnauthenticated(Metadata().Add("x-sfa-tenant", "acme").Add("x-sfa-user", std::string(129, 'u')), "x-sfa-user");
}

TEST(PrincipalTest, RefusesBadRolesAndTeam) {
  Metadata base;
  base.Add("x-sfa-tenant", "acme").Add("x-sfa-user", "u1");
  ExpectUnauthenticated(Metadata(base).Add("x-sfa-roles", "rep,sales manager"), "x-sfa-roles");
  ExpectUnauthenticated(Metadata(base).Add("x-sfa-team", "EMEA"), "x-sfa-team");
}

TEST(PrincipalTest, RefusesRepeatedHeaders) {
  ExpectUnauthenticated(Metadata().Add("x-sfa-tenant", "acme").Add("x-sfa-tenant", "other").Add("x-sfa-user", "u1"),
                        "x-sfa-tenant");
}

}  // namespace
}  // namespace sfa::server
