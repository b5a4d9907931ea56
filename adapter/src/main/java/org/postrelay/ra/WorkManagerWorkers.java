package org.postrelay.ra;

import jakarta.resource.spi.work.HintsContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkContext;
import jakarta.resource.spi.work.WorkContextProvider;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.postrelay.master.Workers;

/** The engine's {@link Workers} on the container's WorkManager: no thread is made by hand. */
final class WorkManagerWorkers implements Workers {

    private final WorkManager workManager;

    WorkManagerWorkers(WorkManager workManager) {
        this.workManager = workManager;
    }

    @Override
    public void execute(Runnable task) {
        schedule(new ShortWork(task));
    }

    @Override
    public void executeLongRunning(Runnable task) {
        schedule(new LongWork(task));
    }

    private void schedule(Work work) {
        try {
            workManager.scheduleWork(work);
        } catch (WorkException e) {
            throw new RejectedExecutionException("the WorkManager refused Postrelay's work: " + e.getMessage(), e);
        }
    }

    /** A delivery or another short task. */
    private static class ShortWork implements Work {
        private final Runnable task;

        ShortWork(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            task.run();
        }

        @Override
        public void release() {
            // tasks end by themselves; the engine's stop() waits for them
        }
    }

    /** The queue manager's loop: hinted long-running so the container can give it its own pool. */
    private static final class LongWork extends ShortWork implements WorkContextProvider {
        LongWork(Runnable task) {
            super(task);
        }

        @Override
        public List<WorkContext> getWorkContexts() {
            HintsContext hints = new HintsContext();
            hints.setHint(HintsContext.LONGRUNNING_HINT, Boolean.TRUE);
            hints.setName("Postrelay qmgr");
            return List.of(hints);
        }
    }
}
