#include "tools/sfa/money.h"

#include <limits>

#include "gtest/gtest.h"

namespace sfa::tools::cli {
namespace {

common::v1::Money M(int64_t minor, const std::string& currency) {
  common::v1::Money m;
  m.set_minor_units(minor);
  m.set_currency(currency);
  return m;
}

TEST(MoneyTest, FormatsMinorUnitsWithThousandsAndTheCurrencysDecimals) {
  EXPECT_EQ(FormatMoney(M(123456, "USD")), "1,234.56 USD");
  EXPECT_EQ(FormatMoney(M(5, "USD")), "0.05 USD");
  EXPECT_EQ(FormatMoney(M(-5, "EUR")), "-0.05 EUR");
  EXPECT_EQ(FormatMoney(M(-123456789, "USD")), "-1,234,567.89 USD");
  EXPECT_EQ(FormatMoney(M(0, "USD")), "0.00 USD");
  EXPECT_EQ(FormatMoney(M(1234567, "JPY")), "1,234,567 JPY");
  EXPECT_EQ(FormatMoney(M(1234567, "KWD")), "1,234.567 KWD");
  EXPECT_EQ(FormatMoney(M(100000, "")), "1,000.00");
  EXPECT_EQ(FormatAmount(std::numeric_limits<int64_t>::min(), "USD"), "-92,233,720,368,547,758.08");
}

TEST(MoneyTest, ListsOneEntryPerCurrency) {
  google::protobuf::RepeatedPtrField<common::v1::Money> list;
  EXPECT_EQ(FormatMoneyList(list), "-");
  *list.Add() = M(100, "USD");
  *list.Add() = M(250, "EUR");
  EXPECT_EQ(FormatMoneyList(list), "1.00 USD, 2.50 EUR");
}

TEST(MoneyTest, ParsesWhatAnOperatorTypesExactly) {
  for (const char* text :
       {"1234.56 USD", "1,234.56 USD", "USD 1234.56", "1234.56USD", "1234.56 usd", " 1234.56 USD "}) {
    absl::StatusOr<common::v1::Money> m = ParseMoney(text);
    ASSERT_TRUE(m.ok()) << text << ": " << m.status();
    EXPECT_EQ(m->minor_units(), 123456) << text;
    EXPECT_EQ(m->currency(), "USD") << text;
  }
  EXPECT_EQ(ParseMoney("4821", "USD")->minor_units(), 482100);
  EXPECT_EQ(ParseMoney("0.1 USD")->minor_units(), 10);
  EXPECT_EQ(ParseMoney("-12.5 EUR")->minor_units(), -1250);
  EXPECT_EQ(ParseMoney("1000 JPY")->minor_units(), 1000);
  EXPECT_EQ(ParseMoney("1.005 KWD")->minor_units(), 1005);
  // 0.29 through a double is 28.999...; the decimal text must give 29.
  EXPECT_EQ(ParseMoney("0.29 USD")->minor_units(), 29);
}

TEST(MoneyTest, RefusesWhatItCannotReadExactly) {
  EXPECT_EQ(ParseMoney("1234.56").status().code(), absl::StatusCode::kInvalidArgument);  // no currency
  EXPECT_NE(ParseMoney("1234.56").status().message().find("no currency"), absl::string_view::npos);
  EXPECT_FALSE(ParseMoney("1.005 USD").ok());  // more decimals than USD has
  EXPECT_FALSE(ParseMoney("1.5 JPY").ok());
  EXPECT_FALSE(ParseMoney("12 US").ok());
  EXPECT_FALSE(ParseMoney("1e3 USD").ok());
  EXPECT_FALSE(ParseMoney("USD").ok());
  EXPECT_FALSE(ParseMoney("1.2.3 USD").ok());
  EXPECT_FALSE(ParseMoney("99999999999999999999 USD").ok());  // overflow
}

}  // namespace
}  // namespace sfa::tools::cli
