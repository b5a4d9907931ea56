package org.postrelay.local;

import org.postrelay.config.Config;
import org.postrelay.config.ConfigException;
import org.postrelay.config.Parameters;

/**
 * The {@code local_transport}: what happens to recipients in {@code mydestination}. The null client
 * uses {@code error:TEXT} (bounce with TEXT); {@code discard:TEXT} drops them as delivered. Mailbox
 * delivery ({@code local}) is not supported yet and is refused at start-up.
 */
public sealed interface LocalTransport permits LocalTransport.Error, LocalTransport.Discard {

    /** A local recipient's fate: bounced or delivered, with Postfix's dsn and text. */
    record Result(boolean delivered, String dsn, String text) {}

    Result deliver(String recipient);

    /** Whether cleanup should refuse such a recipient up front rather than queue and bounce it. */
    boolean rejectsAtSubmission();

    /** For error messages: "local_transport = error:local delivery is disabled". */
    String describe();

    /** Parses {@code local_transport}; a value we cannot honour is a configuration error. */
    static LocalTransport from(Config config) {
        String value = config.get(Parameters.LOCAL_TRANSPORT);
        int colon = value.indexOf(':');
        String transport = (colon < 0 ? value : value.substring(0, colon)).strip();
        String nexthop = colon < 0 ? "" : value.substring(colon + 1).strip();
        switch (transport) {
            case "error":
                return new Error(nexthop.isEmpty() ? "local delivery is disabled" : nexthop);
            case "discard":
                return new Discard(nexthop.isEmpty() ? "discarded" : nexthop);
            default:
                throw new ConfigException("unsupported value for parameter local_transport: \"" + value
                        + "\" (expected error:TEXT or discard:TEXT; mailbox delivery is not supported yet)");
        }
    }

    /** {@code error:TEXT}: every local recipient bounces with TEXT (Postfix's error(8)). */
    record Error(String text) implements LocalTransport {
        @Override
        public Result deliver(String recipient) {
            return new Result(false, "5.0.0", text);
        }

        @Override
        public boolean rejectsAtSubmission() {
            return true;
        }

        @Override
        public String describe() {
            return "local_transport = error:" + text;
        }
    }

    /** {@code discard:TEXT}: local recipients are dropped and logged as delivered (Postfix's discard(8)). */
    record Discard(String text) implements LocalTransport {
        @Override
        public Result deliver(String recipient) {
            return new Result(true, "2.0.0", text);
        }

        @Override
        public boolean rejectsAtSubmission() {
            return false;
        }

        @Override
        public String describe() {
            return "local_transport = discard:" + text;
        }
    }
}
