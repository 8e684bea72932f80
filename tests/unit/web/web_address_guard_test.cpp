#include "web/address_guard.h"

#include <gtest/gtest.h>

namespace strata::web {
namespace {

AddressClass of(const char* text) {
  const std::optional<AddressClass> kind = classify_address(text);
  EXPECT_TRUE(kind.has_value()) << text;
  return kind.value_or(AddressClass::public_address);
}

TEST(WebAddressGuard, ClassifiesEveryIpv4RangeAtItsEdges) {
  EXPECT_EQ(of("127.0.0.1"), AddressClass::loopback);
  EXPECT_EQ(of("127.255.255.254"), AddressClass::loopback);
  EXPECT_EQ(of("10.0.0.1"), AddressClass::private_net);
  EXPECT_EQ(of("10.255.255.255"), AddressClass::private_net);
  EXPECT_EQ(of("172.16.0.1"), AddressClass::private_net);
  EXPECT_EQ(of("172.31.255.255"), AddressClass::private_net);
  EXPECT_EQ(of("172.15.255.255"), AddressClass::public_address);
  EXPECT_EQ(of("172.32.0.0"), AddressClass::public_address);
  EXPECT_EQ(of("192.168.1.1"), AddressClass::private_net);
  EXPECT_EQ(of("192.169.0.1"), AddressClass::public_address);
  EXPECT_EQ(of("100.64.0.1"), AddressClass::shared);
  EXPECT_EQ(of("100.127.255.255"), AddressClass::shared);
  EXPECT_EQ(of("100.128.0.0"), AddressClass::public_address);
  EXPECT_EQ(of("169.254.169.254"), AddressClass::link_local);
  EXPECT_EQ(of("224.0.0.1"), AddressClass::multicast);
  EXPECT_EQ(of("239.255.255.255"), AddressClass::multicast);
  EXPECT_EQ(of("0.0.0.0"), AddressClass::unspecified);
  EXPECT_EQ(of("255.255.255.255"), AddressClass::reserved);
  EXPECT_EQ(of("93.184.216.34"), AddressClass::public_address);
  EXPECT_EQ(of("8.8.8.8"), AddressClass::public_address);
}

TEST(WebAddressGuard, ClassifiesIpv6) {
  EXPECT_EQ(of("::1"), AddressClass::loopback);
  EXPECT_EQ(of("[::1]"), AddressClass::loopback);
  EXPECT_EQ(of("::"), AddressClass::unspecified);
  EXPECT_EQ(of("fc00::1"), AddressClass::private_net);
  EXPECT_EQ(of("fd12:3456::1"), AddressClass::private_net);
  EXPECT_EQ(of("fe80::1"), AddressClass::link_local);
  EXPECT_EQ(of("febf::1"), AddressClass::link_local);
  EXPECT_EQ(of("ff02::1"), AddressClass::multicast);
  EXPECT_EQ(of("2001:db8::1"), AddressClass::public_address);
  EXPECT_EQ(of("2606:4700::1111"), AddressClass::public_address);
}

TEST(WebAddressGuard, ClassesIpv4InIpv6ByTheIpv4AddressTheyReach) {
  EXPECT_EQ(of("::ffff:127.0.0.1"), AddressClass::loopback);
  EXPECT_EQ(of("::ffff:7f00:1"), AddressClass::loopback);
  EXPECT_EQ(of("::ffff:169.254.169.254"), AddressClass::link_local);
  EXPECT_EQ(of("::ffff:10.0.0.1"), AddressClass::private_net);
  EXPECT_EQ(of("::ffff:8.8.8.8"), AddressClass::public_address);
  EXPECT_EQ(of("::10.0.0.1"), AddressClass::private_net);        // IPv4-compatible
  EXPECT_EQ(of("64:ff9b::a9fe:a9fe"), AddressClass::link_local);  // NAT64 of 169.254.169.254
}

TEST(WebAddressGuard, SaysWhenTextIsNoAddress) {
  EXPECT_FALSE(classify_address("example.com").has_value());
  EXPECT_FALSE(classify_address("").has_value());
  EXPECT_FALSE(classify_address("10.0.0.1.example").has_value());
}

}  // namespace
}  // namespace strata::web
