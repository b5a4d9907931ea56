package org.postrelay.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.testing.DnsResponder;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;
import org.xbill.DNS.hosts.HostsFileParser;

/** The resolver as production builds it (hosts file first, then DNS), pointed at a responder on loopback. */
class DnsResolverTest {

    @TempDir
    Path dir;
    private DnsResponder dns;

    @BeforeEach
    void start() {
        dns = DnsResponder.start();
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private DnsResolver resolver() throws IOException {
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "# test hosts file\n127.0.0.7 relay.hosts.test relay\n");
        return DnsResolver.withHostsFile(dns.resolver(Duration.ofSeconds(2)), new HostsFileParser(hosts));
    }

    @Test
    void hostsFileShouldAnswerAddressesWithoutAskingDns() throws IOException {
        DnsResolver.Answer a = resolver().lookup(Name.fromString("relay.hosts.test."), Type.A);

        assertEquals(DnsResolver.Status.OK, a.status());
        assertEquals(InetAddress.getByName("127.0.0.7"), ((ARecord) a.records().get(0)).getAddress());
        assertEquals(List.of(), dns.questions());
    }

    @Test
    void otherNamesAndTypesShouldGoToDns() throws IOException {
        dns.mx("hosts.test", 10, "relay.hosts.test").address("elsewhere.test", "127.0.0.8");
        DnsResolver r = resolver();

        assertEquals(DnsResolver.Status.OK, r.lookup(Name.fromString("hosts.test."), Type.MX).status());
        assertEquals(DnsResolver.Status.OK, r.lookup(Name.fromString("elsewhere.test."), Type.A).status());
        assertEquals(DnsResolver.Status.NOT_FOUND, r.lookup(Name.fromString("nowhere.test."), Type.A).status());
        assertEquals(DnsResolver.Status.NO_DATA, r.lookup(Name.fromString("elsewhere.test."), Type.MX).status());
        assertEquals(List.of("hosts.test/MX", "elsewhere.test/A", "nowhere.test/A", "elsewhere.test/MX"),
                dns.questions());
    }

    @Test
    void answersShouldBeCachedForTheirTtl() throws IOException {
        dns.address("cached.test", "127.0.0.9");
        DnsResolver r = resolver();

        r.lookup(Name.fromString("cached.test."), Type.A);
        r.lookup(Name.fromString("cached.test."), Type.A);

        assertEquals(List.of("cached.test/A"), dns.questions());
    }
}
