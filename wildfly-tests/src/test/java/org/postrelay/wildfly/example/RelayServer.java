package org.postrelay.wildfly.example;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;

/**
 * The running WildFly as the management API (what jboss-cli and the console use) sees it: the
 * postrelay.rar resource adapter's config properties, reload, and the rar deployment.
 */
final class RelayServer {

    static final String RAR = "postrelay.rar";

    /** Quick retries, so tests of deferred mail do not wait Postfix's 300 s defaults. */
    static final Map<String, String> FAST_RETRY = Map.of(
            "minimalBackoffTime", "1s",
            "maximalBackoffTime", "2s",
            "queueRunDelay", "1s");

    private final ModelControllerClient client;

    RelayServer(ModelControllerClient client) {
        this.client = client;
    }

    private static ModelNode adapter() {
        return Operations.createAddress("subsystem", "resource-adapters", "resource-adapter", RAR);
    }

    private static ModelNode property(String name) {
        return Operations.createAddress("subsystem", "resource-adapters", "resource-adapter", RAR,
                "config-properties", name);
    }

    /** The value of a config property of the resource adapter, or null when it is not set. */
    String value(String name) throws IOException {
        ModelNode result = client.execute(Operations.createReadResourceOperation(property(name)));
        if (!Operations.isSuccessfulOutcome(result)) {
            return null;
        }
        ModelNode value = Operations.readResult(result).get("value");
        return value.isDefined() ? value.asString() : null;
    }

    /**
     * Sets config properties on the resource adapter as the CLI script does
     * ({@code config-properties=NAME:write-attribute(name=value, value=...)}, or {@code :add} for a
     * new one), all in one composite operation, and reloads the server when anything changed: the
     * adapter only reads its properties when it starts.
     *
     * @return whether anything changed (and the server was reloaded)
     */
    boolean configure(Map<String, String> properties) throws IOException {
        Operations.CompositeOperationBuilder composite = Operations.CompositeOperationBuilder.create();
        Map<String, String> changes = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : properties.entrySet()) {
            String current = value(e.getKey());
            if (e.getValue().equals(current)) {
                continue;
            }
            changes.put(e.getKey(), e.getValue());
            if (current != null) {
                composite.addStep(Operations.createWriteAttributeOperation(property(e.getKey()), "value", e.getValue()));
            } else {
                ModelNode add = Operations.createAddOperation(property(e.getKey()));
                add.get("value").set(e.getValue());
                composite.addStep(add);
            }
        }
        if (changes.isEmpty()) {
            return false;
        }
        execute(composite.build().getOperation(), "set " + changes);
        reload();
        return true;
    }

    /**
     * Runs the README's {@code postrelay.cli} against the running server, as an operator does
     * ({@code jboss-cli.sh --connect --file=postrelay.cli -Dstart=connection-info ...}), then reloads
     * it as the script asks.
     */
    void runScript(String relayhost, String myorigin) throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty("jboss.home"));
        ProcessBuilder cli = new ProcessBuilder("bash", "bin/jboss-cli.sh", "--connect",
                "--controller=remote+http://127.0.0.1:" + Integer.getInteger("wildfly.management-port", 9990),
                "--file=" + System.getProperty("postrelay.cli"), "-Dstart=connection-info",
                "-Darchive=" + System.getProperty("postrelay.rar"), "-Drelayhost=" + relayhost,
                "-Dmyorigin=" + myorigin)
                .directory(home.toFile())
                .redirectErrorStream(true);
        cli.environment().put("JAVA_OPTS", "-Xms64m -Xmx256m");
        Process process = cli.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new AssertionError("postrelay.cli failed against the running server:\n" + output);
        }
        if (!output.contains("reload-required")) {
            throw new AssertionError("postrelay.cli changed relayhost but the server does not ask for a reload:\n"
                    + output);
        }
        reload();
    }

    /**
     * An encrypted expression ({@code ${ENC::postrelay:...}}) of {@code clearText}, as an admin
     * makes one: a secret-key credential store and the encryption expression resolver (each added
     * only when not there yet), then {@code create-expression} (src/docs/wildfly.md).
     */
    String encryptedExpression(String clearText) throws IOException {
        ModelNode store = Operations.createAddress("subsystem", "elytron", "secret-key-credential-store", "postrelay-keys");
        if (!exists(store)) {
            ModelNode add = Operations.createAddOperation(store);
            add.get("path").set("postrelay-keys.cs");
            add.get("relative-to").set("jboss.server.data.dir");
            add.get("create").set(true);
            add.get("populate").set(true);
            execute(add, "add the credential store");
        }
        ModelNode encryption = Operations.createAddress("subsystem", "elytron", "expression", "encryption");
        if (!exists(encryption)) {
            ModelNode add = Operations.createAddOperation(encryption);
            ModelNode resolver = new ModelNode();
            resolver.get("name").set("postrelay");
            resolver.get("credential-store").set("postrelay-keys");
            resolver.get("secret-key").set("key");
            add.get("resolvers").add(resolver);
            add.get("default-resolver").set("postrelay");
            execute(add, "add the expression resolver");
        }
        ModelNode create = Operations.createOperation("create-expression", encryption);
        create.get("resolver").set("postrelay");
        create.get("clear-text").set(clearText);
        return execute(create, "create-expression").get("expression").asString();
    }

    private boolean exists(ModelNode address) throws IOException {
        return Operations.isSuccessfulOutcome(client.execute(Operations.createReadResourceOperation(address)));
    }

    /** {@code :reload}, then waits until the server runs again. */
    void reload() throws IOException {
        try {
            execute(Operations.createOperation("reload"), "reload");
        } catch (IOException e) {
            // the connection may drop before the answer; the wait below tells
        }
        awaitRunning(Duration.ofSeconds(90));
    }

    void awaitRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        // Give the reload a moment to leave the running state before polling for it.
        sleep(500);
        while (System.nanoTime() < deadline) {
            try {
                ModelNode result = client.execute(Operations.createReadAttributeOperation(new ModelNode().setEmptyList(),
                        "server-state"));
                if (Operations.isSuccessfulOutcome(result)) {
                    last = Operations.readResult(result).asString();
                    if ("running".equals(last)) {
                        return;
                    }
                }
            } catch (IOException | RuntimeException e) {
                last = e.toString();
            }
            sleep(250);
        }
        throw new AssertionError("server not running within " + timeout + ": " + last);
    }

    /** {@code undeploy} of postrelay.rar (applications using it must be undeployed first): the content stays. */
    void undeployRar() throws IOException {
        execute(Operations.createOperation("undeploy", Operations.createAddress("deployment", RAR)), "undeploy " + RAR);
    }

    /** {@code deploy} of postrelay.rar again. */
    void deployRar() throws IOException {
        execute(Operations.createOperation("deploy", Operations.createAddress("deployment", RAR)), "deploy " + RAR);
    }

    /** Whether the resource adapter's deployment is enabled. */
    boolean rarEnabled() throws IOException {
        return execute(Operations.createReadAttributeOperation(Operations.createAddress("deployment", RAR), "enabled"),
                "read enabled of " + RAR).asBoolean();
    }

    ModelNode adapterResource() throws IOException {
        ModelNode op = Operations.createReadResourceOperation(adapter(), true);
        return execute(op, "read " + RAR + " adapter");
    }

    private ModelNode execute(ModelNode op, String what) throws IOException {
        ModelNode result = client.execute(op);
        if (!Operations.isSuccessfulOutcome(result)) {
            throw new AssertionError(what + " failed: " + Operations.getFailureDescription(result).asString());
        }
        return Operations.readResult(result);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
