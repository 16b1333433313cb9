#include "lead/domain/dedup_keys.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace sfa::lead::domain {
namespace {

TEST(DedupKeysTest, NormalizeEmail) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"  Jane.Doe@Example.COM ", "jane.doe@example.com"},
      {"jane.doe+news@example.com", "jane.doe+news@example.com"},  // plus kept outside Gmail
      {"Jane.Doe+news@gmail.com", "janedoe@gmail.com"},
      {"j.a.n.e.doe@googlemail.com", "janedoe@gmail.com"},
      {"no-at-sign", ""},
      {"@example.com", ""},
      {"jane@", ""},
      {"+tag@gmail.com", ""},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(NormalizeEmail(in), want) << in;
}

TEST(DedupKeysTest, NormalizePhone) {
  struct Case {
    std::string in;
    std::string calling_code;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"+44 20 7946 0958", "", "442079460958"},
      {"0044 (20) 7946-0958", "1", "442079460958"},
      {"020 7946 0958", "44", "442079460958"},  // trunk 0 dropped, country code added
      {"(415) 555-0132", "1", "14155550132"},
      {"415.555.0132", "", "4155550132"},  // no default: national digits kept
      {"12-34", "44", ""},                 // too short
      {"", "44", ""},
  };
  for (const Case& c : cases) EXPECT_EQ(NormalizePhone(c.in, c.calling_code), c.want) << c.in;
}

TEST(DedupKeysTest, NormalizeNamesAndCompanies) {
  EXPECT_EQ(NormalizeName("  Jean-Luc   PICARD "), "jean luc picard");
  EXPECT_EQ(NormalizeName("J.P. O'Brien"), "jp obrien");
  EXPECT_EQ(NormalizeCompany("Acme, Inc."), "acme");
  EXPECT_EQ(NormalizeCompany("ACME GmbH"), "acme");
  EXPECT_EQ(NormalizeCompany("Inc"), "inc");  // a legal form alone is the name
  EXPECT_EQ(CompanyPersonKey("Acme Ltd", "Jane  Doe"), "acme|jane doe");
  EXPECT_EQ(CompanyPersonKey("", "Jane Doe"), "");
  EXPECT_EQ(CompanyPersonKey("Acme", "  "), "");
}

TEST(DedupKeysTest, DuplicateKeysInPrecedenceOrder) {
  v1::Person person;
  person.set_name("Jane Doe");
  person.set_email("Jane.Doe@Example.com");
  person.set_phone("020 7946 0958");
  v1::Company company;
  company.set_name("Acme Ltd");
  const auto keys = DuplicateKeys(person, company, "44");
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0], std::make_pair(v1::DUPLICATE_MATCH_EMAIL, std::string("jane.doe@example.com")));
  EXPECT_EQ(keys[1], std::make_pair(v1::DUPLICATE_MATCH_PHONE, std::string("442079460958")));
  EXPECT_EQ(keys[2], std::make_pair(v1::DUPLICATE_MATCH_COMPANY_AND_NAME, std::string("acme|jane doe")));
  EXPECT_TRUE(DuplicateKeys(v1::Person(), company, "44").empty());
}

}  // namespace
}  // namespace sfa::lead::domain
