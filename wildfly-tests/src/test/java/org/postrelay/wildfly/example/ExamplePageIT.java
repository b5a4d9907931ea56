package org.postrelay.wildfly.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The example page in a real browser (headless Chromium from the distribution's packages, driven
 * by its chromedriver): submit the form, see the message in the delivered list.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ExamplePageIT {

    /** Where the distribution installs them (Debian: apt-get install chromium chromium-driver). */
    static final String CHROMIUM = System.getProperty("postrelay.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("postrelay.chromedriver", "/usr/bin/chromedriver");

    @ArquillianResource
    private ManagementClient management;

    @TempDir
    Path profile;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.exampleEar();
    }

    @Test
    void submittedFormShouldShowTheMessageAsDelivered() throws Exception {
        assertTrue(Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER)),
                "needs " + CHROMIUM + " and " + CHROMEDRIVER + " (apt-get install chromium chromium-driver)");
        try (SmtpSink sink = SmtpSink.start()) {
            Map<String, String> config = new HashMap<>(RelayServer.FAST_RETRY);
            config.put("relayhost", sink.relayhost());
            new RelayServer(management.getControllerClient()).configure(config);
            ExampleApp app = new ExampleApp(management.getWebUri());
            app.awaitUp(Duration.ofSeconds(60));
            String subject = "from the browser " + UUID.randomUUID();

            WebDriver browser = chromium();
            try {
                browser.get(app.page().toString());
                set(browser, "to", "frank@example.org");
                set(browser, "subject", subject);
                browser.findElement(By.id("send")).click();

                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(200));
                String queueId = wait.until(b -> {
                    String id = b.findElement(By.id("result")).getAttribute("data-queue-id");
                    return id == null || id.isEmpty() ? null : id;
                });
                WebElement row = wait.until(b -> b.findElements(By.cssSelector(
                                "#deliveries tbody tr[data-queue-id='" + queueId + "'][data-status='sent']"))
                        .stream().findFirst().orElse(null));
                assertTrue(row.getText().contains("frank@example.org"), row.getText());

                SmtpSink.Received received = sink.awaitSubject(subject, Duration.ofSeconds(10));
                assertEquals("frank@example.org", received.recipients().get(0));
            } finally {
                browser.quit();
            }
        }
    }

    private WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(CHROMEDRIVER).toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    private static void set(WebDriver browser, String id, String value) {
        WebElement field = browser.findElement(By.id(id));
        field.clear();
        field.sendKeys(value);
    }
}
