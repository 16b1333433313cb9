#include "tools/maventech_import/ids.h"

#include <string>

#include "gtest/gtest.h"

namespace sfa::tools::maventech {
namespace {

TEST(SlugTest, MakesIdsOfNames) {
  EXPECT_EQ(Slug("Acme Corporation"), "acme-corporation");
  EXPECT_EQ(Slug("Gekko & Co"), "gekko-co");
  EXPECT_EQ(Slug("Genco Pura Olive Oil Company"), "genco-pura-olive-oil-company");
  EXPECT_EQ(Slug("Green-Plus"), "green-plus");
  EXPECT_EQ(Slug("dambase"), "dambase");
  EXPECT_EQ(Slug("Mei-Mei Johns"), "mei-mei-johns");
  EXPECT_EQ(Slug("  The New York Inquirer!  "), "the-new-york-inquirer");
  EXPECT_EQ(Slug("Zürich AG"), "z-rich-ag");  // non-ASCII letters are separators
  EXPECT_EQ(Slug("&&"), "");
  EXPECT_EQ(Slug(""), "");
}

TEST(SlugTest, CutsLongNamesToTheIdLimitWithoutATrailingDash) {
  const std::string slug = Slug(std::string(63, 'a') + " b");
  EXPECT_EQ(slug, std::string(63, 'a'));
  EXPECT_EQ(Slug(std::string(100, 'x')).size(), kMaxIdLength);
}

TEST(SlugTest, EverySlugIsAValidIdOrEmpty) {
  for (const char* name : {"Acme Corporation", "X", "a.b", "1st & Main", "--x--", "Ω"}) {
    const std::string slug = Slug(name);
    EXPECT_TRUE(slug.empty() || IsValidId(slug)) << name << " -> " << slug;
  }
}

TEST(IsValidIdTest, FollowsTheServiceAlphabet) {
  for (const char* id : {"1C1I7A6R", "acme-corporation", "a.b_c:d@e-f", "0"}) EXPECT_TRUE(IsValidId(id)) << id;
  for (const char* id : {"", "-a", ".a", "a b", "a/b", "é"}) EXPECT_FALSE(IsValidId(id)) << id;
  EXPECT_TRUE(IsValidId(std::string(64, 'a')));
  EXPECT_FALSE(IsValidId(std::string(65, 'a')));
}

TEST(LooseKeyTest, IgnoresCaseBlanksAndPunctuation) {
  EXPECT_EQ(LooseKey("GTXPro"), LooseKey("GTX Pro"));
  EXPECT_EQ(LooseKey("GTX Plus Pro"), "gtxpluspro");
  EXPECT_NE(LooseKey("GTX Pro"), LooseKey("GTX Plus Pro"));
}

}  // namespace
}  // namespace sfa::tools::maventech
