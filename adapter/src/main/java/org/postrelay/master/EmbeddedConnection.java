package org.postrelay.master;

import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.util.Collection;
import org.postrelay.api.MessageRejectedException;
import org.postrelay.api.RelayAdmin;
import org.postrelay.api.RelayConnection;
import org.postrelay.api.RelayException;
import org.postrelay.api.TemporaryFailureException;
import org.postrelay.cleanup.Submission;

/** A connection of an embedded engine: delegates to the submission service until closed. */
final class EmbeddedConnection implements RelayConnection {

    private final Submission submission;
    private final RelayAdmin admin;
    private volatile boolean closed;

    EmbeddedConnection(Submission submission, RelayAdmin admin) {
        this.submission = submission;
        this.admin = admin;
    }

    @Override
    public <T> T unwrap(Class<T> type) throws RelayException {
        checkOpen();
        if (type == RelayAdmin.class) {
            return type.cast(admin);
        }
        throw new MessageRejectedException("a RelayConnection offers RelayAdmin, not " + type.getName());
    }

    @Override
    public String send(MimeMessage message) throws RelayException {
        checkOpen();
        return submission.send(message);
    }

    @Override
    public String send(String sender, Collection<String> recipients, InputStream rfc822) throws RelayException {
        checkOpen();
        return submission.send(sender, recipients, rfc822);
    }

    private void checkOpen() throws TemporaryFailureException {
        if (closed) {
            throw new TemporaryFailureException("this RelayConnection is closed: get a new one from the factory", null);
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
