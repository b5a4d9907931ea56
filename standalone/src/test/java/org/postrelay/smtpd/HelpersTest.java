package org.postrelay.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small parsers behind smtpd: MAIL/RCPT arguments, addresses as Postfix prints them, the greeting, hosts. */
class HelpersTest {

    @Test
    void pathArgumentsShouldBeParsedLikePostfixsLenientDefault() {
        assertEquals(new PathArgument("a@example.com", List.of()), PathArgument.parse("FROM:<a@example.com>", "FROM:"));
        assertEquals(new PathArgument("a@example.com", List.of()), PathArgument.parse("from: <a@example.com>", "FROM:"));
        assertEquals(new PathArgument("a@example.com", List.of("SIZE=10", "BODY=8BITMIME")),
                PathArgument.parse("FROM:a@example.com SIZE=10  BODY=8BITMIME", "FROM:"));
        assertEquals(new PathArgument("", List.of()), PathArgument.parse("FROM:<>", "FROM:"));
        assertEquals(new PathArgument("\"odd > name\"@example.com", List.of()),
                PathArgument.parse("TO:<\"odd > name\"@example.com>", "TO:"));
        assertNull(PathArgument.parse("TO:<a@example.com", "TO:"));
        assertNull(PathArgument.parse("TO:<a@example.com>junk", "TO:"));
        assertNull(PathArgument.parse("TO:", "TO:"));
        assertNull(PathArgument.parse("FROM:<a@example.com>", "TO:"));
    }

    @Test
    void addressesShouldPrintAsPostfixPrintsThem() {
        assertEquals("127.0.0.1", IpLiterals.text(IpLiterals.parse("127.0.0.1")));
        assertEquals("::1", IpLiterals.text(IpLiterals.parse("::1")));
        assertEquals("::", IpLiterals.text(IpLiterals.parse("::")));
        assertEquals("2001:db8::1", IpLiterals.text(IpLiterals.parse("2001:db8:0:0:0:0:0:1")));
        assertEquals("fe80::1:0:0:1", IpLiterals.text(IpLiterals.parse("fe80:0:0:0:1:0:0:1")));
        assertEquals("2001:db8:0:1:1:1:1:1", IpLiterals.text(IpLiterals.parse("2001:db8:0:1:1:1:1:1")));
        assertNull(IpLiterals.parse("localhost"));               // never a DNS look-up
        assertNull(IpLiterals.parse("256.0.0.1"));
    }

    @Test
    void theGreetingShouldBeTheBannerAsTheLibraryWritesIt() {
        assertEquals(new Greeting("mx.example.com", "Postrelay", Optional.empty()),
                Greeting.of("mx.example.com ESMTP Postrelay"));
        assertEquals(new Greeting("mx.example.com", "Postrelay (Debian) ready", Optional.empty()),
                Greeting.of("mx.example.com ESMTP Postrelay (Debian) ready"));
        assertEquals(new Greeting("mx.example.com", "", Optional.empty()), Greeting.of("mx.example.com ESMTP"));
        assertTrue(Greeting.of("mx.example.com hello").warning().orElseThrow().contains("does not contain \"ESMTP\""));
    }

    @Test
    void clientNamesShouldComeFromTheHostsFileOnly(@TempDir Path dir) throws Exception {
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, """
                # comment
                127.0.0.1   localhost first-alias
                127.0.0.1   second
                ::1         ip6-localhost ip6-loopback   # trailing comment
                192.0.2.9   box.example.com
                not-an-address name
                """);
        ClientNames names = ClientNames.fromHostsFile(hosts);
        assertEquals("localhost", names.nameOf(IpLiterals.parse("127.0.0.1")));
        assertEquals("ip6-localhost", names.nameOf(IpLiterals.parse("::1")));
        assertEquals("box.example.com", names.nameOf(IpLiterals.parse("192.0.2.9")));
        assertEquals("unknown", names.nameOf(IpLiterals.parse("127.0.0.2")));
        assertEquals("unknown", ClientNames.fromHostsFile(dir.resolve("missing")).nameOf(IpLiterals.parse("127.0.0.1")));
    }
}
