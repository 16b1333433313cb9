#include "base/metrics.h"

#include "gtest/gtest.h"

namespace sfa::base {
namespace {

TEST(MetricsTest, CountersGaugesAndHistogramsRenderInPrometheusText) {
  MetricsRegistry registry;
  auto& rpcs = registry.AddCounter("sfa_rpcs_total", "RPCs handled.", {"method", "code"});
  rpcs.WithLabels({"/sfa.X/Get", "OK"}).Inc();
  rpcs.WithLabels({"/sfa.X/Get", "OK"}).Inc(2);
  registry.AddGauge("sfa_outbox_pending", "Events not yet delivered.").Get().Set(7);
  auto& lat = registry.AddHistogram("sfa_rpc_seconds", "Latency.", {"method"}, {0.1, 1});
  lat.WithLabels({"m"}).Observe(0.05);
  lat.WithLabels({"m"}).Observe(0.5);
  lat.WithLabels({"m"}).Observe(5);

  std::string text = registry.Serialize();
  EXPECT_NE(text.find("# TYPE sfa_rpcs_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("sfa_rpcs_total{method=\"/sfa.X/Get\",code=\"OK\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("sfa_outbox_pending 7\n"), std::string::npos);
  EXPECT_NE(text.find("sfa_rpc_seconds_bucket{method=\"m\",le=\"0.1\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("sfa_rpc_seconds_bucket{method=\"m\",le=\"1\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("sfa_rpc_seconds_bucket{method=\"m\",le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("sfa_rpc_seconds_count{method=\"m\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("sfa_rpc_seconds_sum{method=\"m\"} 5.55\n"), std::string::npos);
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  MetricsRegistry registry;
  registry.AddCounter("c", "h", {"l"}).WithLabels({"a\"b\\c"}).Inc();
  EXPECT_NE(registry.Serialize().find("c{l=\"a\\\"b\\\\c\"} 1"), std::string::npos);
}

TEST(MetricsTest, RegisteringTwiceReturnsTheSameFamily) {
  MetricsRegistry registry;
  auto& a = registry.AddCounter("x_total", "h", {"k"});
  auto& b = registry.AddCounter("x_total", "h", {"k"});
  EXPECT_EQ(&a, &b);
}

}  // namespace
}  // namespace sfa::base
