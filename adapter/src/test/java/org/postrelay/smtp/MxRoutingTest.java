package org.postrelay.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postrelay.config.Config;
import org.postrelay.config.ConfigException;
import org.postrelay.testing.DnsResponder;
import org.postrelay.testing.ScriptedSmtpServer;

/**
 * Routing as Postfix's smtp_connect.c and smtp_addr.c do it, against a DNS responder and SMTP servers
 * on loopback: MX preference, A fallback, null MX, NXDOMAIN, SERVFAIL, relayhost lists,
 * smtp_fallback_relay, inet_protocols and the per-destination limits.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MxRoutingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String MESSAGE = "From: app@example.com\r\nSubject: routed\r\n\r\nbody\r\n";
    /** A loopback address where nothing listens: a server that is down. */
    private static final String DOWN = "127.0.0.2";

    private DnsResponder dns;
    private ScriptedSmtpServer server;
    private SmtpClient client;

    @BeforeEach
    void start() throws IOException {
        assertTrue(InetAddress.getByName(DOWN).isLoopbackAddress());
        dns = DnsResponder.start();
        server = ScriptedSmtpServer.start();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        server.close();
        dns.close();
    }

    /** A client routing by MX through the responder; destinations without a port go to the server's port. */
    private SmtpClient client(Map<String, String> overrides) {
        Map<String, String> p = new HashMap<>();
        p.put("myhostname", "relay-client.example.com");
        p.put("smtp_connect_timeout", "5s");
        p.put("smtp_tcp_port", Integer.toString(server.port()));
        p.put("smtp_randomize_addresses", "no");
        p.putAll(overrides);
        if (client != null) {
            client.close();
        }
        client = new SmtpClient(Config.of(p), dns.dns());
        return client;
    }

    private DeliveryReport deliver(String destination, String... recipients) {
        return client.deliver(destination, "app@example.com", List.of(recipients),
                MessageSource.of(MESSAGE.getBytes(StandardCharsets.UTF_8)));
    }

    private String at(String host, String address) {
        return host + "[" + address + "]:" + server.port();
    }

    @Test
    void lowestPreferenceShouldBeTriedFirstAndTheNextWhenItIsDown() {
        dns.mx("example.test", 20, "mx2.example.test").mx("example.test", 10, "mx1.example.test")
                .address("mx1.example.test", DOWN).address("mx2.example.test", "127.0.0.1");
        client(Map.of());

        DeliveryReport report = deliver("example.test", "a@example.test");

        assertEquals(Outcome.SENT, report.results().get(0).outcome(), report.toString());
        assertEquals(at("mx2.example.test", "127.0.0.1"), report.relay());
        assertEquals(List.of("a@example.test"), server.awaitMessages(1, WAIT).get(0).recipients());
        assertFalse(report.siteFailure());
        // the preferred one was asked for first, although the DNS listed it second
        List<String> q = dns.questions();
        assertTrue(q.indexOf("mx1.example.test/A") < q.indexOf("mx2.example.test/A"), q.toString());
    }

    @Test
    void preferredMxShouldGetTheMailWhenItIsUp() {
        dns.mx("example.test", 10, "mx1.example.test").mx("example.test", 20, "mx2.example.test")
                .address("mx1.example.test", "127.0.0.1").address("mx2.example.test", DOWN);
        client(Map.of());

        DeliveryReport report = deliver("example.test", "a@example.test");

        assertEquals(at("mx1.example.test", "127.0.0.1"), report.relay());
        assertEquals(Outcome.SENT, report.results().get(0).outcome());
        assertEquals(1, server.connections());
    }

    @Test
    void domainWithoutMxShouldGetMailAtItsOwnAddress() {
        dns.address("plain.test", "127.0.0.1");
        client(Map.of());

        DeliveryReport report = deliver("plain.test", "a@plain.test");

        assertEquals(Outcome.SENT, report.results().get(0).outcome(), report.toString());
        assertEquals(at("plain.test", "127.0.0.1"), report.relay());
        assertEquals(List.of("plain.test/MX", "plain.test/A", "plain.test/AAAA"), dns.questions());
    }

    @Test
    void mxHostBehindACnameShouldBeFollowed() {
        dns.mx("example.test", 10, "mail.example.test").cname("mail.example.test", "real.example.test")
                .address("real.example.test", "127.0.0.1");
        client(Map.of());

        DeliveryReport report = deliver("example.test", "a@example.test");

        assertEquals(Outcome.SENT, report.results().get(0).outcome(), report.toString());
        assertEquals(at("mail.example.test", "127.0.0.1"), report.relay());
    }

    @Test
    void mxNamingAnAddressShouldUseItWithoutALookup() {
        dns.mx("example.test", 10, "127.0.0.1");
        client(Map.of());

        DeliveryReport report = deliver("example.test", "a@example.test");

        assertEquals(at("127.0.0.1", "127.0.0.1"), report.relay());
        assertEquals(List.of("example.test/MX"), dns.questions());
    }

    @Test
    void nullMxShouldBounceWithoutConnecting() {
        dns.mx("nomail.test", 0, ".").address("nomail.test", "127.0.0.1");
        client(Map.of());

        DeliveryReport report = deliver("nomail.test", "a@nomail.test", "b@nomail.test");

        for (RecipientResult r : report.results()) {
            assertEquals(Outcome.BOUNCED, r.outcome());
            assertEquals("5.1.0", r.dsn());
            assertEquals("Domain nomail.test does not accept mail (nullMX)", r.reply());
        }
        assertEquals("none", report.relay());
        assertFalse(report.siteFailure());
        assertEquals(0, server.connections());
    }

    @Test
    void nonexistentDomainShouldBounceAfterTheAddressLookups() {
        client(Map.of());

        DeliveryReport report = deliver("nowhere.test", "a@nowhere.test");

        assertEquals(List.of(new RecipientResult("a@nowhere.test", Outcome.BOUNCED, "5.4.4",
                "Host or domain name not found. Name service error for name=nowhere.test type=AAAA: Host not found")),
                report.results());
        assertEquals("none", report.relay());
        assertFalse(report.siteFailure());
        assertEquals(List.of("nowhere.test/MX", "nowhere.test/A", "nowhere.test/AAAA"), dns.questions());
    }

    @Test
    void nonexistentDomainWithIpv4OnlyShouldNameTheALookup() {
        client(Map.of("inet_protocols", "ipv4"));

        DeliveryReport report = deliver("nowhere.test", "a@nowhere.test");

        assertEquals("Host or domain name not found. Name service error for name=nowhere.test type=A: Host not found",
                report.results().get(0).reply());
        assertEquals(List.of("nowhere.test/MX", "nowhere.test/A"), dns.questions());
    }

    @Test
    void servfailShouldDeferAsSiteFailure() {
        dns.servfail("broken.test");
        client(Map.of());

        DeliveryReport report = deliver("broken.test", "a@broken.test");

        assertEquals(List.of(new RecipientResult("a@broken.test", Outcome.DEFERRED, "4.4.3",
                "Host or domain name not found. Name service error for name=broken.test type=MX: Host not found,"
                        + " try again")), report.results());
        assertTrue(report.siteFailure());
        assertEquals(List.of("broken.test/MX"), dns.questions());   // no A fallback after a soft MX failure
    }

    @Test
    void dnsTimeoutShouldDefer() {
        dns.silent("slow.test");
        client = new SmtpClient(Config.of(Map.of("myhostname", "relay-client.example.com")),
                DnsResolver.using(dns.resolver(Duration.ofMillis(300))));

        DeliveryReport report = deliver("slow.test", "a@slow.test");

        assertEquals(Outcome.DEFERRED, report.results().get(0).outcome());
        assertEquals("4.4.3", report.results().get(0).dsn());
        assertTrue(report.results().get(0).reply().endsWith("type=MX: Host not found, try again"), report.toString());
    }

    @Test
    void mxHostsWithoutAddressesShouldBounce() {
        dns.mx("example.test", 10, "gone.example.test");
        client(Map.of("inet_protocols", "ipv4"));

        DeliveryReport report = deliver("example.test", "a@example.test");

        assertEquals(new RecipientResult("a@example.test", Outcome.BOUNCED, "5.4.4",
                "Host or domain name not found. Name service error for name=gone.example.test type=A: Host not found"),
                report.results().get(0));
    }

    @Test
    void bracketedHostShouldBeLookedUpWithoutMx() {
        dns.mx("relay.example.test", 10, "elsewhere.example.test").address("relay.example.test", "127.0.0.1");
        client(Map.of("inet_protocols", "ipv4"));

        DeliveryReport report = deliver("[relay.example.test]", "a@example.org");

        assertEquals(at("relay.example.test", "127.0.0.1"), report.relay());
        assertEquals(List.of("relay.example.test/A"), dns.questions());
    }

    @Test
    void hostWithPortWithoutBracketsShouldStillBeLookedUpByMx() {
        dns.mx("relay.example.test", 10, "mx.example.test").address("mx.example.test", "127.0.0.1");
        client(Map.of("inet_protocols", "ipv4", "smtp_tcp_port", "smtp"));

        DeliveryReport report = deliver("relay.example.test:" + server.port(), "a@example.org");

        assertEquals(at("mx.example.test", "127.0.0.1"), report.relay());
        assertEquals(Outcome.SENT, report.results().get(0).outcome());
    }

    @Test
    void numericAddressShouldNeedNoLookup() {
        client(Map.of());

        DeliveryReport report = deliver("[127.0.0.1]", "a@example.org");

        assertEquals(Outcome.SENT, report.results().get(0).outcome(), report.toString());
        assertEquals(at("127.0.0.1", "127.0.0.1"), report.relay());
        assertEquals(List.of(), dns.questions());
    }

    @Test
    void relayhostListShouldBeTriedInOrder() throws IOException {
        int closed = closedPort();
        client(Map.of("relayhost", "[127.0.0.1]:" + closed + ", [127.0.0.1]:" + server.port()));

        // separated by a space this time: relayhost syntax allows both
        DeliveryReport report = deliver("[127.0.0.1]:" + closed + " [127.0.0.1]:" + server.port(), "a@example.org");

        assertEquals(Outcome.SENT, report.results().get(0).outcome(), report.toString());
        assertEquals(at("127.0.0.1", "127.0.0.1"), report.relay());
        assertFalse(report.siteFailure());
    }

    @Test
    void relayhostThatDoesNotResolveShouldDeferAsConfigurationProblem() {
        client(Map.of("relayhost", "[nosuchrelay.test]", "inet_protocols", "ipv4"));

        DeliveryReport report = deliver("[nosuchrelay.test]", "a@example.org");

        assertEquals(List.of(new RecipientResult("a@example.org", Outcome.DEFERRED, "4.3.5",
                "Host or domain name not found. Name service error for name=nosuchrelay.test type=A: Host not found")),
                report.results());
        assertTrue(report.siteFailure());
    }

    @Test
    void bracketedHostThatIsNotTheRelayhostShouldBounceWhenItDoesNotExist() {
        client(Map.of("inet_protocols", "ipv4"));

        DeliveryReport report = deliver("[nosuchhost.test]", "a@example.org");

        assertEquals(Outcome.BOUNCED, report.results().get(0).outcome());
        assertEquals("5.4.4", report.results().get(0).dsn());
    }

    @Test
    void recipientDeferredByOneServerShouldBeOfferedToTheNext() {
        try (ScriptedSmtpServer second = ScriptedSmtpServer.start()) {
            server.onRcpt("b@example.org", "450 4.2.0 Mailbox busy");
            client(Map.of());

            DeliveryReport report = deliver("[127.0.0.1]:" + server.port() + ", [127.0.0.1]:" + second.port(),
                    "a@example.org", "b@example.org");

            assertEquals(Outcome.SENT, report.results().get(0).outcome());
            assertEquals(Outcome.SENT, report.results().get(1).outcome(), report.toString());
            assertEquals("127.0.0.1[127.0.0.1]:" + server.port(), report.relayOf("a@example.org"));
            assertEquals("127.0.0.1[127.0.0.1]:" + second.port(), report.relayOf("b@example.org"));
            assertEquals(List.of("a@example.org"), server.awaitMessages(1, WAIT).get(0).recipients());
            assertEquals(List.of("b@example.org"), second.awaitMessages(1, WAIT).get(0).recipients());
        }
    }

    @Test
    void fallbackRelayShouldTakeMailWhenTheNexthopRefusesConnections() throws IOException {
        int closed = closedPort();
        client(Map.of("smtp_fallback_relay", "[127.0.0.1]:" + server.port()));

        DeliveryReport report = deliver("[127.0.0.1]:" + closed, "a@example.org");

        assertEquals(Outcome.SENT, report.results().get(0).outcome(), report.toString());
        assertEquals(at("127.0.0.1", "127.0.0.1"), report.relay());
        assertEquals(1, server.awaitMessages(1, WAIT).size());
    }

    @Test
    void fallbackRelayShouldTakeRecipientsDeferredButNotBouncedByTheNexthop() {
        try (ScriptedSmtpServer fallback = ScriptedSmtpServer.start()) {
            server.onRcpt("later@example.org", "450 4.2.0 Mailbox busy")
                    .onRcpt("never@example.org", "550 5.1.1 No such user");
            client(Map.of("smtp_fallback_relay", "[127.0.0.1]:" + fallback.port()));

            DeliveryReport report = deliver("[127.0.0.1]:" + server.port(),
                    "now@example.org", "later@example.org", "never@example.org");

            assertEquals(Outcome.SENT, report.results().get(0).outcome());
            assertEquals(Outcome.SENT, report.results().get(1).outcome(), report.toString());
            assertEquals("127.0.0.1[127.0.0.1]:" + fallback.port(), report.relayOf("later@example.org"));
            assertEquals(Outcome.BOUNCED, report.results().get(2).outcome());
            assertEquals("5.1.1", report.results().get(2).dsn());
            assertEquals(List.of("later@example.org"), fallback.awaitMessages(1, WAIT).get(0).recipients());
            assertEquals(0, fallback.rcptAttempts("never@example.org"));
        }
    }

    @Test
    void fallbackRelayShouldTakeMailAfterA421Greeting() {
        try (ScriptedSmtpServer fallback = ScriptedSmtpServer.start()) {
            server.failConnections(true);
            client(Map.of("smtp_fallback_relay", "[127.0.0.1]:" + fallback.port()));

            DeliveryReport report = deliver("[127.0.0.1]:" + server.port(), "a@example.org");

            assertEquals(Outcome.SENT, report.results().get(0).outcome(), report.toString());
            assertEquals(1, fallback.awaitMessages(1, WAIT).size());
        }
    }

    @Test
    void lastErrorShouldStandWhenTheFallbackRelayFailsToo() throws IOException {
        int closed = closedPort();
        dns.servfail("broken.test");
        client(Map.of("smtp_fallback_relay", "[127.0.0.1]:" + closed));

        DeliveryReport report = deliver("broken.test", "a@broken.test");

        assertEquals(new RecipientResult("a@broken.test", Outcome.DEFERRED, "4.4.1",
                "connect to 127.0.0.1[127.0.0.1]:" + closed + ": Connection refused"), report.results().get(0));
        assertTrue(report.siteFailure());
    }

    @Test
    void nonexistentDomainShouldGoToTheFallbackRelayAsPostfixDoes() {
        client(Map.of("smtp_fallback_relay", "[127.0.0.1]:" + server.port()));

        DeliveryReport report = deliver("nowhere.test", "a@nowhere.test");

        assertEquals(Outcome.SENT, report.results().get(0).outcome(), report.toString());
    }

    @Test
    void fiveXxGreetingShouldBeSkippedAndDeferredByDefault() throws IOException {
        try (Greeter refusing = new Greeter("554 5.7.1 Go away")) {
            client(Map.of());

            DeliveryReport alone = deliver("[127.0.0.1]:" + refusing.port(), "a@example.org");
            DeliveryReport listed = deliver("[127.0.0.1]:" + refusing.port() + ", [127.0.0.1]:" + server.port(),
                    "b@example.org");

            assertEquals(List.of(new RecipientResult("a@example.org", Outcome.DEFERRED, "4.7.1",
                    "host 127.0.0.1[127.0.0.1] refused to talk to me: 554 5.7.1 Go away", "554 5.7.1 Go away")),
                    alone.results());
            assertTrue(alone.siteFailure());
            assertEquals(Outcome.SENT, listed.results().get(0).outcome(), listed.toString());
        }
    }

    @Test
    void fiveXxGreetingShouldBounceWhenNotSkipped() throws IOException {
        try (Greeter refusing = new Greeter("554 5.7.1 Go away")) {
            client(Map.of("smtp_skip_5xx_greeting", "no"));

            DeliveryReport report = deliver("[127.0.0.1]:" + refusing.port() + ", [127.0.0.1]:" + server.port(),
                    "a@example.org");

            assertEquals(Outcome.BOUNCED, report.results().get(0).outcome());
            assertEquals("5.7.1", report.results().get(0).dsn());
            assertEquals(0, server.connections());
        }
    }

    @Test
    void sessionLimitShouldStopAfterTwoServersPerDestination() {
        dns.mx("example.test", 10, "mx1.example.test").mx("example.test", 20, "mx2.example.test")
                .mx("example.test", 30, "mx3.example.test")
                .address("mx1.example.test", "127.0.0.1").address("mx2.example.test", "127.0.0.1")
                .address("mx3.example.test", "127.0.0.1");
        server.onRcpt("a@example.test", "451 4.3.0 Try later");
        client(Map.of("inet_protocols", "ipv4"));

        DeliveryReport report = deliver("example.test", "a@example.test");

        assertEquals(Outcome.DEFERRED, report.results().get(0).outcome());
        assertEquals("host mx2.example.test[127.0.0.1] said: 451 4.3.0 Try later (in reply to RCPT TO command)",
                report.results().get(0).reply());
        assertEquals(2, server.rcptAttempts("a@example.test"));
    }

    @Test
    void addressLimitShouldBoundTheServersTried() {
        dns.mx("example.test", 10, "mx1.example.test").mx("example.test", 20, "mx2.example.test")
                .mx("example.test", 30, "mx3.example.test")
                .address("mx1.example.test", DOWN).address("mx2.example.test", DOWN)
                .address("mx3.example.test", "127.0.0.1");
        client(Map.of("inet_protocols", "ipv4", "smtp_mx_address_limit", "2"));

        DeliveryReport report = deliver("example.test", "a@example.test");

        assertEquals(new RecipientResult("a@example.test", Outcome.DEFERRED, "4.4.1",
                "connect to mx2.example.test[" + DOWN + "]:" + server.port() + ": Connection refused"),
                report.results().get(0));
        assertEquals(0, server.connections());
        assertTrue(report.siteFailure());
    }

    @Test
    void ipv4OnlyShouldNeverAskForOrTryIpv6() throws IOException {
        assumeTrue(ipv6Loopback(), "no IPv6 loopback here");
        try (Ipv6Listener v6 = new Ipv6Listener(server.port())) {
            dns.mx("example.test", 10, "mx.example.test").address("mx.example.test", "::1")
                    .address("mx.example.test", "127.0.0.1");
            client(Map.of("inet_protocols", "ipv4", "smtp_address_preference", "ipv6"));

            DeliveryReport report = deliver("example.test", "a@example.test");

            assertEquals(at("mx.example.test", "127.0.0.1"), report.relay());
            assertFalse(dns.questions().contains("mx.example.test/AAAA"), dns.questions().toString());
            assertEquals(0, v6.accepted.get());
        }
    }

    @Test
    void ipv6PreferenceShouldTryTheIpv6AddressFirst() throws IOException {
        assumeTrue(ipv6Loopback(), "no IPv6 loopback here");
        try (Ipv6Listener v6 = new Ipv6Listener(server.port())) {
            dns.mx("example.test", 10, "mx.example.test").address("mx.example.test", "127.0.0.1")
                    .address("mx.example.test", "::1");
            client(Map.of("smtp_address_preference", "ipv6"));

            DeliveryReport report = deliver("example.test", "a@example.test");

            // ::1 answered and hung up without a greeting; the IPv4 address took the mail
            assertEquals(1, v6.accepted.get());
            assertEquals(at("mx.example.test", "127.0.0.1"), report.relay());
            assertEquals(Outcome.SENT, report.results().get(0).outcome());
        }
    }

    @Test
    void cachedConnectionShouldServeTheSameDestinationOnly() {
        dns.mx("one.test", 10, "mx.example.test").mx("two.test", 10, "mx.example.test")
                .address("mx.example.test", "127.0.0.1");
        client(Map.of("inet_protocols", "ipv4"));

        deliver("one.test", "a@one.test");
        deliver("one.test", "b@one.test");
        assertEquals(1, server.connections());
        deliver("two.test", "c@two.test");                  // another nexthop: its own session

        assertEquals(3, server.awaitMessages(3, WAIT).size());
        assertEquals(2, server.connections());
    }

    @Test
    void badRoutingParametersShouldBeRefusedNamingThem() {
        Map<String, String> values = Map.of("inet_protocols", "ipv5", "smtp_tcp_port", "smtpx",
                "smtp_address_preference", "ipv7", "relayhost", "[a]:25, [b", "smtp_fallback_relay", "x:y:z");
        for (Map.Entry<String, String> bad : values.entrySet()) {
            Map<String, String> p = new HashMap<>(Map.of("myhostname", "h.example.com"));
            p.put(bad.getKey(), bad.getValue());
            ConfigException e = assertThrows(ConfigException.class,
                    () -> new SmtpClient(Config.of(p), dns.dns()));
            assertTrue(e.getMessage().contains(bad.getKey()) && e.getMessage().contains(bad.getValue()),
                    e.getMessage());
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean ipv6Loopback() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A server on 127.0.0.1 that greets every client with one reply and hangs up. */
    private static final class Greeter implements AutoCloseable {
        private final ServerSocket socket;
        private final Thread thread;

        Greeter(String greeting) throws IOException {
            socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        s.getOutputStream().write((greeting + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        s.getOutputStream().flush();
                        s.shutdownOutput();
                        s.getInputStream().readAllBytes();       // until the client hangs up
                    } catch (IOException e) {
                        if (socket.isClosed()) {
                            return;
                        }
                    }
                }
            }, "greeter");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Accepts on [::1]:port and hangs up at once, counting the clients that came. */
    private static final class Ipv6Listener implements AutoCloseable {
        final AtomicInteger accepted = new AtomicInteger();
        private final ServerSocket socket;
        private final Thread thread;

        Ipv6Listener(int port) throws IOException {
            socket = new ServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getByName("::1"), port));
            thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        accepted.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "ipv6-listener");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
