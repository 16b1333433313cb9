#include "tools/sfa/settings.h"

#include <map>

#include "gtest/gtest.h"

namespace sfa::tools::cli {
namespace {

Environment Env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

GlobalFlags Identity() {
  GlobalFlags f;
  f.tenant = "demo";
  f.user = "me";
  return f;
}

TEST(SettingsTest, DefaultsToLoopbackAndTheStackPorts) {
  absl::StatusOr<Settings> s = ResolveSettings(Identity(), Env({}), Service::kLead);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->targets[0], "127.0.0.1:50051");
  EXPECT_EQ(s->targets[1], "127.0.0.1:50052");
  EXPECT_EQ(s->targets[2], "127.0.0.1:50053");
  EXPECT_EQ(s->targets[3], "127.0.0.1:50054");
  EXPECT_EQ(s->deadline, absl::Seconds(10));
}

TEST(SettingsTest, FlagsBeatTheEnvironmentAndTheSpecificBeatsTheGeneral) {
  const Environment env =
      Env({{"SFA_HOST", "envhost"}, {"SFA_TARGET_QUOTE", "quote.env:7000"}, {"SFA_OPPORTUNITY_GRPC_PORT", "60052"}});
  GlobalFlags f = Identity();
  EXPECT_EQ(ResolveTarget(f, env, Service::kLead, true), "envhost:50051");
  EXPECT_EQ(ResolveTarget(f, env, Service::kOpportunity, true), "envhost:60052");  // port as tools/stack moves it
  EXPECT_EQ(ResolveTarget(f, env, Service::kQuote, true), "quote.env:7000");
  f.host = "flaghost";
  EXPECT_EQ(ResolveTarget(f, env, Service::kQuote, true), "flaghost:50053");  // a flag beats any variable
  f.service_targets[static_cast<size_t>(Service::kQuote)] = "q:1";
  EXPECT_EQ(ResolveTarget(f, env, Service::kQuote, true), "q:1");
  f.target = "t:2";
  EXPECT_EQ(ResolveTarget(f, env, Service::kQuote, true), "t:2");
  EXPECT_EQ(ResolveTarget(f, env, Service::kLead, false), "flaghost:50051");  // --target is the command's only
}

TEST(SettingsTest, IdentityComesFromFlagsThenEnvironmentAndTenantIsRequired) {
  GlobalFlags f;
  absl::StatusOr<Settings> s = ResolveSettings(f, Env({{"USER", "alice"}}), Service::kLead);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("--tenant"), absl::string_view::npos);

  s = ResolveSettings(f, Env({{"SFA_TENANT", "demo"}, {"USER", "alice"}, {"SFA_ROLES", "admin,manager"}}),
                      Service::kLead);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->identity.tenant, "demo");
  EXPECT_EQ(s->identity.user, "alice");
  EXPECT_EQ(s->identity.roles, "admin,manager");
  EXPECT_EQ(s->identity.team, "");

  f.user = "bob";
  s = ResolveSettings(f, Env({{"SFA_TENANT", "demo"}, {"SFA_USER", "carol"}}), Service::kLead);
  EXPECT_EQ(s->identity.user, "bob");
  GlobalFlags no_user;
  no_user.tenant = "demo";
  EXPECT_FALSE(ResolveSettings(no_user, Env({}), Service::kLead).ok());  // no user at all
}

TEST(SettingsTest, DeadlineIsPositiveAndBounded) {
  GlobalFlags f = Identity();
  EXPECT_EQ(ResolveSettings(f, Env({{"SFA_DEADLINE", "2.5"}}), Service::kLead)->deadline, absl::Milliseconds(2500));
  f.deadline_seconds = 30;
  EXPECT_EQ(ResolveSettings(f, Env({{"SFA_DEADLINE", "2.5"}}), Service::kLead)->deadline, absl::Seconds(30));
  for (double bad : {0.0, -1.0, 7200.0}) {
    f.deadline_seconds = bad;
    EXPECT_FALSE(ResolveSettings(f, Env({}), Service::kLead).ok()) << bad;
  }
  EXPECT_FALSE(ResolveSettings(Identity(), Env({{"SFA_DEADLINE", "soon"}}), Service::kLead).ok());
}

}  // namespace
}  // namespace sfa::tools::cli
