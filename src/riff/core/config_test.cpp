#include "riff/core/config.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace riff {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = std::filesystem::temp_directory_path() /
            ("riff-config-" + std::to_string(::getpid()) + ".toml");
    std::ofstream(file_)
        << "[server]\nlisten = \"127.0.0.1:7001\"\nio_threads = 3\n[auth]\nsession_days = 9\n";
  }
  void TearDown() override {
    std::filesystem::remove(file_);
    unsetenv("RIFF_LISTEN");
    unsetenv("RIFF_SESSION_DAYS");
  }
  std::filesystem::path file_;
};

TEST_F(ConfigTest, DefaultsWhenNothingIsGiven) {
  auto c = resolve_config({});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->port(), 8080);
  EXPECT_EQ(c->data_dir, "./riff-data");
  EXPECT_TRUE(c->db.empty());
}

TEST_F(ConfigTest, FileThenEnvironmentThenFlagsEachWin) {
  ConfigSources src{file_.string(), {}};
  auto from_file = resolve_config(src);
  ASSERT_TRUE(from_file);
  EXPECT_EQ(from_file->listen, "127.0.0.1:7001");
  EXPECT_EQ(from_file->io_threads, 3);
  EXPECT_EQ(from_file->session_days, 9);

  setenv("RIFF_LISTEN", "127.0.0.1:7002", 1);
  auto from_env = resolve_config(src);
  ASSERT_TRUE(from_env);
  EXPECT_EQ(from_env->listen, "127.0.0.1:7002");
  EXPECT_EQ(from_env->io_threads, 3);  // untouched keys keep the file's value

  src.flags.emplace_back("listen", "127.0.0.1:7003");
  auto from_flag = resolve_config(src);
  ASSERT_TRUE(from_flag);
  EXPECT_EQ(from_flag->listen, "127.0.0.1:7003");
}

TEST_F(ConfigTest, BadValuesAreRejectedNamingTheKey) {
  ConfigSources src;
  src.flags.emplace_back("listen", "nowhere");
  auto c = resolve_config(src);
  ASSERT_FALSE(c);
  EXPECT_NE(c.status().message().find("listen"), std::string::npos);

  setenv("RIFF_SESSION_DAYS", "-4", 1);
  auto c2 = resolve_config({});
  ASSERT_FALSE(c2);
  EXPECT_NE(c2.status().message().find("session-days"), std::string::npos);
}

TEST_F(ConfigTest, ForYouWeightsAndRoleTakeNumbersAndNamesOnly) {
  std::ofstream(file_)
      << "[recs]\nforyou_weight_like = 0.25\nforyou_weight_share = 3\nrole = \"learner\"\n";
  auto c = resolve_config({file_.string(), {}});
  ASSERT_TRUE(c) << c.status().message();
  EXPECT_DOUBLE_EQ(c->foryou_weight_like, 0.25);
  EXPECT_DOUBLE_EQ(c->foryou_weight_share, 3.0);
  EXPECT_DOUBLE_EQ(c->foryou_weight_completion, 1.0);
  EXPECT_EQ(c->recs_role, "learner");

  for (const char* bad : {"abc", "-1", "nan", "1e9", ""}) {
    ConfigSources src;
    src.flags.emplace_back("foryou-weight-like", bad);
    auto r = resolve_config(src);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.status().message().find("foryou-weight-like"), std::string::npos);
  }
  ConfigSources role;
  role.flags.emplace_back("recs-role", "leader");
  EXPECT_FALSE(resolve_config(role));
}

TEST_F(ConfigTest, MusicCountriesTakeATomlArrayOrACommaListOfIsoCodes) {
  std::ofstream(file_)
      << "[music]\ncountries = [\"in\", \"ID\", \"BR\"]\ndefault_country = \"br\"\n";
  auto c = resolve_config({file_.string(), {}});
  ASSERT_TRUE(c) << c.status().message();
  EXPECT_EQ(c->music_countries, "BR,ID,IN");
  EXPECT_EQ(c->music_default_country, "BR");

  ConfigSources flags;
  flags.flags.emplace_back("music-countries", "IN, XX");
  auto bad = resolve_config(flags);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("music-countries"), std::string::npos);
  ConfigSources dflt;
  dflt.flags.emplace_back("music-default-country", "India");
  EXPECT_FALSE(resolve_config(dflt));
}

TEST_F(ConfigTest, MalformedTomlIsAnError) {
  std::ofstream(file_) << "[server\nlisten=";
  auto c = resolve_config({file_.string(), {}});
  ASSERT_FALSE(c);
  EXPECT_NE(c.status().message().find("config file"), std::string::npos);
}

}  // namespace
}  // namespace riff
