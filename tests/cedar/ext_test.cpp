// Cedar's extension types against the Rust implementation's behaviour
// (cedar-policy-core/src/extensions/{decimal,ipaddr,datetime}.rs and their unit tests), the
// Lean spec (cedar-spec Cedar/Spec/Ext) and the hand-written integration tests under
// conformance/cedar/tests/{decimal,ip}.
#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "cedar/ext/extensions.h"

namespace eksguard::cedar::ext {
namespace {

constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();

// Parse helpers for tests that only use valid literals: a bad literal fails the test loudly.
Decimal dec(std::string_view text) {
  auto d = Decimal::parse(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(*Decimal::parse("0.0"));
}
IpAddr ip(std::string_view text) {
  auto v = IpAddr::parse(text);
  EXPECT_TRUE(v.has_value()) << text;
  return v.value_or(*IpAddr::parse("0.0.0.0"));
}
Duration dur(std::string_view text) {
  auto d = Duration::parse(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(Duration::from_millis(0));
}
Datetime dt(std::string_view text) {
  auto d = Datetime::parse(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(Datetime::from_millis(0));
}

// ---------------------------------------------------------------------------------------------
// decimal

struct DecimalCase {
  std::string_view text;
  int64_t scaled;
  std::string_view canonical;
};

TEST(DecimalTest, AcceptsAndScales) {
  for (const DecimalCase& c : std::initializer_list<DecimalCase>{
           {"1.0", 10000, "1.0000"},
           {"-1.0", -10000, "-1.0000"},
           {"123.456", 1234560, "123.4560"},
           {"0.1234", 1234, "0.1234"},
           {"-0.0123", -123, "-0.0123"},
           {"55.1", 551000, "55.1000"},
           {"1.05", 10500, "1.0500"},
           // The sign is the '-', not the integer part's sign (cedar#1964).
           {"-0.5", -5000, "-0.5000"},
           {"-0.0001", -1, "-0.0001"},
           {"-0.0", 0, "0.0000"},
           {"0.0000", 0, "0.0000"},
           {"007.50", 75000, "7.5000"},
           {"0000000000000000000000000000001.0", 10000, "1.0000"},
           {"922337203685477.5807", kI64Max, "922337203685477.5807"},
           {"-922337203685477.5808", kI64Min, "-922337203685477.5808"},
           {"922337203685477.0", 9223372036854770000, "922337203685477.0000"},
           {"-922337203685477.5807", kI64Min + 1, "-922337203685477.5807"},
       }) {
    const auto d = Decimal::parse(c.text);
    ASSERT_TRUE(d.has_value()) << c.text;
    EXPECT_EQ(d->scaled(), c.scaled) << c.text;
    EXPECT_EQ(d->to_string(), c.canonical) << c.text;
  }
}

TEST(DecimalTest, Rejects) {
  for (std::string_view text : {
           "",
           ".",
           "-",
           "-.",
           "1",
           "-1",
           "1.",
           "-1.",
           ".5",
           "-.5",
           "+1.0",
           "--1.0",
           "1.-0",
           "1.00000",  // five fraction digits
           "0.12345",
           "1.2.3",
           "1..2",
           " 1.0",
           "1.0 ",
           "1,0",
           "1.0\n",
           "0x1.0",
           "1.a",
           "a.1",
           "1e2.0",
           "1.0e2",
           "1_000.0",
           "١.٠",                    // Arabic-Indic digits: Rust's \d matches them,
                                     // but i64::from_str then refuses them
           "922337203685477.5808",   // max + 1
           "-922337203685477.5809",  // min - 1
           "922337203685478.0",
           "-922337203685478.0",
           "9223372036854775807.0",  // the integer part fits i64 but not once scaled
           "99999999999999999999.0",
       }) {
    EXPECT_FALSE(Decimal::parse(text).has_value()) << text;
  }
  EXPECT_FALSE(Decimal::parse(std::string_view("1.0\0", 4)).has_value());
}

TEST(DecimalTest, EqualityAndOrderingAreByValue) {
  EXPECT_EQ(dec("1.0"), dec("1.0000"));
  EXPECT_EQ(dec("01.10"), dec("1.1"));
  EXPECT_EQ(dec("-0.0"), dec("0.0"));
  EXPECT_NE(dec("-0.5"), dec("0.5"));
  EXPECT_LT(dec("-0.5"), dec("0.0"));
  EXPECT_LT(dec("-1.5"), dec("-1.4999"));
  EXPECT_LT(dec("1.4999"), dec("1.5"));
  EXPECT_LT(dec("-922337203685477.5808"), dec("922337203685477.5807"));
  EXPECT_LE(dec("2.5"), dec("2.50"));
  EXPECT_GE(dec("2.5"), dec("2.50"));
  EXPECT_GT(dec("10.0"), dec("9.9999"));
}

// conformance/cedar/tests/decimal/{1,2}.json: greaterThan(0.75); between 0.4 and 0.5.
TEST(CedarExtConformance, DecimalPolicies) {
  EXPECT_TRUE(dec("0.8") > dec("0.75"));
  EXPECT_FALSE(dec("0.2345") > dec("0.75"));
  const auto in_band = [](std::string_view s) {
    return dec(s) >= dec("0.4") && dec(s) <= dec("0.5");
  };
  EXPECT_TRUE(in_band("0.455"));
  EXPECT_FALSE(in_band("0.0001"));
  EXPECT_FALSE(in_band("0.9"));
}

// ---------------------------------------------------------------------------------------------
// ipaddr

struct IpCase {
  std::string_view text;
  bool v6;
  int prefix;
  std::string_view canonical;
};

TEST(IpAddrTest, Accepts) {
  for (const IpCase& c : std::initializer_list<IpCase>{
           {"127.0.0.1", false, 32, "127.0.0.1/32"},
           {"0.0.0.0", false, 32, "0.0.0.0/32"},
           {"255.255.255.255", false, 32, "255.255.255.255/32"},
           {"10.0.0.1/24", false, 24, "10.0.0.1/24"},  // host bits kept
           {"127.0.0.1/0", false, 0, "127.0.0.1/0"},
           {"127.0.0.1/32", false, 32, "127.0.0.1/32"},
           {"255.255.255.255/32", false, 32, "255.255.255.255/32"},
           {"::1", true, 128, "::1/128"},
           {"::", true, 128, "::/128"},
           {"::/0", true, 0, "::/0"},
           {"ffee::11", true, 128, "ffee::11/128"},
           {"ffee::/64", true, 64, "ffee::/64"},
           {"FFEE::/0", true, 0, "ffee::/0"},
           {"ffee::/128", true, 128, "ffee::/128"},
           {"1:2:3:4:5:6:7:8", true, 128, "1:2:3:4:5:6:7:8/128"},
           // 43 bytes, the longest input Cedar takes.
           {"0001:0002:0003:0004:0005:0006:0007:0008/128", true, 128, "1:2:3:4:5:6:7:8/128"},
           {"1::", true, 128, "1::/128"},
           {"1:2:3:4:5:6:7::", true, 128, "1:2:3:4:5:6:7:0/128"},
           {"::2:3:4:5:6:7:8", true, 128, "0:2:3:4:5:6:7:8/128"},  // one zero group: no "::"
           {"1:0:0:1:0:0:0:1", true, 128, "1:0:0:1::1/128"},       // the longest run
           {"1:0:0:2:0:0:3:4", true, 128, "1::2:0:0:3:4/128"},     // the first of equal runs
           {"2001:DB8:0:0:0:0:0:1/32", true, 32, "2001:db8::1/32"},
           {"0:0:0:0:0:0:0:0", true, 128, "::/128"},
           // IPv4-mapped in hex is fine; Rust would print it "::ffff:255.0.0.1".
           {"::ffff:ff00:1", true, 128, "::ffff:ff00:1/128"},
       }) {
    const auto v = IpAddr::parse(c.text);
    ASSERT_TRUE(v.has_value()) << c.text;
    EXPECT_EQ(v->is_ipv6(), c.v6) << c.text;
    EXPECT_EQ(v->is_ipv4(), !c.v6) << c.text;
    EXPECT_EQ(v->prefix_len(), c.prefix) << c.text;
    EXPECT_EQ(v->to_string(), c.canonical) << c.text;
  }
}

TEST(IpAddrTest, RejectsAddresses) {
  for (std::string_view text : {
           "",
           "?",
           "380.0.0.1",
           "256.0.0.1",
           "1.2.3.256",
           "1.2.3",
           "1.2.3.4.5",
           "1.2.3.",
           ".1.2.3",
           "1..2.3",
           "ab.ab.ab.ab",
           "-1.2.3.4",
           "+1.2.3.4",
           "1.2.3.-4",
           // Rust refuses leading zeros in octets (no octal ambiguity) and more than 3 digits.
           "01.2.3.4",
           "1.2.3.04",
           "1.2.3.00",
           "0001.2.3.4",
           "1.2.3.0255",
           " 1.2.3.4",
           "1.2.3.4 ",
           "1.2.3.4\n",
           "1.2.3.4:80",
           "0x7f.0.0.1",
           "127.1",
           "foo::1",
           "g::1",
           "12345::",
           "::12345",
           "1:2:3:4:5:6:7",
           "1:2:3:4:5:6:7:8:9",
           "1::2::3",
           ":::",
           "1:::2",
           ":1::2",
           "1::2:",
           ":1:2:3:4:5:6:7:8",
           "1:2:3:4:5:6:7:8:",
           "::1:2:3:4:5:6:7:8",  // "::" must stand for at least one group
           "1:2:3:4:5:6:7:8::",
           "1:2:3:4::5:6:7:8",
           // IPv4 embedded in IPv6 is refused by Cedar whatever the form.
           "::ffff:127.0.0.1",
           "::127.0.0.1",
           "64:ff9b::1.2.3.4",
           "1:2:3:4:5:6:1.2.3.4",
           "::1.2",
           // No zone ids, brackets or whitespace.
           "fe80::1%eth0",
           "fe80::1%1",
           "[::1]",
           "[::1]/128",
           ":: 1",
           // 44 bytes.
           "0001:0002:0003:0004:0005:0006:0007:0008/0128",
       }) {
    EXPECT_FALSE(IpAddr::parse(text).has_value()) << text;
  }
  EXPECT_FALSE(IpAddr::parse(std::string_view("1.2.3.4\0", 8)).has_value());
}

TEST(IpAddrTest, RejectsPrefixes) {
  for (std::string_view text : {
           "127.0.0.1/8/24", "fee::/64::1", "172.0.0.1/64", "1.2.3.4/33",
           "1.2.3.4/100",    "ffee::/129",  "ffee::/132",   "ffee::/1234",
           "ffee::/+1",      "1.2.3.4/-1",
           "ffee::/01",  // no leading zeros
           "1.2.3.4/01",     "1.2.3.4/00",  "ffee::/00",    "ffee::/000",
           "1.2.3.4/",       "ffee::/",     "/8",           "/",
           "1.2.3.4/ 8",     "1.2.3.4/8 ",  "ffee::/0x1",   "1.2.3.4//8",
           "1.2.3.4/8/",
       }) {
    EXPECT_FALSE(IpAddr::parse(text).has_value()) << text;
  }
}

TEST(IpAddrTest, PrefixBoundaries) {
  EXPECT_EQ(ip("1.2.3.4/32").prefix_len(), 32);
  EXPECT_FALSE(IpAddr::parse("1.2.3.4/33").has_value());
  EXPECT_EQ(ip("::1/128").prefix_len(), 128);
  EXPECT_FALSE(IpAddr::parse("::1/129").has_value());
  EXPECT_EQ(ip("::1/99").prefix_len(), 99);
  EXPECT_EQ(ip("1.2.3.4/9").prefix_len(), 9);
  EXPECT_EQ(ip("::/0").prefix_len(), 0);
}

TEST(IpAddrTest, OctetBoundaries) {
  EXPECT_EQ(ip("255.0.0.0").bytes()[0], 255);
  EXPECT_FALSE(IpAddr::parse("256.0.0.0").has_value());
  EXPECT_EQ(ip("0.0.0.9").bytes()[3], 9);
  EXPECT_EQ(ip("ffff::").bytes()[0], 0xff);
  EXPECT_EQ(ip("ffff::").bytes()[1], 0xff);
  EXPECT_EQ(ip("::abcd").bytes()[14], 0xab);
  EXPECT_EQ(ip("::abcd").bytes()[15], 0xcd);
}

TEST(IpAddrTest, Equality) {
  EXPECT_EQ(ip("127.0.0.1"), ip("127.0.0.1"));
  EXPECT_NE(ip("192.168.0.1"), ip("8.8.8.8"));
  EXPECT_EQ(ip("10.0.0.0/32"), ip("10.0.0.0"));  // a single address is a /32
  EXPECT_NE(ip("10.0.0.0/24"), ip("10.0.0.0"));
  EXPECT_NE(ip("10.0.0.0/24"), ip("10.0.0.1/24"));  // host bits count
  EXPECT_NE(ip("10.0.0.1/24"), ip("10.0.0.1/29"));
  EXPECT_EQ(ip("::1"), ip("0:0:0:0:0:0:0:1"));
  EXPECT_EQ(ip("::1"), ip("::0001/128"));
  EXPECT_NE(ip("127.0.0.1"), ip("::1"));
  EXPECT_NE(ip("127.0.0.1"), ip("::ffff:7f00:1"));  // IPv4 and IPv6 never equal
  EXPECT_NE(ip("0.0.0.0/0"), ip("::/0"));
}

TEST(IpAddrTest, OrderingFollowsRustsDerivedOrd) {
  EXPECT_LT(ip("255.255.255.255"), ip("::"));  // every IPv4 before every IPv6
  EXPECT_LT(ip("10.0.0.1"), ip("10.0.0.2"));
  EXPECT_LT(ip("9.255.255.255"), ip("10.0.0.0"));
  EXPECT_LT(ip("10.0.0.1/8"), ip("10.0.0.1/24"));
  EXPECT_LT(ip("10.0.0.0/32"), ip("10.0.0.1/0"));  // address before prefix
  EXPECT_LT(ip("::1"), ip("::2"));
  EXPECT_LT(ip("fe80::"), ip("ff00::"));
}

struct FlagCase {
  std::string_view text;
  bool expected;
};

TEST(IpAddrTest, IsLoopback) {
  for (const FlagCase& c : std::initializer_list<FlagCase>{
           {"127.0.0.1", true},
           {"127.0.0.2", true},
           {"127.255.255.255", true},
           {"127.0.0.1/8", true},
           {"127.0.0.1/7", false},  // the range takes in non-loopback addresses
           {"127.255.200.200/0", false},
           {"128.0.0.1", false},
           {"126.255.255.255", false},
           {"::1", true},
           {"::1/128", true},
           {"::1/127", false},
           {"::2", false},
           {"::", false},
           {"::ffff:7f00:1", false},  // IPv4-mapped 127.0.0.1 is IPv6, not loopback
       }) {
    EXPECT_EQ(ip(c.text).is_loopback(), c.expected) << c.text;
  }
}

TEST(IpAddrTest, IsMulticast) {
  for (const FlagCase& c : std::initializer_list<FlagCase>{
           {"228.228.228.0", true},
           {"224.0.0.0", true},
           {"239.255.255.255", true},
           {"224.0.0.0/4", true},
           {"224.0.0.0/5", true},
           {"224.0.0.0/3", false},
           {"223.255.255.255", false},
           {"240.0.0.0", false},
           {"127.0.0.1", false},
           {"127.0.0.1/1", false},
           {"ff00::2", true},
           {"ff02::1", true},
           {"ff00::/8", true},
           {"ff00::/9", true},
           {"ff00::/7", false},
           {"fe00::", false},
           {"::ffff:e000:1", false},  // IPv4-mapped 224.0.0.1
       }) {
    EXPECT_EQ(ip(c.text).is_multicast(), c.expected) << c.text;
  }
}

struct RangeCase {
  std::string_view child;
  std::string_view parent;
  bool expected;
};

TEST(IpAddrTest, IsInRange) {
  for (const RangeCase& c : std::initializer_list<RangeCase>{
           // From ipaddr.rs's tests.
           {"192.168.0.1/24", "192.168.0.1/24", true},
           {"192.168.0.1", "192.168.0.1/28", true},
           {"192.168.0.10", "192.168.0.1/24", true},
           {"192.168.0.10", "192.168.0.1/28", true},
           {"192.168.0.75", "192.168.0.1/24", true},
           {"192.168.0.75", "192.168.0.1/28", false},
           {"192.168.0.1", "192.168.0.1", true},
           {"1:2:3:4::", "1:2:3:4::/48", true},
           {"1:2:3:4::", "1:2:3:4::/52", true},
           {"1:2:3:6::", "1:2:3:4::/48", true},
           {"1:2:3:6::", "1:2:3:4::/52", true},
           {"1:2:3:ffff::", "1:2:3:4::/48", true},
           {"1:2:3:ffff::", "1:2:3:4::/52", false},
           {"1:2:3:4::", "1:2:3:4::", true},
           {"192.168.0.1", "1:2:3:4::/48", false},
           {"10.0.0.0", "10.0.0.0/24", true},
           {"10.0.0.0", "10.0.0.0/32", true},
           {"10.0.0.0", "10.0.0.1/24", true},
           {"10.0.0.0", "10.0.0.1/32", false},
           {"10.0.0.1", "10.0.0.0/24", true},
           {"10.0.0.0/24", "10.0.0.0/32", false},
           {"10.0.0.0/32", "10.0.0.0/24", true},
           {"10.0.0.1/24", "10.0.0.0/24", true},
           {"10.0.0.0/24", "10.0.0.1/24", true},
           {"10.0.0.0/24", "10.0.0.0/29", false},
           {"10.0.0.0/29", "10.0.0.0/24", true},
           {"10.0.0.0/24", "10.0.0.1/29", false},
           {"10.0.0.0/29", "10.0.0.1/24", true},
           {"10.0.0.1/24", "10.0.0.0/29", false},
           {"10.0.0.1/29", "10.0.0.0/24", true},
           // Boundaries and extremes.
           {"192.168.0.255", "192.168.0.0/24", true},
           {"192.168.1.0", "192.168.0.0/24", false},
           {"192.167.255.255", "192.168.0.0/24", false},
           {"1.2.3.4", "0.0.0.0/0", true},
           {"0.0.0.0/0", "1.2.3.4/0", true},
           {"0.0.0.0/0", "0.0.0.0/1", false},
           {"255.255.255.255", "128.0.0.0/1", true},
           {"127.255.255.255", "128.0.0.0/1", false},
           {"ff7f::", "ff00::/9", true},
           {"ff80::", "ff00::/9", false},  // a prefix ending inside a byte
           {"::1", "::/0", true},
           {"::/0", "::/0", true},
           {"::/0", "::/1", false},
           {"2001:db8::1", "2001:db8::/32", true},
           {"2001:db9::1", "2001:db8::/32", false},
           {"2001:db8::/31", "2001:db8::/32", false},
           {"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::/32", true},
           // IPv4 and IPv6 never contain each other, mapped forms included.
           {"10.0.0.1", "::/0", false},
           {"::ffff:a00:1", "10.0.0.0/8", false},
           {"::/0", "0.0.0.0/0", false},
       }) {
    EXPECT_EQ(ip(c.child).is_in_range(ip(c.parent)), c.expected) << c.child << " in " << c.parent;
  }
}

// conformance/cedar/tests/ip/{1,2,3}.json.
TEST(CedarExtConformance, IpPolicies) {
  EXPECT_EQ(ip("222.222.222.222"), ip("222.222.222.222"));
  EXPECT_NE(ip("222.222.222.111"), ip("222.222.222.222"));
  const auto allowed = [](std::string_view s) {
    return !ip(s).is_loopback() && !ip(s).is_multicast();
  };
  EXPECT_TRUE(allowed("222.222.222.222"));
  EXPECT_FALSE(allowed("127.0.0.100"));
  EXPECT_FALSE(allowed("::1"));
  EXPECT_FALSE(allowed("228.222.222.222"));
  EXPECT_TRUE(ip("222.222.222.222").is_in_range(ip("222.222.222.0/24")));
  EXPECT_FALSE(ip("222.222.111.0").is_in_range(ip("222.222.222.0/24")));
}

// ---------------------------------------------------------------------------------------------
// duration

struct DurationCase {
  std::string_view text;
  int64_t ms;
};

TEST(DurationTest, Accepts) {
  for (const DurationCase& c : std::initializer_list<DurationCase>{
           {"1d2h3m4s5ms", 93784005},
           {"1d2h3m4s50ms", 93784050},
           {"-1d2h3m4s50ms", -93784050},  // the '-' negates the whole sum
           {"1h", 3600000},
           {"-10h", -36000000},
           {"5d3ms", 432000003},
           {"-3h5m", -11100000},
           {"1d", 86400000},
           {"1m", 60000},
           {"1s", 1000},
           {"1ms", 1},
           {"1m1ms", 60001},  // "m" then "ms"
           {"2h30m", 9000000},
           {"0ms", 0},
           {"-0ms", 0},
           {"0d0h0m0s0ms", 0},
           {"00001s", 1000},
           {"000000000000000000000000000001d", 86400000},
           {"90m", 5400000},  // units need not be normalised
           {"9223372036854775807ms", kI64Max},
           {"-9223372036854775808ms", kI64Min},  // the ms count is read through i128
           {"106751991167d", 9223372036828800000},
           {"106751991167d7h12m55s807ms", kI64Max},
           {"-106751991167d7h12m55s808ms", kI64Min},
           {"9223372036854775s807ms", kI64Max},
       }) {
    const auto d = Duration::parse(c.text);
    ASSERT_TRUE(d.has_value()) << c.text;
    EXPECT_EQ(d->millis(), c.ms) << c.text;
  }
}

TEST(DurationTest, Rejects) {
  for (std::string_view text : {
           "",
           "a",
           "-",
           "--1d",
           "+1d",
           "-1",
           "1",
           "d",
           "-d",
           "-h",
           "-ms",
           "1x",
           "1D",
           "1H",
           "1MS",
           "11dd",
           "00000mm",
           "-1hh",
           "-h2d",
           "1dh",
           " 1d",
           "1d ",
           "1 d",
           "1.5h",
           "1y",
           "1w",
           "1us",
           "1d-1h",
           "1d+1h",
           "1d\n",
           "➖1ms",
           "1msms",
           // Units out of order or repeated.
           "1d1d",
           "1h1d",
           "1ms1s",
           "1ms1m",
           "1ms1h",
           "0ms1d",
           "1s1m",
           "1s1h",
           "0s0d",
           "0m0h",
           "0m0d",
           "1ms1m1d",
           "1h2h",
           "1s1ms1s",
           // One past the i64 range either way.
           "9223372036854775808ms",
           "-9223372036854775809ms",
           "106751991168d",
           "106751991167d7h12m55s808ms",
           "-106751991167d7h12m55s809ms",
           "9223372036854776s",
           "18446744073709551616ms",
           "99999999999999999999999999d",
       }) {
    EXPECT_FALSE(Duration::parse(text).has_value()) << text;
  }
}

TEST(DurationTest, ConversionsTruncateTowardZero) {
  struct Case {
    std::string_view text;
    int64_t seconds, minutes, hours, days;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"1d2h3m4s50ms", 93784, 1563, 26, 1},
           {"-1d2h3m4s50ms", -93784, -1563, -26, -1},
           {"10d23h59m58s999ms", 950398, 15839, 263, 10},
           {"-10d23h59m58s999ms", -950398, -15839, -263, -10},
           {"999ms", 0, 0, 0, 0},
           {"-999ms", 0, 0, 0, 0},
           {"59s999ms", 59, 0, 0, 0},
           {"-59m59s", -3599, -59, 0, 0},
           {"-23h59m59s999ms", -86399, -1439, -23, 0},
           {"-9223372036854775808ms", -9223372036854775, -153722867280912, -2562047788015,
            -106751991167},
       }) {
    const Duration d = dur(c.text);
    EXPECT_EQ(d.to_seconds(), c.seconds) << c.text;
    EXPECT_EQ(d.to_minutes(), c.minutes) << c.text;
    EXPECT_EQ(d.to_hours(), c.hours) << c.text;
    EXPECT_EQ(d.to_days(), c.days) << c.text;
  }
}

TEST(DurationTest, EqualityAndOrderingAreByValue) {
  EXPECT_EQ(dur("-3d"), dur("-72h"));
  EXPECT_EQ(dur("1h"), dur("60m"));
  EXPECT_EQ(dur("1s"), dur("1000ms"));
  EXPECT_LT(dur("-2h"), dur("1h"));
  EXPECT_LE(dur("-2h"), dur("1h"));
  EXPECT_NE(dur("-2h"), dur("1h"));
  EXPECT_GT(dur("2h"), dur("1h"));
  EXPECT_GT(dur("1d"), dur("23h59m59s999ms"));
  EXPECT_LT(dur("-1ms"), dur("0ms"));
}

TEST(DurationTest, ToStringIsMillisecondsAndRoundTrips) {
  for (const auto& [text, canonical] :
       std::initializer_list<std::pair<std::string_view, std::string_view>>{
           {"1h", "3600000ms"},
           {"-1d2h3m4s50ms", "-93784050ms"},
           {"0d", "0ms"},
           {"-0s", "0ms"},
           {"-9223372036854775808ms", "-9223372036854775808ms"},
           {"106751991167d7h12m55s807ms", "9223372036854775807ms"},
       }) {
    EXPECT_EQ(dur(text).to_string(), canonical) << text;
    EXPECT_EQ(dur(canonical), dur(text)) << text;
  }
}

// ---------------------------------------------------------------------------------------------
// datetime

struct DatetimeCase {
  std::string_view text;
  int64_t ms;
  std::string_view literal;
};

TEST(DatetimeTest, Accepts) {
  for (const DatetimeCase& c : std::initializer_list<DatetimeCase>{
           {"1970-01-01", 0, "1970-01-01T00:00:00Z"},
           {"2024-10-15", 1728950400000, "2024-10-15T00:00:00Z"},
           {"2024-10-15T11:38:02Z", 1728992282000, "2024-10-15T11:38:02Z"},
           {"2024-10-15T11:38:02.101Z", 1728992282101, "2024-10-15T11:38:02.101Z"},
           // "+hhmm" is ahead of UTC, so it is subtracted.
           {"2024-10-15T11:38:02.101+1134", 1728950642101, "2024-10-15T00:04:02.101Z"},
           {"2024-10-15T11:38:02.101-1134", 1729033922101, "2024-10-15T23:12:02.101Z"},
           {"2024-10-15T11:38:02+1134", 1728950642000, "2024-10-15T00:04:02Z"},
           {"2024-10-15T23:59:00+2359", 1728950400000, "2024-10-15T00:00:00Z"},
           {"2024-10-15T00:00:00-2359", 1729036740000, "2024-10-15T23:59:00Z"},
           {"2024-10-28", 1730073600000, "2024-10-28T00:00:00Z"},
           {"2024-10-28T01:22:33.456Z", 1730078553456, "2024-10-28T01:22:33.456Z"},
           {"2024-10-28T10:12:13.456-0700", 1730135533456, "2024-10-28T17:12:13.456Z"},
           {"2024-01-01T00:00:00.000Z", 1704067200000, "2024-01-01T00:00:00Z"},
           {"2024-01-01T00:00:00+0000", 1704067200000, "2024-01-01T00:00:00Z"},
           {"2024-01-01T00:00:00-0000", 1704067200000, "2024-01-01T00:00:00Z"},
           {"1969-12-31T23:59:59.999Z", -1, "1969-12-31T23:59:59.999Z"},
           {"1900-01-01", -2208988800000, "1900-01-01T00:00:00Z"},
           // Leap days: every 4 years, not every 100, but every 400 (year 0000 included).
           {"2024-02-29", 1709164800000, "2024-02-29T00:00:00Z"},
           {"2000-02-29", 951782400000, "2000-02-29T00:00:00Z"},
           {"0000-02-29", -62162121600000, "0000-02-29T00:00:00Z"},
           {"2024-12-31T23:59:59.999Z", 1735689599999, "2024-12-31T23:59:59.999Z"},
           // The ends of the range, and past them by an offset.
           {"0000-01-01", -62167219200000, "0000-01-01T00:00:00Z"},
           {"9999-12-31T23:59:59.999Z", 253402300799999, "9999-12-31T23:59:59.999Z"},
           {"0000-01-01T00:00:00+2359", -62167305540000, "0000-01-01T00:00:00+2359"},
           {"0000-01-01T00:00:00+0100", -62167222800000, "0000-01-01T00:00:00+0100"},
           {"0000-01-01T00:30:00+0100", -62167221000000, "0000-01-01T00:00:00+0030"},
           {"0000-01-01T00:00:00.001+0001", -62167219259999, "0000-01-01T00:00:00.001+0001"},
           {"9999-12-31T23:59:59.999-2359", 253402387139999, "9999-12-31T23:59:59.999-2359"},
           {"9999-12-31T23:30:00-0100", 253402302600000, "9999-12-31T23:59:00-0031"},
       }) {
    const auto d = Datetime::parse(c.text);
    ASSERT_TRUE(d.has_value()) << c.text;
    EXPECT_EQ(d->millis(), c.ms) << c.text;
    ASSERT_TRUE(d->to_literal().has_value()) << c.text;
    EXPECT_EQ(*d->to_literal(), c.literal) << c.text;
    EXPECT_EQ(d->to_string(), c.literal) << c.text;
    EXPECT_EQ(dt(c.literal), *d) << c.text;
  }
}

TEST(DatetimeTest, Rejects) {
  for (std::string_view text : {
           // Patterns (datetime.rs's test_parse_neg).
           "",
           "a",
           "-",
           "-1",
           "11-12-13",
           "1111-1x-20",
           "2024-10-15Z",
           "2024-10-15T11:38:02ZZ",
           "0000-0a-01",
           "10000-01-01",
           "10000-01-01T00:00:00Z",
           "22024-30-28T10:12:13.456-0700",
           "+2024-01-01",
           "-2024-01-01",
           "2024-1-01",
           "2024-01-1",
           "2024/01/01",
           " 2024-01-01",
           "2024-01-01 ",
           "2024-01-01\n",
           "2024-01-01T",
           "2024-01-01Ta",
           "2024-01-01T01:",
           "2024-01-01T01:02",
           "2024-01-01T01:02:0b",
           "2024-01-01T01::02:03",
           "2024-01-01T01::02::03",
           "2024-01-01T00:00Z",
           "2024-01-01 00:00:00Z",
           "2024-01-01t00:00:00Z",
           "2024-01-01T00:00:00z",
           "2024-01-01T00:00:00",
           "2024-01-01T00:00:00T",
           "2024-01-01T00:00:00ZZ",
           "2024-01-01T00:00:00x001Z",
           "2024-01-01T00:00:00.001ZZ",
           "2024-01-01T00:00:00➕0000",
           "2024-01-01T00:00:00➖0000",
           "2024-01-01T00:00:00.0001Z",
           "2024-01-01T00:00:00.001➖0000",
           "2024-01-01T00:00:00.001+00000",
           "2024-01-01T00:00:00.001-00000",
           "2024-01-01T00:00:00.1Z",
           "2024-01-01T00:00:00.12Z",
           "2024-01-01T00:00:00.Z",
           "2024-01-01T00:00:00.000",
           "2024-01-01T00:00:00.000+0100Z",
           "2024-01-01T00:00:00+01",
           "2024-01-01T00:00:00+100",
           "2024-01-01T00:00:00+01:00",
           "2024-01-01T00:00:00 +0100",
           "2024-01-01T00:00:00Z+0100",
           // Dates that do not exist.
           "2024-00-01",
           "2024-01-00",
           "2024-02-30",
           "2025-02-29",
           "2023-02-29",
           "1900-02-29",
           "2024-20-01",
           "2024-13-01",
           "2024-01-32",
           "2024-01-99",
           "2024-04-31",
           "2024-06-31",
           "2024-09-31",
           "2024-11-31",
           "2023-02-29T00:00:00Z",
           // Times: no hour 24 and no leap second.
           "2024-01-01T24:00:00Z",
           "2024-01-01T31:02:03Z",
           "2024-01-01T01:60:03Z",
           "2016-12-31T23:59:60Z",
           "2016-12-31T23:59:61Z",
           "2016-12-31T23:59:60.000Z",
           // Offsets: hh < 24, mm < 60.
           "2016-12-31T00:00:00+1160",
           "2016-12-31T00:00:00+1199",
           "2016-12-31T00:00:00+2400",
           "2016-12-31T00:00:00-2400",
       }) {
    EXPECT_FALSE(Datetime::parse(text).has_value()) << text;
  }
}

TEST(DatetimeTest, ComparisonsAndEquality) {
  EXPECT_GT(dt("2024-10-28T10:12:13.456-0700"), dt("2024-10-28T10:12:13.456Z"));
  EXPECT_NE(dt("2024-10-28T10:12:13.456-0700"), dt("2024-10-28T10:12:13.456Z"));
  EXPECT_EQ(dt("2024-10-28T10:12:13.456-0700"), dt("2024-10-28T17:12:13.456Z"));
  EXPECT_LT(dt("2024-10-28T10:12:13.456-0700"), dt("2024-10-28T17:12:13.456-0800"));
  EXPECT_EQ(dt("2024-10-28"), dt("2024-10-28T00:00:00.000Z"));
  EXPECT_LT(dt("1900-01-01"), dt("1970-01-01"));
}

TEST(DatetimeTest, Offset) {
  const Datetime epoch = Datetime::from_millis(0);
  EXPECT_EQ(epoch.offset(dur("1d")), dt("1970-01-02"));
  EXPECT_EQ(epoch.offset(dur("-1d")), dt("1969-12-31"));
  EXPECT_EQ(dt("2024-10-28T10:12:13.456-0700").offset(dur("-7h")), dt("2024-10-28T10:12:13.456Z"));
  EXPECT_EQ(dt("2024-10-28T10:12:13.456+0700").offset(dur("7h")), dt("2024-10-28T10:12:13.456Z"));
  const Datetime max = Datetime::from_millis(kI64Max);
  const Datetime min = Datetime::from_millis(kI64Min);
  EXPECT_FALSE(max.offset(dur("1ms")).has_value());
  EXPECT_EQ(max.offset(dur("-1ms")), Datetime::from_millis(kI64Max - 1));
  EXPECT_FALSE(min.offset(dur("-1ms")).has_value());
  EXPECT_EQ(min.offset(dur("1ms")), Datetime::from_millis(kI64Min + 1));
  EXPECT_EQ(epoch.offset(Duration::from_millis(kI64Min)), min);
}

TEST(DatetimeTest, DurationSince) {
  const Datetime epoch = Datetime::from_millis(0);
  EXPECT_EQ(dt("2024-10-24").duration_since(epoch), dur("20020d"));
  EXPECT_EQ(dt("2024-10-23").duration_since(dt("2024-10-24")), dur("-1d"));
  EXPECT_EQ(dt("2024-10-24").duration_since(dt("2024-10-23")), dur("1d"));
  EXPECT_EQ(dt("2024-10-28T10:12:13.456+0700").duration_since(dt("2024-10-28T10:12:13.456Z")),
            dur("-7h"));
  EXPECT_EQ(dt("2024-10-28T10:12:13.456-0700").duration_since(dt("2024-10-28T10:12:13.456Z")),
            dur("7h"));
  EXPECT_FALSE(dt("2024-10-24").duration_since(Datetime::from_millis(kI64Min)).has_value());
  EXPECT_FALSE(Datetime::from_millis(kI64Min).duration_since(dt("2024-10-24")).has_value());
  EXPECT_EQ(Datetime::from_millis(-1).duration_since(Datetime::from_millis(kI64Max)),
            Duration::from_millis(kI64Min));
}

TEST(DatetimeTest, ToDateAndToTime) {
  const Duration max_in_day = dur("23h59m59s999ms");
  const Duration min_in_day = dur("-23h59m59s999ms");
  for (std::string_view day :
       {"2024-10-24", "2024-10-23", "1970-01-01", "1900-01-01", "0000-01-01", "9999-12-31"}) {
    const Datetime d = dt(day);
    EXPECT_EQ(d.to_date(), d) << day;
    EXPECT_EQ(d.to_time(), Duration::from_millis(0)) << day;
    const Datetime late = *d.offset(max_in_day);
    EXPECT_EQ(late.to_date(), d) << day;
    EXPECT_EQ(late.to_time(), max_in_day) << day;
    // Before midnight is the previous day, even before the epoch: rounding is downward.
    const Datetime early = *d.offset(min_in_day);
    EXPECT_EQ(early.to_date(), d.offset(dur("-1d"))) << day;
    EXPECT_EQ(early.to_time(), dur("1ms")) << day;
  }
  EXPECT_EQ(dt("2024-10-28T10:12:13.456+0700").to_date(), dt("2024-10-28"));
  EXPECT_EQ(dt("2024-10-28T10:12:13.456-0700").to_date(), dt("2024-10-28"));
  EXPECT_EQ(dt("2024-10-28T10:12:13.456+0700").to_time(), dur("3h12m13s456ms"));
  EXPECT_EQ(dt("2024-10-28T10:12:13.456-0700").to_time(), dur("17h12m13s456ms"));
  EXPECT_EQ(Datetime::from_millis(-1).to_date(), dt("1969-12-31"));
  EXPECT_EQ(Datetime::from_millis(-1).to_time(), dur("23h59m59s999ms"));
  EXPECT_EQ(Datetime::from_millis(-86400000).to_time(), dur("0ms"));
  // Midnight of i64::MIN's day lies below the i64 range; i64::MAX's does not.
  EXPECT_FALSE(Datetime::from_millis(kI64Min).to_date().has_value());
  EXPECT_EQ(Datetime::from_millis(kI64Min).to_time(), Duration::from_millis(60424192));
  EXPECT_EQ(Datetime::from_millis(kI64Max).to_date(), Datetime::from_millis(9223372036828800000));
  EXPECT_EQ(Datetime::from_millis(kI64Max).to_time(), Duration::from_millis(25975807));
  // The first midnight in range has a date; one millisecond earlier does not.
  const int64_t first_midnight = kI64Min + (86400000 - 60424192);
  EXPECT_EQ(Datetime::from_millis(first_midnight).to_date(), Datetime::from_millis(first_midnight));
  EXPECT_FALSE(Datetime::from_millis(first_midnight - 1).to_date().has_value());
}

TEST(DatetimeTest, LiteralOnlyWhereADatetimeArgumentCanSpellIt) {
  const int64_t earliest = dt("0000-01-01T00:00:00+2359").millis();
  const int64_t latest = dt("9999-12-31T23:59:59.999-2359").millis();
  EXPECT_TRUE(Datetime::from_millis(earliest).to_literal().has_value());
  EXPECT_FALSE(Datetime::from_millis(earliest - 1).to_literal().has_value());
  EXPECT_TRUE(Datetime::from_millis(latest).to_literal().has_value());
  EXPECT_FALSE(Datetime::from_millis(latest + 1).to_literal().has_value());
  // Beyond them to_string() falls back to ISO 8601 expanded years.
  EXPECT_EQ(Datetime::from_millis(latest + 1).to_string(), "+10000-01-01T23:59:00Z");
  EXPECT_EQ(Datetime::from_millis(earliest - 1).to_string(), "-0001-12-31T00:00:59.999Z");
  EXPECT_EQ(Datetime::from_millis(kI64Max).to_string(), "+292278994-08-17T07:12:55.807Z");
  EXPECT_EQ(Datetime::from_millis(kI64Min).to_string(), "-292275055-05-16T16:47:04.192Z");
  EXPECT_FALSE(Datetime::from_millis(kI64Min).to_literal().has_value());
}

}  // namespace
}  // namespace eksguard::cedar::ext
