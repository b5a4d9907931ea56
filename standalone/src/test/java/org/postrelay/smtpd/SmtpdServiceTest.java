package org.postrelay.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postrelay.config.Config;
import org.postrelay.config.ConfigException;
import org.postrelay.master.MasterCf;

/** Which ports and addresses smtpd takes from master.cf, inet_interfaces and inet_protocols. */
class SmtpdServiceTest {

    private static List<String> binds(SmtpdService service) {
        return service.binds.stream().map(b -> b.describe(service.port)).toList();
    }

    private static List<SmtpdService> services(String masterCf, Map<String, String> mainCf) {
        return SmtpdService.fromMasterCf(Config.of(mainCf), MasterCf.parse(masterCf, "master.cf"));
    }

    @Test
    void withoutAnSmtpdLineItShouldBePort25OnLoopback() {
        List<SmtpdService> none = services("pickup unix n - y 60 1 pickup\n", Map.of());
        assertEquals(1, none.size());
        assertEquals(25, none.get(0).port);
        assertEquals(List.of("127.0.0.1:25", "[::1]:25"), binds(none.get(0)));
        assertEquals(100, none.get(0).processLimit);
    }

    @Test
    void theSmtpdLinesShouldGivePortHostLimitAndOverrides() {
        List<SmtpdService> s = services("""
                2525 inet n - n - - smtpd
                127.0.0.1:2526 inet n - n - 7 smtpd
                  -o { smtpd_banner = $myhostname ESMTP second }
                  -o message_size_limit=1000
                other inet n - n - - something-else
                """, Map.of("myhostname", "mx.example.com"));
        assertEquals(2, s.size());
        assertEquals(List.of("127.0.0.1:2525", "[::1]:2525"), binds(s.get(0)));
        assertEquals("mx.example.com ESMTP Postrelay", s.get(0).banner);
        assertEquals(List.of("127.0.0.1:2526"), binds(s.get(1)));
        assertEquals(7, s.get(1).processLimit);
        assertEquals("mx.example.com ESMTP second", s.get(1).banner);
        assertEquals(1000, s.get(1).messageSizeLimit);
        assertEquals(10240000, s.get(0).messageSizeLimit);
        assertEquals(List.of(), s.get(1).warnings);
        List<SmtpdService> tls = services("587 inet n - n - - smtpd -o smtpd_tls_security_level=encrypt\n", Map.of());
        assertEquals(List.of("master.cf: line 1: -o smtpd_tls_security_level=encrypt: Postrelay's smtpd has no such"
                + " parameter; ignored"), tls.get(0).warnings);
    }

    @Test
    void inetInterfacesAndProtocolsShouldChooseTheAddresses() {
        String line = "2525 inet n - n - - smtpd\n";
        assertEquals(List.of("127.0.0.1:2525"), binds(services(line, Map.of("inet_protocols", "ipv4")).get(0)));
        assertEquals(List.of("[::1]:2525"), binds(services(line, Map.of("inet_protocols", "ipv6")).get(0)));
        assertEquals(List.of("*:2525"), binds(services(line, Map.of("inet_interfaces", "all")).get(0)));
        assertEquals(List.of("0.0.0.0:2525"),
                binds(services(line, Map.of("inet_interfaces", "all", "inet_protocols", "ipv4")).get(0)));
        assertEquals(List.of("127.0.0.2:2525", "[::1]:2525"),
                binds(services(line, Map.of("inet_interfaces", "127.0.0.2, [::1]")).get(0)));
        assertTrue(services(line, Map.of()).get(0).binds.get(1).optional());   // ::1 may be missing
    }

    @Test
    void badListenSettingsShouldNameTheParameter() {
        String line = "2525 inet n - n - - smtpd\n";
        ConfigException e = assertThrows(ConfigException.class,
                () -> services(line, Map.of("inet_protocols", "ipx")));
        assertTrue(e.getMessage().startsWith("bad value for parameter inet_protocols: \"ipx\""), e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> services(line, Map.of("inet_interfaces", "[::1]", "inet_protocols", "ipv4")));
        assertTrue(e.getMessage().contains("no address of a protocol enabled by inet_protocols = ipv4"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> services(line, Map.of("mynetworks", "10.0.0.1/8")));
        assertTrue(e.getMessage().startsWith("bad value for parameter mynetworks"), e.getMessage());
    }
}
