package org.postrelay.queue;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A queue id: the name of a message's queue file, 18 upper-case hex digits. The first 14 are the
 * creation time in microseconds since the epoch (strictly increasing within this JVM, so ids sort
 * by age), the last 4 a per-JVM random salt so that two processes sharing a spool rarely collide
 * (a collision is caught anyway: queue files are created exclusively). Like Postfix's
 * mail_queue_id_ok(), {@link #parse} refuses anything else, so no path is ever built from an
 * unchecked name.
 */
public final class QueueId implements Comparable<QueueId> {

    /** Length of every queue id. */
    public static final int LENGTH = 18;

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final AtomicLong LAST_MICROS = new AtomicLong();
    private static final int SALT = new SecureRandom().nextInt(0x10000);

    private final String text;

    private QueueId(String text) {
        this.text = text;
    }

    /** A new id, unique in this JVM, later than every id this JVM made before. */
    public static QueueId next() {
        Instant now = Instant.now();
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        long stamp = LAST_MICROS.updateAndGet(last -> Math.max(last + 1, micros));
        char[] id = new char[LENGTH];
        for (int i = 13; i >= 0; i--) {
            id[i] = HEX[(int) (stamp & 0xF)];
            stamp >>>= 4;
        }
        int salt = SALT;
        for (int i = LENGTH - 1; i >= 14; i--) {
            id[i] = HEX[salt & 0xF];
            salt >>>= 4;
        }
        return new QueueId(new String(id));
    }

    /** Parses a queue id; IllegalArgumentException naming the text if it is not exactly one. */
    public static QueueId parse(String text) {
        if (!isValid(text)) {
            throw new IllegalArgumentException("bad queue id: " + (text == null ? "null" : "\"" + text + "\"")
                    + " (expected " + LENGTH + " upper-case hex digits)");
        }
        return new QueueId(text);
    }

    /** Whether the text is a well-formed queue id (the test used on every directory entry). */
    public static boolean isValid(String text) {
        if (text == null || text.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'F')) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compareTo(QueueId other) {
        return text.compareTo(other.text);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QueueId other && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
