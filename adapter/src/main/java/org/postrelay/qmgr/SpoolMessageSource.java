package org.postrelay.qmgr;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Optional;
import org.postrelay.queue.Envelope;
import org.postrelay.queue.QueueName;
import org.postrelay.queue.Spool;
import org.postrelay.smtp.MessageSource;

/** The content of an active message, streamed from its queue file for the SMTP client. */
record SpoolMessageSource(Spool spool, Envelope envelope) implements MessageSource {

    @Override
    public InputStream open() throws IOException {
        return spool.openContent(QueueName.ACTIVE, envelope);
    }

    @Override
    public long size() {
        return envelope.contentLength();
    }

    @Override
    public Optional<Instant> arrivalTime() {
        return Optional.of(envelope.arrival());
    }
}
