package org.postrelay.smtp;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.postrelay.config.Config;
import org.postrelay.config.LookupTable;

/** What the TLS and SASL tests share: a client with captured log lines, in-memory password tables, a message. */
final class TlsTesting {

    static final String MESSAGE = "From: app@example.com\r\nTo: a@example.org\r\nSubject: tls\r\n\r\nbody\r\n";

    private TlsTesting() {
    }

    /** Log lines as the maillog would get them ("warning: " in front of warnings). */
    static final class Lines implements SmtpLog {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void info(String text) {
            lines.add(text);
        }

        @Override
        public void warning(String text) {
            lines.add("warning: " + text);
        }

        /** The trust word of the "... TLS connection established" line, or "-" when there is none. */
        String trust() {
            return lines.stream().filter(l -> l.contains(" TLS connection established to ")).findFirst()
                    .map(l -> l.substring(0, l.indexOf(' '))).orElse("-");
        }

        boolean contains(String part) {
            return lines.stream().anyMatch(l -> l.contains(part));
        }

        @Override
        public String toString() {
            return String.join("\n", lines);
        }
    }

    /** A lookup table held in memory, keys folded to lower case as hash: and texthash: fold them. */
    record MapTable(String name, Map<String, String> entries) implements LookupTable {
        @Override
        public Optional<String> lookup(String key) {
            return Optional.ofNullable(entries.get(key.toLowerCase(Locale.ROOT)));
        }
    }

    /** Opens every table name as the same in-memory table (the maps helper implements the real ones). */
    static Function<List<String>, List<LookupTable>> tables(Map<String, String> entries) {
        return names -> names.stream().<LookupTable>map(n -> new MapTable(n, entries)).toList();
    }

    static SmtpClient client(Map<String, String> parameters, SmtpLog log, Map<String, String> passwords) {
        Map<String, String> p = new HashMap<>();
        p.put("myhostname", "relay-client.example.com");
        p.put("smtp_connect_timeout", "5s");
        p.putAll(parameters);
        return new SmtpClient(Config.of(p), DnsResolver.system(), log, Clock.systemUTC(), tables(passwords));
    }

    static MessageSource message() {
        return MessageSource.of(MESSAGE.getBytes(StandardCharsets.US_ASCII));
    }
}
