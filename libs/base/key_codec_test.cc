#include "base/key_codec.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace sfa::base {
namespace {

TEST(KeyCodecTest, StringsRoundTripIncludingZeroBytes) {
  std::vector<std::string> samples = {"", "a", std::string("a\0b", 3), std::string("\0", 1),
                                      std::string("\0\xff\x01", 3), "tenant-1"};
  for (const std::string& s : samples) {
    KeyBuilder b;
    b.String(s).Uint64(42);
    KeyReader r(b.key());
    auto got = r.String();
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, s);
    auto n = r.Uint64();
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 42u);
    EXPECT_TRUE(r.done());
  }
}

TEST(KeyCodecTest, EncodedOrderEqualsTupleOrder) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> len(0, 4), byte(0, 3), num(-3, 3);
  const char alphabet[] = {'\0', '\x01', 'a', '\xff'};
  struct Tuple {
    std::string s;
    int64_t i;
    std::string t;
  };
  std::vector<Tuple> tuples;
  for (int n = 0; n < 2000; ++n) {
    Tuple t;
    for (int k = len(rng); k > 0; --k) t.s.push_back(alphabet[byte(rng)]);
    t.i = num(rng) * 1'000'000'000'000LL;
    for (int k = len(rng); k > 0; --k) t.t.push_back(alphabet[byte(rng)]);
    tuples.push_back(t);
  }
  auto encode = [](const Tuple& t) { return KeyBuilder().String(t.s).Int64(t.i).String(t.t).Release(); };
  auto tuple_less = [](const Tuple& a, const Tuple& b) {
    // Compare strings as unsigned bytes, like RocksDB's bytewise comparator.
    auto ucmp = [](const std::string& x, const std::string& y) {
      return std::lexicographical_compare(x.begin(), x.end(), y.begin(), y.end(),
                                          [](char p, char q) { return (unsigned char)p < (unsigned char)q; });
    };
    if (a.s != b.s) return ucmp(a.s, b.s);
    if (a.i != b.i) return a.i < b.i;
    return ucmp(a.t, b.t);
  };
  for (size_t n = 0; n + 1 < tuples.size(); ++n) {
    const Tuple& a = tuples[n];
    const Tuple& b = tuples[n + 1];
    std::string ka = encode(a), kb = encode(b);
    int key_cmp = ka.compare(kb) < 0 ? -1 : (ka == kb ? 0 : 1);
    // std::string::compare uses char_traits<char>, which compares as unsigned char.
    int tuple_cmp = tuple_less(a, b) ? -1 : (tuple_less(b, a) ? 1 : 0);
    EXPECT_EQ(key_cmp, tuple_cmp) << n;
  }
}

TEST(KeyCodecTest, PrefixOfOneStringIsNotPrefixOfAnother) {
  // "ab" must not be found when scanning the prefix of "a": the terminator separates them.
  std::string a = KeyBuilder().String("a").Release();
  std::string ab = KeyBuilder().String("ab").Release();
  EXPECT_NE(ab.compare(0, a.size(), a), 0);
}

TEST(KeyCodecTest, MalformedKeysAreDataLoss) {
  EXPECT_FALSE(KeyReader("abc").String().ok());
  EXPECT_FALSE(KeyReader(std::string("a\0\x07", 3)).String().ok());
  EXPECT_FALSE(KeyReader("1234567").Uint64().ok());
}

TEST(KeyCodecTest, PrefixSuccessor) {
  EXPECT_EQ(PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(PrefixSuccessor(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixSuccessor(std::string("\xff\xff", 2)), "");
}

TEST(KeyCodecTest, Int64OrderAcrossSign) {
  EXPECT_LT(KeyBuilder().Int64(-1).key(), KeyBuilder().Int64(0).key());
  EXPECT_LT(KeyBuilder().Int64(INT64_MIN).key(), KeyBuilder().Int64(-1).key());
  EXPECT_LT(KeyBuilder().Int64(0).key(), KeyBuilder().Int64(INT64_MAX).key());
  EXPECT_EQ(*KeyReader(KeyBuilder().Int64(-5).key()).Int64(), -5);
}

}  // namespace
}  // namespace sfa::base
