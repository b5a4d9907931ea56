package org.postrelay.smtpd;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.postrelay.config.ConfigException;

class MynetworksTest {

    private static boolean in(Mynetworks networks, String address) {
        return networks.contains(IpLiterals.parse(address));
    }

    @Test
    void postfixsLoopbackDefaultShouldMatchLoopbackOnly() {
        Mynetworks n = Mynetworks.parse(List.of("127.0.0.0/8", "[::ffff:127.0.0.0]/104", "[::1]/128"));
        assertTrue(in(n, "127.0.0.1"));
        assertTrue(in(n, "127.255.0.9"));
        assertTrue(in(n, "::1"));
        assertFalse(in(n, "128.0.0.1"));
        assertFalse(in(n, "10.0.0.1"));
        assertFalse(in(n, "::2"));
        assertFalse(in(n, "fe80::1"));
    }

    @Test
    void prefixesAndBareAddressesShouldMatchBitExactly() {
        Mynetworks n = Mynetworks.parse(List.of("127.0.0.1/32", "192.0.2.7", "198.51.100.0/23", "[2001:db8::]/33",
                "[2001:db8:ffff::5]"));
        assertTrue(in(n, "127.0.0.1"));
        assertTrue(in(n, "192.0.2.7"));
        assertFalse(in(n, "192.0.2.8"));
        assertTrue(in(n, "198.51.101.255"));
        assertTrue(in(n, "2001:db8:7fff::1"));
        assertFalse(in(n, "2001:db8:8000::1"));
        assertTrue(in(n, "2001:db8:ffff::5"));
        assertFalse(in(n, "2001:db9::1"));
        assertTrue(in(Mynetworks.parse(List.of("0.0.0.0/0")), "203.0.113.1"));   // every IPv4 address
        Mynetworks one = Mynetworks.parse(List.of("127.0.0.1/32"));
        assertFalse(in(one, "127.0.0.2"));
    }

    @Test
    void anIpv4MappedNetworkShouldMatchIpv4Clients() {
        Mynetworks n = Mynetworks.parse(List.of("[::ffff:192.0.2.0]/120"));
        assertTrue(in(n, "192.0.2.200"));
        assertFalse(in(n, "192.0.3.1"));
    }

    @Test
    void whatWeCannotMatchShouldStopTheStartNamingTheValue() {
        assertBad("127.0.0.1/8", "non-null host address bits; perhaps you mean 127.0.0.0/8");
        assertBad("[::1]/64", "perhaps you mean [::]/64");
        assertBad("[::ffff:127.0.0.1]/104", "perhaps you mean [::ffff:127.0.0.0]/104");
        assertBad("10.0.0.0/33", "the prefix length is at most 32");
        assertBad("10.0.0.0/", "the prefix length after / must be a number");
        assertBad("300.1.1.1", "\"300.1.1.1\" is not an IP address");
        assertBad("mail.example.com", "host names, type:table lookups, /file/name patterns and ! exclusions are not");
        assertBad("[::1::2]", "\"::1::2\" is not an IP address");
        assertBad("hash:/etc/postfix/network_table", "not supported");
        assertBad("!192.0.2.1", "not supported");
    }

    private static void assertBad(String item, String why) {
        ConfigException e = assertThrows(ConfigException.class, () -> Mynetworks.parse(List.of("127.0.0.0/8", item)));
        assertTrue(e.getMessage().startsWith("bad value for parameter mynetworks: \"" + item + "\": "), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }
}
