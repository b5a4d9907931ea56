package org.postrelay.wildfly.example;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
        String body = "{\"from\":" + quote(from) + ",\"to\":" + quote(to) + ",\"subject\":" + quote(subject)
                + ",\"text\":" + quote(text) + ",\"rollback\":" + rollback + "}";
        HttpResponse<String> response = call(HttpRequest.newBuilder(base.resolve("api/send"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        if (response.statusCode() != 200) {
            throw new AssertionError("POST api/send answered " + response.statusCode() + ": " + response.body());
        }
        Map<String, Object> json = MiniJson.object(response.body());
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
        return MiniJson.arrayOfObjects(get("api/queue"));
    }

    /** The latest delivery attempts, newest first. */
    List<Map<String, Object>> deliveries() {
        return MiniJson.arrayOfObjects(get("api/deliveries?max=200"));
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

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
