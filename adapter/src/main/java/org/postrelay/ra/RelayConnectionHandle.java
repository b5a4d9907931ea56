package org.postrelay.ra;

import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.util.Collection;
import org.postrelay.api.MessageRejectedException;
import org.postrelay.api.RelayAdmin;
import org.postrelay.api.RelayConnection;
import org.postrelay.api.RelayException;
import org.postrelay.api.TemporaryFailureException;

/**
 * The connection an application holds. Inside a JTA transaction its sends go to the transaction
 * branch (visible to qmgr only on commit); outside, they are queued at once.
 */
public class RelayConnectionHandle implements RelayConnection {

    private volatile PostrelayManagedConnection managedConnection;
    private volatile boolean closed;

    RelayConnectionHandle(PostrelayManagedConnection managedConnection) {
        this.managedConnection = managedConnection;
    }

    PostrelayManagedConnection managedConnection() {
        return managedConnection;
    }

    void associate(PostrelayManagedConnection other) {
        this.managedConnection = other;
    }

    /** The pool took the connection back (cleanup or destroy): this handle can no longer send. */
    void invalidate() {
        closed = true;
    }

    @Override
    public String send(MimeMessage message) throws RelayException {
        PostrelayManagedConnection mc = open();
        return mc.master().submission().send(mc.branch(), message).toString();
    }

    @Override
    public String send(String sender, Collection<String> recipients, InputStream rfc822) throws RelayException {
        PostrelayManagedConnection mc = open();
        return mc.master().submission().send(mc.branch(), sender, recipients, rfc822).toString();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws RelayException {
        PostrelayManagedConnection mc = open();
        if (type == RelayAdmin.class) {
            return type.cast(mc.master().admin());
        }
        throw new MessageRejectedException("a RelayConnection offers RelayAdmin, not " + type.getName());
    }

    private PostrelayManagedConnection open() throws TemporaryFailureException {
        if (closed) {
            throw new TemporaryFailureException("this RelayConnection is closed: get a new one from the factory", null);
        }
        return managedConnection;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            managedConnection.closed(this);
        }
    }
}
