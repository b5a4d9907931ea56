package org.postrelay.wildfly.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The SASL password from an Elytron credential store instead of a file: the whole
 * {@code smtpSaslPasswordMaps} value ({@code static:user:password}) is an encrypted expression
 * that WildFly decrypts with a secret key of a credential store (src/docs/wildfly.md). The relay
 * requires that login; the server's configuration file never holds the password.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ElytronPasswordIT {

    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final String USER = "relay-user";

    @ArquillianResource
    private ManagementClient management;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.exampleEar();
    }

    @Test
    void theRelayPasswordShouldComeFromTheCredentialStore() throws Exception {
        String password = "pw-" + UUID.randomUUID();
        RelayServer server = new RelayServer(management.getControllerClient());
        ExampleApp app = new ExampleApp(management.getWebUri());
        try (SmtpSink relay = SmtpSink.startRequiringLogin(USER, password)) {
            String expression = server.encryptedExpression("static:" + USER + ":" + password);
            assertTrue(expression.startsWith("${ENC::") && !expression.contains(password), expression);

            Map<String, String> config = new HashMap<>(RelayServer.FAST_RETRY);
            config.put("relayhost", relay.relayhost());
            config.put("smtpSaslAuthEnable", "yes");
            config.put("smtpSaslPasswordMaps", expression);
            config.put("smtpSaslSecurityOptions", "noanonymous");   // the seed's: AUTH without TLS on loopback
            server.configure(config);
            app.awaitUp(Duration.ofSeconds(60));

            String subject = "authenticated " + UUID.randomUUID();
            app.send(subject, "carol@example.org");
            relay.awaitSubject(subject, DELIVERY);
            assertEquals(List.of(USER), relay.logins().stream().distinct().toList());

            Path configuration = Path.of(System.getProperty("jboss.home"), "standalone", "configuration", "standalone.xml");
            String xml = Files.readString(configuration);
            assertTrue(xml.contains(expression), "the expression is what the configuration keeps");
            assertFalse(xml.contains(password), "the clear password reached standalone.xml");
        } finally {
            server.configure(Map.of("smtpSaslAuthEnable", "no"));   // the other tests' relays offer no AUTH
        }
    }
}
