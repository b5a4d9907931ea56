package org.postrelay.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.postrelay.config.Config;
import org.postrelay.config.Parameter;
import org.postrelay.config.Parameters;

/** The adapter's setters, ra.xml and the Parameters table must name the same properties. */
class ResourceAdapterPropertiesTest {

    private static final Path RA_XML = Path.of("..", "deployment-descriptors", "ra.xml");

    @Test
    void everyParameterShouldHaveASetterAndAGetter() {
        List<String> missing = new ArrayList<>();
        for (Parameter p : Parameters.all()) {
            String property = ParameterProperties.propertyName(p.name());
            String bean = Character.toUpperCase(property.charAt(0)) + property.substring(1);
            try {
                PostrelayResourceAdapter.class.getMethod("set" + bean, String.class);
                PostrelayResourceAdapter.class.getMethod("get" + bean);
            } catch (NoSuchMethodException e) {
                missing.add(p.name() + " -> set" + bean + "(String)/get" + bean + "()");
            }
        }
        assertTrue(missing.isEmpty(), "ParameterProperties lacks: " + missing);
    }

    @Test
    void raXmlShouldListExactlyTheParametersAndMainCf() throws Exception {
        Matcher m = Pattern.compile("<config-property-name>(\\w+)</config-property-name>")
                .matcher(Files.readString(RA_XML));
        Set<String> inRaXml = new LinkedHashSet<>();
        while (m.find()) {
            inRaXml.add(m.group(1));
        }
        Set<String> expected = new LinkedHashSet<>();
        expected.add("mainCf");
        Parameters.all().forEach(p -> expected.add(ParameterProperties.propertyName(p.name())));
        assertEquals(expected, inRaXml);
    }

    @Test
    void noSetterShouldExistWithoutAParameter() {
        Set<String> known = new LinkedHashSet<>();
        known.add("MainCf");
        Parameters.all().forEach(p -> {
            String property = ParameterProperties.propertyName(p.name());
            known.add(Character.toUpperCase(property.charAt(0)) + property.substring(1));
        });
        for (Method method : PostrelayResourceAdapter.class.getMethods()) {
            if (method.getName().startsWith("set") && method.getParameterCount() == 1
                    && method.getParameterTypes()[0] == String.class) {
                assertTrue(known.contains(method.getName().substring(3)), "setter without a parameter: " + method);
            }
        }
    }

    @Test
    void propertiesSetShouldReachTheEngineByPostfixName() throws Exception {
        PostrelayResourceAdapter adapter = new PostrelayResourceAdapter();
        adapter.setRelayhost("[127.0.0.1]:2525");
        adapter.setSmtpTlsCAfile("/etc/ssl/ca.pem");
        adapter.setDoubleBounceNoticeRecipient("postmaster");
        adapter.setMinimalBackoffTime("10s");
        assertEquals(Map.of("relayhost", "[127.0.0.1]:2525", "smtp_tls_CAfile", "/etc/ssl/ca.pem",
                "2bounce_notice_recipient", "postmaster", "minimal_backoff_time", "10s"), adapter.parameters());
        Config config = adapter.configuration();
        assertEquals("[127.0.0.1]:2525", config.get(Parameters.RELAYHOST));
        assertEquals(10, config.time(Parameters.MINIMAL_BACKOFF_TIME).toSeconds());
        assertTrue(config.get(Parameters.QUEUE_DIRECTORY).endsWith("postrelay"), config.get(Parameters.QUEUE_DIRECTORY));
    }
}
