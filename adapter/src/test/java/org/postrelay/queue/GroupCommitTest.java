package org.postrelay.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitTest {

    private static final int THREADS = 20;
    private static final int COMMITS_PER_THREAD = 200;

    @TempDir
    Path dir;

    @Test
    void concurrentCommitsShouldAllBeReadableAndShareDirectoryFsyncs() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try (Spool spool = Spool.open(dir)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<QueueId>>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                Callable<List<QueueId>> committer = () -> {
                    start.await();
                    List<QueueId> ids = new ArrayList<>();
                    for (int i = 0; i < COMMITS_PER_THREAD; i++) {
                        ids.add(SpoolTest.queue(spool, "s@example.com", List.of("t" + thread + "@example.org"),
                                body(thread, i)));
                    }
                    return ids;
                };
                results.add(pool.submit(committer));
            }
            start.countDown();
            Set<QueueId> all = new HashSet<>();
            for (int t = 0; t < THREADS; t++) {
                List<QueueId> ids = results.get(t).get(2, TimeUnit.MINUTES);
                for (int i = 0; i < ids.size(); i++) {
                    assertTrue(all.add(ids.get(i)), "distinct ids");
                    Envelope envelope = spool.read(QueueName.INCOMING, ids.get(i));
                    assertEquals("t" + t + "@example.org", envelope.recipients().get(0).address());
                    assertArrayEquals(body(t, i), SpoolTest.readContent(spool, QueueName.INCOMING, envelope));
                }
            }
            assertEquals(THREADS * COMMITS_PER_THREAD, all.size());
            assertEquals(all.size(), spool.count(QueueName.INCOMING));
            SpoolStats stats = spool.stats();
            assertEquals(THREADS * COMMITS_PER_THREAD, stats.commits());
            assertTrue(stats.incomingFsyncs() > 0 && stats.incomingFsyncs() < stats.commits(),
                    "directory fsyncs shared: " + stats);
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] body(int thread, int i) {
        return ("Subject: " + thread + "/" + i + "\r\n\r\n" + "x".repeat(1500) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
