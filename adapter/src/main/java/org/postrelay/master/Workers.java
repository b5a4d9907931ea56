package org.postrelay.master;

/**
 * Where the engine's work runs: an ordinary executor when standalone, the container's
 * {@code WorkManager} inside an application server (no thread is made by hand there). Tasks may be
 * long-running (the queue manager's loop) or short (one delivery).
 */
public interface Workers {

    /**
     * Runs a task soon on another thread.
     *
     * @throws java.util.concurrent.RejectedExecutionException when no thread can take it
     */
    void execute(Runnable task);

    /**
     * Runs a task that lasts as long as the engine (the queue manager's loop); a container may give
     * it a thread from its long-running pool.
     */
    default void executeLongRunning(Runnable task) {
        execute(task);
    }
}
