package org.postrelay.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ParametersTest {

    @Test
    void everyParameterShouldHaveAMeaning() {
        for (Parameter p : Parameters.all()) {
            assertFalse(p.meaning().isBlank(), p.name() + " has no meaning");
        }
    }

    @Test
    void everyDefaultShouldValidateAgainstItsOwnType() {
        // The defaults as a whole (with expansion) ...
        Config defaults = assertDoesNotThrow(Config::defaults);
        for (Parameter p : Parameters.all()) {
            // ... and each default written out explicitly, which is validated like a main.cf value.
            Config explicit = assertDoesNotThrow(() -> Config.of(Map.of(p.name(), p.defaultValue())), p.name());
            assertEquals(defaults.get(p), explicit.get(p), p.name());
            switch (p.type()) {
                case BOOLEAN -> assertDoesNotThrow(() -> defaults.bool(p), p.name());
                case INTEGER -> assertDoesNotThrow(() -> defaults.integer(p), p.name());
                case TIME -> assertDoesNotThrow(() -> defaults.time(p), p.name());
                case SIZE -> assertDoesNotThrow(() -> defaults.size(p), p.name());
                case STRING, LIST -> assertDoesNotThrow(() -> defaults.get(p), p.name());
            }
        }
    }

    @Test
    void timeParametersShouldHaveAUnitAndOthersShouldNot() {
        for (Parameter p : Parameters.all()) {
            if (p.type() == ParameterType.TIME) {
                assertTrue("smhdw".indexOf(p.timeUnit()) >= 0, p.name());
            } else {
                assertEquals(0, p.timeUnit(), p.name());
            }
        }
    }

    @Test
    void namesShouldBeUniqueAndFoundByName() {
        Set<String> names = new HashSet<>();
        for (Parameter p : Parameters.all()) {
            assertTrue(names.add(p.name()), "duplicate " + p.name());
            assertSame(p, Parameters.byName(p.name()).orElseThrow());
        }
        assertTrue(Parameters.byName("no_such_parameter").isEmpty());
    }

    @Test
    void everyPublicConstantShouldBeInTheTableUnderItsOwnName() throws IllegalAccessException {
        List<Parameter> all = Parameters.all();
        int constants = 0;
        for (Field f : Parameters.class.getDeclaredFields()) {
            if (f.getType() == Parameter.class && Modifier.isPublic(f.getModifiers())) {
                Parameter p = (Parameter) f.get(null);
                constants++;
                assertTrue(all.stream().anyMatch(q -> q == p), f.getName());
                assertEquals(f.getName(), p.name().toUpperCase().replace("2BOUNCE", "DOUBLE_BOUNCE"), p.name());
            }
        }
        assertEquals(all.size(), constants, "table rows without a constant, or the reverse");
    }

    @Test
    void contractParametersShouldBePresent() {
        List<String> contract = List.of("myhostname", "mydomain", "myorigin", "mydestination", "relayhost",
                "inet_interfaces", "inet_protocols", "mynetworks", "local_transport", "append_at_myorigin",
                "message_size_limit", "queue_directory", "mail_name", "syslog_name", "maillog_file",
                "qmgr_message_active_limit", "qmgr_message_recipient_limit", "initial_destination_concurrency",
                "default_destination_concurrency_limit", "smtp_destination_concurrency_limit",
                "default_destination_concurrency_failed_cohort_limit",
                "smtp_destination_concurrency_failed_cohort_limit", "default_destination_recipient_limit",
                "smtp_destination_recipient_limit", "minimal_backoff_time", "maximal_backoff_time",
                "maximal_queue_lifetime", "bounce_queue_lifetime", "queue_run_delay", "delay_warning_time",
                "smtp_connect_timeout", "smtp_helo_timeout", "smtp_mail_timeout", "smtp_rcpt_timeout",
                "smtp_data_init_timeout", "smtp_data_xfer_timeout", "smtp_data_done_timeout",
                "smtp_quit_timeout", "smtp_helo_name", "smtp_connection_cache_on_demand",
                "smtp_connection_cache_time_limit", "smtp_connection_reuse_time_limit", "smtp_fallback_relay",
                "smtp_use_tls", "smtp_tls_security_level", "smtp_sasl_auth_enable", "smtp_sasl_password_maps",
                "smtp_sasl_security_options", "smtp_sasl_tls_security_options", "smtp_tls_CAfile",
                "bounce_size_limit", "bounce_notice_recipient", "delay_notice_recipient", "notify_classes",
                "double_bounce_sender", "mail_spool_directory", "smtpd_banner", "default_process_limit",
                "append_dot_mydomain", "mynetworks_style");
        for (String name : contract) {
            assertTrue(Parameters.byName(name).isPresent(), name);
        }
    }

    @Test
    void deviationsFromPostfixShouldSaySoInTheirMeaning() {
        for (Parameter p : List.of(Parameters.INET_INTERFACES, Parameters.MYDESTINATION, Parameters.LOCAL_TRANSPORT,
                Parameters.QUEUE_DIRECTORY, Parameters.MAIL_NAME, Parameters.SYSLOG_NAME, Parameters.MYNETWORKS)) {
            assertTrue(p.meaning().contains("Postrelay default"), p.name());
        }
    }

    @Test
    void defaultsShouldMatchPostfix37() {
        Map<Parameter, String> expected = Map.ofEntries(
                Map.entry(Parameters.MINIMAL_BACKOFF_TIME, "300s"),
                Map.entry(Parameters.MAXIMAL_BACKOFF_TIME, "4000s"),
                Map.entry(Parameters.MAXIMAL_QUEUE_LIFETIME, "5d"),
                Map.entry(Parameters.BOUNCE_QUEUE_LIFETIME, "5d"),
                Map.entry(Parameters.QUEUE_RUN_DELAY, "300s"),
                Map.entry(Parameters.DELAY_WARNING_TIME, "0h"),
                Map.entry(Parameters.MESSAGE_SIZE_LIMIT, "10240000"),
                Map.entry(Parameters.BOUNCE_SIZE_LIMIT, "50000"),
                Map.entry(Parameters.QMGR_MESSAGE_ACTIVE_LIMIT, "20000"),
                Map.entry(Parameters.DEFAULT_DESTINATION_CONCURRENCY_LIMIT, "20"),
                Map.entry(Parameters.DEFAULT_DESTINATION_RECIPIENT_LIMIT, "50"),
                Map.entry(Parameters.SMTP_SASL_SECURITY_OPTIONS, "noplaintext, noanonymous"),
                Map.entry(Parameters.SMTP_CONNECT_TIMEOUT, "30s"),
                Map.entry(Parameters.SMTP_DATA_DONE_TIMEOUT, "600s"),
                Map.entry(Parameters.SMTP_CONNECTION_CACHE_TIME_LIMIT, "2s"),
                Map.entry(Parameters.NOTIFY_CLASSES, "resource, software"),
                Map.entry(Parameters.SMTPD_BANNER, "$myhostname ESMTP $mail_name"),
                Map.entry(Parameters.SMTP_TLS_SECURITY_LEVEL, ""),
                Map.entry(Parameters.RELAYHOST, ""));
        expected.forEach((p, value) -> assertEquals(value, p.defaultValue(), p.name()));
    }

    @Test
    void myhostnameDefaultShouldBeFullyQualified() {
        String host = Parameters.MYHOSTNAME.defaultValue();

        assertTrue(host.indexOf('.') > 0, host);
        assertNotEquals("", Parameters.MYDOMAIN.defaultValue());
        assertEquals(host.substring(host.indexOf('.') + 1), Parameters.MYDOMAIN.defaultValue());
        assertEquals("foo.localdomain", HostName.qualified("foo"));
        assertEquals("localdomain", HostName.domainOf("foo"));
        assertEquals("example.com", HostName.domainOf("mail.example.com"));
    }
}
