package org.postrelay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The seed project's main.cf: what our users actually write. */
class SeedConfigTest {

    private static Path seedDirectory() throws URISyntaxException {
        return Path.of(SeedConfigTest.class.getResource("seed/main.cf").toURI()).getParent();
    }

    @Test
    void seedMainCfShouldLoadWithTheValuesItSets() throws Exception {
        Config config = Config.load(seedDirectory(), Map.of());

        assertEquals("[smtp.gmail.com]:587", config.get(Parameters.RELAYHOST));
        assertEquals("loopback-only", config.get(Parameters.INET_INTERFACES));
        assertEquals(List.of("127.0.0.0/8", "[::1]/128"), config.list(Parameters.MYNETWORKS));
        assertEquals("nixation.com", config.get(Parameters.MYORIGIN));
        assertEquals(List.of(), config.list(Parameters.MYDESTINATION));
        assertEquals("error: local delivery is disabled", config.get(Parameters.LOCAL_TRANSPORT));
        assertTrue(config.bool(Parameters.SMTP_USE_TLS));
        assertEquals("", config.get(Parameters.SMTP_TLS_SECURITY_LEVEL));
        assertTrue(config.bool(Parameters.SMTP_SASL_AUTH_ENABLE));
        assertEquals("hash:/etc/postfix/sasl_passwd", config.get(Parameters.SMTP_SASL_PASSWORD_MAPS));
        assertEquals("/etc/ssl/certs/ca-bundle.crt", config.get(Parameters.SMTP_TLS_CAFILE));
        assertEquals(List.of("noanonymous"), config.list(Parameters.SMTP_SASL_TLS_SECURITY_OPTIONS));
        assertTrue(config.warnings().isEmpty(), config.warnings().toString());
    }

    @Test
    void seedMainCfShouldLetTheLastDefinitionWin() throws Exception {
        Config config = Config.load(seedDirectory(), Map.of());

        assertEquals("noanonymous", config.get(Parameters.SMTP_SASL_SECURITY_OPTIONS));
        assertEquals(13, MainCf.read(seedDirectory().resolve("main.cf")).definitions().size());
        assertEquals(12, config.explicit().size());
    }

    @Test
    void seedMainCfShouldKeepDefaultsForWhatItDoesNotSet() throws Exception {
        Config config = Config.load(seedDirectory(), Map.of());

        assertEquals(Parameters.MYHOSTNAME.defaultValue(), config.get(Parameters.SMTP_HELO_NAME));
        assertEquals(10_240_000, config.size(Parameters.MESSAGE_SIZE_LIMIT));
        assertEquals(java.time.Duration.ofDays(5), config.time(Parameters.MAXIMAL_QUEUE_LIFETIME));
        assertEquals("/var/spool/postrelay", config.get(Parameters.QUEUE_DIRECTORY));
    }
}
