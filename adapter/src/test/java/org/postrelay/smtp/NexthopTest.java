package org.postrelay.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** relayhost syntax in and out. */
class NexthopTest {

    @Test
    void bracketsShouldTurnMxLookupOff() {
        assertEquals(new Nexthop("127.0.0.1", 2525, false), Nexthop.parse("[127.0.0.1]:2525"));
        assertEquals(new Nexthop("smtp.gmail.com", 587, false), Nexthop.parse("[smtp.gmail.com]:587"));
        assertEquals(new Nexthop("relay.example.com", 25, false), Nexthop.parse("[relay.example.com]"));
    }

    @Test
    void bareHostShouldKeepMxLookupAndDefaultPort() {
        assertEquals(new Nexthop("example.com", 25, true), Nexthop.parse("example.com"));
        assertEquals(new Nexthop("example.com", 2525, true), Nexthop.parse(" example.com:2525 "));
    }

    @Test
    void ipv6ShouldBeWrittenAsPostfixDoes() {
        Nexthop n = Nexthop.parse("[ipv6:::1]:2525");
        assertEquals(new Nexthop("::1", 2525, false), n);
        assertEquals("[ipv6:::1]:2525", n.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[127.0.0.1]:2525", "[relay.example.com]", "example.com", "example.com:587"})
    void toStringShouldGiveBackTheRelayhostSyntax(String relayhost) {
        assertEquals(relayhost, Nexthop.parse(relayhost).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[127.0.0.1", "[]:25", "host:", "host:x", "host:70000", "a b", "[h]x", "::1"})
    void badValueShouldBeRefusedNamingIt(String relayhost) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Nexthop.parse(relayhost));
        assertTrue(e.getMessage().contains("\"" + relayhost + "\""), e.getMessage());
    }

    @Test
    void defaultPortShouldApplyOnlyWithoutAPort() {
        assertEquals(new Nexthop("example.com", 2525, true), Nexthop.parse("example.com", 2525));
        assertEquals(new Nexthop("relay.example.com", 587, false), Nexthop.parse("[relay.example.com]:587", 2525));
    }

    @Test
    void serviceNamesShouldBeKnownPorts() {
        assertEquals(587, Nexthop.parse("[relay.example.com]:submission").port());
        assertEquals(465, Nexthop.parse("[relay.example.com]:smtps").port());
        assertEquals(25, Nexthop.port("smtp"));
    }

    @Test
    void listShouldSplitOnCommasAndSpaces() {
        assertEquals(List.of(new Nexthop("a.example", 587, false), new Nexthop("b.example", 587, false),
                new Nexthop("c.example", 2525, true)),
                Nexthop.parseList(" [a.example]:587,[b.example]:587  c.example", 2525));
        assertEquals(List.of(), Nexthop.parseList("  ", 25));
    }
}
