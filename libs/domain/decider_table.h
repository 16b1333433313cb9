#ifndef SFA_LIBS_DOMAIN_DECIDER_TABLE_H_
#define SFA_LIBS_DOMAIN_DECIDER_TABLE_H_

// Test support: given-events / when-command / then-events tables for the deciders, text-proto builders
// and readable event comparison. Test-only; links gtest.

#include <initializer_list>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "domain/event.h"
#include "domain/support.h"

namespace sfa::domain {

// Joins text-proto fragments with blanks. clang-format trims the blanks at the edges of raw text protos,
// so no fragment may rely on its own.
template <typename... Parts>
std::string TextProto(const Parts&... parts) {
  return absl::StrJoin(std::initializer_list<std::string>{absl::StrCat(parts)...}, " ");
}

// A message from text format; a typo in a test's text proto fails the test rather than passing silently.
template <typename Message>
Message Pb(absl::string_view text) {
  Message message;
  if (!google::protobuf::TextFormat::ParseFromString(std::string(text), &message)) {
    ADD_FAILURE() << "bad text proto for " << Message::descriptor()->full_name() << ": " << text;
  }
  return message;
}

// `base` with the fields of `text` merged over it (repeated fields are appended).
template <typename Message>
Message With(Message base, absl::string_view text) {
  base.MergeFrom(Pb<Message>(text));
  return base;
}

template <typename Payload>
std::string Describe(const Event<Payload>& event) {
  return absl::StrCat(Rfc3339(event.occurred_at), " ", PayloadType(event.payload), " { ",
                      std::visit([](const auto& m) { return m.ShortDebugString(); }, event.payload), " }");
}

template <typename Payload>
std::string DescribeAll(const std::vector<Event<Payload>>& events) {
  std::string out;
  for (const auto& event : events) absl::StrAppend(&out, "    ", Describe(event), "\n");
  return events.empty() ? "    (none)\n" : out;
}

template <typename Payload>
bool SameEvent(const Event<Payload>& a, const Event<Payload>& b) {
  if (a.occurred_at != b.occurred_at || a.payload.index() != b.payload.index()) return false;
  return std::visit(
      [&](const auto& m) {
        using Message = std::decay_t<decltype(m)>;
        return google::protobuf::util::MessageDifferencer::Equals(m, std::get<Message>(b.payload));
      },
      a.payload);
}

template <typename Payload>
void ExpectEvents(const std::vector<Event<Payload>>& actual, const std::vector<Event<Payload>>& expected) {
  bool same = actual.size() == expected.size();
  for (size_t i = 0; same && i < actual.size(); ++i) same = SameEvent(actual[i], expected[i]);
  EXPECT_TRUE(same) << "events differ\n  expected:\n" << DescribeAll(expected) << "  actual:\n" << DescribeAll(actual);
}

// One row: given these events, when this command, then these events — or this status code with a
// message containing `message`.
template <typename EventT, typename Command>
struct DeciderCase {
  // Default member initializers let rows leave fields out without -Wmissing-field-initializers.
  std::string name = {};
  std::vector<EventT> given = {};
  Command when = {};
  std::vector<EventT> then = {};
  absl::StatusCode code = absl::StatusCode::kOk;
  std::string message = {};
};

// Folds `given` with Evolve, runs Decide, compares; on success also folds the new events, so every
// event a decider emits is one Evolve accepts.
template <typename State, typename EventT, typename Command>
void RunDeciderTable(const std::vector<DeciderCase<EventT, Command>>& table) {
  for (const auto& row : table) {
    SCOPED_TRACE(row.name);
    const State state = Fold(State{}, row.given);
    const absl::StatusOr<std::vector<EventT>> result = Decide(state, row.when);
    if (row.code != absl::StatusCode::kOk) {
      EXPECT_EQ(result.status().code(), row.code) << result.status();
      EXPECT_THAT(std::string(result.status().message()), ::testing::HasSubstr(row.message));
      continue;
    }
    ASSERT_TRUE(result.ok()) << result.status();
    ExpectEvents(*result, row.then);
    Fold(state, *result);
  }
}

}  // namespace sfa::domain

#endif  // SFA_LIBS_DOMAIN_DECIDER_TABLE_H_
