package org.postrelay.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrelay.config.ConfigException;

class MasterCfTest {

    /** The head of Debian's Postfix 3.7 master.cf, with a submission service switched on. */
    private static final String STOCK = """
            #
            # Postfix master process configuration file.
            # ==========================================================================
            # service type  private unpriv  chroot  wakeup  maxproc command + args
            #               (yes)   (yes)   (no)    (never) (100)
            # ==========================================================================
            smtp      inet  n       -       y       -       -       smtpd
            #smtp      inet  n       -       y       -       1       postscreen
            submission inet n       -       y       -       -       smtpd
              -o syslog_name=postfix/submission
            # a comment between continuation lines
              -o smtpd_tls_security_level=encrypt
              -o { smtpd_client_restrictions = permit_sasl_authenticated, reject }
            pickup    unix  n       -       y       60      1       pickup
            cleanup   unix  n       -       y       -       0       cleanup
            qmgr      unix  n       -       n       300     1       qmgr
            postlog   unix-dgram n  -       n       -       1       postlogd
            """;

    @Test
    void shouldReadServicesContinuationsAndOverrides() {
        MasterCf cf = MasterCf.parse(STOCK, "master.cf");
        assertEquals(List.of("smtp", "submission", "pickup", "cleanup", "qmgr", "postlog"),
                cf.services().stream().map(MasterCf.Service::name).toList());
        List<MasterCf.Service> smtpd = cf.inetServices("smtpd");
        assertEquals(2, smtpd.size());
        assertEquals(25, smtpd.get(0).port());
        assertEquals("", smtpd.get(0).host());
        assertEquals(7, smtpd.get(0).line());
        MasterCf.Service submission = smtpd.get(1);
        assertEquals(587, submission.port());
        assertEquals(9, submission.line());
        assertEquals(Map.of("syslog_name", "postfix/submission", "smtpd_tls_security_level", "encrypt",
                "smtpd_client_restrictions", "permit_sasl_authenticated, reject"), submission.overrides());
        assertEquals(List.of("syslog_name", "smtpd_tls_security_level", "smtpd_client_restrictions"),
                List.copyOf(submission.overrides().keySet()));
        MasterCf.Service qmgr = cf.services().get(4);
        assertEquals("300", qmgr.wakeup());
        assertEquals(1, qmgr.processLimit(100));
        assertEquals(100, smtpd.get(0).processLimit(100));
        assertEquals("unix-dgram", cf.services().get(5).type());
    }

    @Test
    void shouldParseHostAndPortForms() {
        MasterCf cf = MasterCf.parse("""
                2525 inet n - n - - smtpd
                127.0.0.1:2526 inet n - n - 5 smtpd -v
                [::1]:2527 inet n - n - - smtpd
                """, "master.cf");
        List<MasterCf.Service> s = cf.inetServices("smtpd");
        assertEquals(2525, s.get(0).port());
        assertEquals("", s.get(0).host());
        assertEquals("127.0.0.1", s.get(1).host());
        assertEquals(2526, s.get(1).port());
        assertEquals(5, s.get(1).processLimit(100));
        assertEquals(List.of("-v"), s.get(1).arguments());
        assertEquals("::1", s.get(2).host());
        assertEquals(2527, s.get(2).port());
    }

    @Test
    void aMissingFileShouldHaveNoServices(@TempDir Path dir) throws Exception {
        assertTrue(MasterCf.read(dir.resolve("master.cf")).services().isEmpty());
        Files.writeString(dir.resolve("master.cf"), "2525 inet n - n - - smtpd\n");
        assertEquals(2525, MasterCf.read(dir.resolve("master.cf")).inetServices("smtpd").get(0).port());
    }

    @Test
    void malformedLinesShouldNameFileAndLine() {
        assertError("smtp inet n - y - smtpd\n", "master.cf: line 1: bad field count 7");
        assertError("# c\nsmtp tcp n - y - - smtpd\n", "master.cf: line 2: bad type field \"tcp\"");
        assertError("smtp inet n - yes - - smtpd\n", "master.cf: line 1: bad chroot field \"yes\"");
        assertError("smtp inet n - y - many smtpd\n", "master.cf: line 1: bad maxproc field \"many\"");
        assertError("smtp inet n - y x - smtpd\n", "master.cf: line 1: bad wakeup field \"x\"");
        assertError("  -o a=b\n", "master.cf: line 1: continuation line without a service line");
        assertError("smtp inet n - y - - smtpd\n  -o novalue\n", "master.cf: line 1: bad -o value \"novalue\"");
        assertError("smtp inet n - y - - smtpd -o { a = b\n", "master.cf: line 1: missing '}'");
        ConfigException e = assertThrows(ConfigException.class,
                () -> MasterCf.parse("\n\nmail inet n - y - - smtpd\n", "master.cf").services().get(0).port());
        assertTrue(e.getMessage().startsWith("master.cf: line 3: bad port \"mail\""), e.getMessage());
    }

    private static void assertError(String text, String start) {
        ConfigException e = assertThrows(ConfigException.class, () -> MasterCf.parse(text, "master.cf"));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
