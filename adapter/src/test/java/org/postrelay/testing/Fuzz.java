package org.postrelay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Support for the fuzz tests (src/docs/reliability.md, "Bad input"): byte mutations of valid
 * inputs, and a meter around each input that fails it when it takes too long or allocates more
 * than a bound (a length field trusted without a check), and that stops a hung run with the input
 * saved to {@code target/fuzz-hang-*} and the stuck thread's stack on stderr.
 */
public final class Fuzz implements AutoCloseable {

    /** An input that takes longer than this has hung (a parser loop), whatever the machine's load. */
    public static final long HANG_MILLIS = 20_000;
    /** An input slower than this fails the run: no parser should need a second for a small input. */
    public static final long SLOW_MILLIS = 2_000;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** The number of inputs a fuzz target runs: {@code -Dpostrelay.fuzz.inputs} (10,000 unless -Pfuzz). */
    public static int inputs() {
        return Integer.getInteger("postrelay.fuzz.inputs", 10_000);
    }

    private final String name;
    private final Thread worker = Thread.currentThread();
    private final Thread watchdog;
    private final long startNanos = System.nanoTime();
    private final AtomicLong tried = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile byte[] current;
    private volatile long currentStart;
    private long maxAllocated;
    private long maxMillis;

    private Fuzz(String name) {
        this.name = name;
        this.watchdog = new Thread(this::watch, "fuzz watchdog " + name);
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** Starts metering a fuzz target in the calling thread. */
    public static Fuzz start(String name) {
        return new Fuzz(name);
    }

    /** One input: what the parser does with it. */
    public interface Run {
        /** @return true when the input was accepted, false when it was rejected with a documented error */
        boolean run() throws Exception;
    }

    /**
     * Runs one input in the calling thread; fails when it throws (the run decides which exceptions
     * are documented and turns them into {@code false}), allocates more than {@code maxBytes}, or
     * takes more than {@link #SLOW_MILLIS}.
     */
    public boolean input(byte[] bytes, long maxBytes, Run run) throws Exception {
        long threadId = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(threadId);
        current = bytes;
        currentStart = System.nanoTime();
        boolean accepted;
        try {
            accepted = run.run();
        } finally {
            current = null;
        }
        long millis = (System.nanoTime() - currentStart) / 1_000_000;
        long allocated = THREADS.getThreadAllocatedBytes(threadId) - before;
        if (tried.incrementAndGet() % 100_000 == 0) {
            System.out.printf("FUZZ %s: %d inputs so far, %.1f s%n", name, tried.get(), (System.nanoTime() - startNanos) / 1e9);
        }
        if (!accepted) {
            rejected.incrementAndGet();
        }
        if (allocated > maxBytes) {
            // The first run of a code path allocates for class loading and string concatenation
            // bootstraps: measure the same input again, warm.
            before = THREADS.getThreadAllocatedBytes(threadId);
            run.run();
            allocated = THREADS.getThreadAllocatedBytes(threadId) - before;
        }
        if (allocated > maxBytes) {
            throw new AssertionError(name + ": an input of " + bytes.length + " bytes made the parser allocate "
                    + allocated + " bytes (bound " + maxBytes + "): " + Fuzz.show(bytes));
        }
        synchronized (this) {
            maxAllocated = Math.max(maxAllocated, allocated);
            maxMillis = Math.max(maxMillis, millis);
        }
        if (millis > SLOW_MILLIS) {
            throw new AssertionError(name + ": an input of " + bytes.length + " bytes took " + millis + " ms: "
                    + Fuzz.show(bytes));
        }
        return accepted;
    }

    private void watch() {
        while (true) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
            byte[] input = current;
            if (input != null && System.nanoTime() - currentStart > HANG_MILLIS * 1_000_000) {
                Path saved = Path.of("target", "fuzz-hang-" + name + ".bin");
                try {
                    Files.createDirectories(saved.getParent());
                    Files.write(saved, input);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                System.err.println(name + ": HANG: an input has run for more than " + HANG_MILLIS
                        + " ms; saved in " + saved.toAbsolutePath());
                for (StackTraceElement e : worker.getStackTrace()) {
                    System.err.println("\tat " + e);
                }
                System.err.flush();
                Runtime.getRuntime().halt(3);               // a parser in a loop cannot be interrupted
            }
        }
    }

    /** Prints the run's figures (for src/docs/reliability.md) and stops the watchdog. */
    @Override
    public void close() {
        watchdog.interrupt();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf("FUZZ %s: %d inputs (%d accepted, %d rejected as documented) in %.1f s; slowest %d ms,"
                        + " most allocated by one input %d bytes%n", name, tried.get(), tried.get() - rejected.get(),
                rejected.get(), seconds, maxMillis, maxAllocated);
    }

    public long tried() {
        return tried.get();
    }

    // ---- mutations ---------------------------------------------------------------------------

    /**
     * A valid input with one to eight random edits: flip a bit, set a byte, insert or delete a run
     * of bytes, duplicate or move a slice, or put a "dictionary" token (e.g. a separator the format
     * knows) somewhere.
     */
    public static byte[] mutate(byte[] valid, Random random, byte[][] dictionary) {
        byte[] b = valid.clone();
        int edits = 1 + random.nextInt(8);
        for (int i = 0; i < edits; i++) {
            b = edit(b, random, dictionary);
        }
        return b;
    }

    private static byte[] edit(byte[] b, Random random, byte[][] dictionary) {
        int at = b.length == 0 ? 0 : random.nextInt(b.length + 1);
        switch (random.nextInt(8)) {
            case 0 -> {
                if (at < b.length) {
                    b[at] ^= (byte) (1 << random.nextInt(8));
                }
                return b;
            }
            case 1 -> {
                if (at < b.length) {
                    b[at] = interesting(random);
                }
                return b;
            }
            case 2 -> {
                byte[] insert = new byte[1 + random.nextInt(random.nextInt(4) == 0 ? 64 : 4)];
                for (int i = 0; i < insert.length; i++) {
                    insert[i] = interesting(random);
                }
                return splice(b, at, 0, insert);
            }
            case 3 -> {
                int length = Math.min(b.length - at, 1 + random.nextInt(random.nextInt(4) == 0 ? 64 : 4));
                return splice(b, at, Math.max(0, length), new byte[0]);
            }
            case 4 -> {
                if (b.length == 0) {
                    return b;
                }
                int from = random.nextInt(b.length);
                int length = Math.min(b.length - from, 1 + random.nextInt(32));
                byte[] slice = java.util.Arrays.copyOfRange(b, from, from + length);
                return splice(b, at, 0, slice);
            }
            case 5 -> {
                // a big-endian length or count set to a boundary value
                if (at + 4 <= b.length) {
                    int[] values = {0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x7fff, 0x10000, 1 << 20, (1 << 20) + 1};
                    int v = values[random.nextInt(values.length)];
                    b[at] = (byte) (v >>> 24);
                    b[at + 1] = (byte) (v >>> 16);
                    b[at + 2] = (byte) (v >>> 8);
                    b[at + 3] = (byte) v;
                }
                return b;
            }
            default -> {
                if (dictionary.length == 0) {
                    return b;
                }
                byte[] token = dictionary[random.nextInt(dictionary.length)];
                boolean replace = random.nextBoolean() && at + token.length <= b.length;
                return splice(b, at, replace ? token.length : 0, token);
            }
        }
    }

    private static byte interesting(Random random) {
        byte[] special = {0, (byte) 0xff, '\r', '\n', ' ', '\t', '\\', '"', '<', '>', '$', '{', '}', '(', ')', ':',
                '=', ',', '.', '@', '#', (byte) 0x80, (byte) 0xc3, (byte) 0xa9, 0x7f};
        return random.nextInt(3) == 0 ? special[random.nextInt(special.length)] : (byte) random.nextInt(256);
    }

    /** b with {@code remove} bytes at {@code at} replaced by {@code insert}. */
    public static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }

    /** Random bytes, mostly short. */
    public static byte[] randomBytes(Random random, int maxLength) {
        byte[] b = new byte[random.nextInt(1 + random.nextInt(maxLength))];
        random.nextBytes(b);
        return b;
    }

    /** An input for a failure message: escaped, cut at 400 characters. */
    public static String show(byte[] bytes) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < bytes.length && sb.length() < 400; i++) {
            int c = bytes[i] & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        return sb.append(bytes.length > 400 ? "\"..." : "\"").toString();
    }
}
