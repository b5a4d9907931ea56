package org.postrelay.wildfly.example;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The example EAR's JSON endpoints as a test calls them: {@code POST /api/send},
 * {@code GET /api/queue}, {@code GET /api/deliveries}.
 */
final class ExampleApp {

    static final String CONTEXT = "/postrelay-example/";

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param webUri the server's HTTP address, e.g. {@code http://127.0.0.1:8180} */
    ExampleApp(URI webUri) {
        this.base = webUri.resolve(CONTEXT);
    }

    URI page() {
        return base;
    }

    /** Sends through the EJB (committed, or rolled back when asked); returns the queue id. */
    String send(String from, String to, String subject, String text, boolean rollback) {
        String body = Json.createObjectBuilder().add("from", from).add("to", to).add("subject", subject)
                .add("text", text).add("rollback", rollback).build().toString();
        HttpResponse<String> response = call(HttpRequest.newBuilder(base.resolve("api/send"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        if (response.statusCode() != 200) {
            throw new AssertionError("POST api/send answered " + response.statusCode() + ": " + response.body());
        }
        Map<String, Object> json = plain(parse(response.body()).asJsonObject());
        if (!Boolean.valueOf(!rollback).equals(json.get("committed"))) {
            throw new AssertionError("unexpected 'committed' in " + response.body());
        }
        return (String) json.get("queueId");
    }

    String send(String subject, String to) {
        return send("app@example.com", to, subject, "Body of " + subject, false);
    }

    /** The mailq-like listing. */
    List<Map<String, Object>> queue() {
        return listOfObjects(get("api/queue"));
    }

    /** The latest delivery attempts, newest first. */
    List<Map<String, Object>> deliveries() {
        return listOfObjects(get("api/deliveries?max=200"));
    }

    boolean isQueued(String queueId) {
        return queue().stream().anyMatch(m -> queueId.equals(m.get("queueId")));
    }

    /** Waits until the queue lists the message (e.g. deferred while the relayhost is down). */
    Map<String, Object> awaitQueued(String queueId, Predicate<Map<String, Object>> match, Duration timeout) {
        return awaitItem(this::queue, m -> queueId.equals(m.get("queueId")) && match.test(m), timeout,
                "queue entry for " + queueId);
    }

    /** Waits until a delivery of the message with the given status is listed. */
    Map<String, Object> awaitDelivery(String queueId, String status, Duration timeout) {
        return awaitItem(this::deliveries,
                d -> queueId.equals(d.get("queueId")) && status.equals(d.get("status")), timeout,
                "delivery of " + queueId + " with status=" + status);
    }

    /** Waits until the example answers, e.g. after a reload or a redeployment. */
    void awaitUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("api/queue"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            pause();
        }
        throw new AssertionError("the example at " + base + " did not answer within " + timeout + ": " + last);
    }

    private Map<String, Object> awaitItem(java.util.function.Supplier<List<Map<String, Object>>> list,
                                          Predicate<Map<String, Object>> match, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Map<String, Object>> last = List.of();
        while (true) {
            last = list.get();
            for (Map<String, Object> item : last) {
                if (match.test(item)) {
                    return item;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + timeout + "; listed: " + last);
            }
            pause();
        }
    }

    private String get(String path) {
        HttpResponse<String> response = call(HttpRequest.newBuilder(base.resolve(path)).GET());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private HttpResponse<String> call(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("cannot reach the example at " + base + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static JsonValue parse(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readValue();
        }
    }

    private static List<Map<String, Object>> listOfObjects(String json) {
        return parse(json).asJsonArray().stream().map(v -> plain(v.asJsonObject())).toList();
    }

    /** A JSON object as plain Java values (String, Boolean, Long or BigDecimal, List, Map), for assertions. */
    private static Map<String, Object> plain(JsonObject object) {
        Map<String, Object> map = new LinkedHashMap<>();
        object.forEach((name, value) -> map.put(name, plainValue(value)));
        return map;
    }

    private static Object plainValue(JsonValue value) {
        return switch (value.getValueType()) {
            case STRING -> ((JsonString) value).getString();
            case NUMBER -> ((JsonNumber) value).isIntegral() ? (Object) ((JsonNumber) value).longValue()
                    : ((JsonNumber) value).bigDecimalValue();
            case TRUE -> Boolean.TRUE;
            case FALSE -> Boolean.FALSE;
            case NULL -> null;
            case ARRAY -> ((JsonArray) value).stream().map(ExampleApp::plainValue).toList();
            case OBJECT -> plain(value.asJsonObject());
        };
    }
}
