package org.postrelay.local;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.postrelay.config.Config;
import org.postrelay.config.ConfigException;
import org.postrelay.config.Parameters;
import org.postrelay.smtp.MessageSource;
import org.postrelay.smtp.Outcome;

/**
 * The {@code local_transport}: what happens to recipients in {@code mydestination}. The null client
 * uses {@code error:TEXT} (bounce with TEXT); {@code discard:TEXT} drops them as delivered;
 * {@code local} (Postfix's default {@code local:$myhostname}) appends them to UNIX mailboxes in
 * {@code mail_spool_directory}, as Postfix's local(8) does.
 */
public sealed interface LocalTransport permits LocalTransport.Error, LocalTransport.Discard, Mailbox {

    /** A local recipient's fate, with Postfix's dsn and text: sent, deferred or bounced. */
    record Result(Outcome outcome, String dsn, String text) {

        /** The outcome follows the dsn's class: 2 sent, 4 deferred, 5 bounced. */
        public static Result of(String dsn, String text) {
            Outcome outcome = switch (dsn.charAt(0)) {
                case '2' -> Outcome.SENT;
                case '4' -> Outcome.DEFERRED;
                default -> Outcome.BOUNCED;
            };
            return new Result(outcome, dsn, text);
        }
    }

    /**
     * Delivers one queued message to one local recipient.
     *
     * @param sender    the envelope sender, "" for the null sender
     * @param recipient the envelope recipient, as queued
     * @param content   the message (RFC 5322, CRLF), opened as often as needed
     */
    Result deliver(String sender, String recipient, MessageSource content);

    /** Whether cleanup should refuse every such recipient up front rather than queue and bounce it. */
    boolean rejectsAtSubmission();

    /**
     * Postfix's smtpd check of a local recipient at submission: the rejection text when it is not a
     * known user (local_recipient_maps), empty when it may be queued.
     *
     * @throws ConfigException when the user tables cannot be read now (a temporary failure)
     */
    default Optional<String> unknownRecipient(String recipient) {
        return Optional.empty();
    }

    /** For error messages: "local_transport = error:local delivery is disabled". */
    String describe();

    /** The daemon name in the mail log: {@code error}, {@code discard} or {@code local}. */
    String role();

    /** The log line's {@code relay=}: {@code none}, or {@code local} for mailbox delivery. */
    default String relay() {
        return "none";
    }

    /** Start-up warnings for the mail log (settings that are accepted but have no effect). */
    default List<String> warnings() {
        return List.of();
    }

    /** Parses {@code local_transport}; a value we cannot honour is a configuration error. */
    static LocalTransport from(Config config) {
        return from(config, Clock.systemDefaultZone());
    }

    /** As {@link #from(Config)}; the clock dates mailbox From_ lines and ages lock files. */
    static LocalTransport from(Config config, Clock clock) {
        String value = config.get(Parameters.LOCAL_TRANSPORT);
        int colon = value.indexOf(':');
        String transport = (colon < 0 ? value : value.substring(0, colon)).strip();
        String nexthop = colon < 0 ? "" : value.substring(colon + 1).strip();
        switch (transport) {
            case "error":
                return new Error(nexthop.isEmpty() ? "local delivery is disabled" : nexthop);
            case "discard":
                return new Discard(nexthop.isEmpty() ? "discarded" : nexthop);
            case "local":
                return Mailbox.from(config, clock);          // local:$myhostname: the nexthop plays no part
            default:
                throw new ConfigException("unsupported value for parameter local_transport: \"" + value
                        + "\" (expected local, local:$myhostname, error:TEXT or discard:TEXT)");
        }
    }

    /** {@code error:TEXT}: every local recipient bounces with TEXT (Postfix's error(8)). */
    record Error(String text) implements LocalTransport {
        @Override
        public Result deliver(String sender, String recipient, MessageSource content) {
            return Result.of("5.0.0", text);
        }

        @Override
        public boolean rejectsAtSubmission() {
            return true;
        }

        @Override
        public String describe() {
            return "local_transport = error:" + text;
        }

        @Override
        public String role() {
            return "error";
        }
    }

    /** {@code discard:TEXT}: local recipients are dropped and logged as delivered (Postfix's discard(8)). */
    record Discard(String text) implements LocalTransport {
        @Override
        public Result deliver(String sender, String recipient, MessageSource content) {
            return Result.of("2.0.0", text);
        }

        @Override
        public boolean rejectsAtSubmission() {
            return false;
        }

        @Override
        public String describe() {
            return "local_transport = discard:" + text;
        }

        @Override
        public String role() {
            return "discard";
        }
    }
}
