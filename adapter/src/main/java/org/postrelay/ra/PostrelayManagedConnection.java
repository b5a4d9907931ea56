package org.postrelay.ra;

import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionMetaData;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.security.auth.Subject;
import javax.transaction.xa.XAResource;
import org.postrelay.master.Master;

/**
 * A pooled connection to the engine. Sending needs no socket, so it only carries the transaction
 * branch it is enlisted in (set by its {@link RelayXAResource}) and tells the pool when a handle
 * closes.
 */
final class PostrelayManagedConnection implements ManagedConnection {

    private final PostrelayManagedConnectionFactory factory;
    private final Master master;
    private final RelayXAResource xaResource;
    private final List<ConnectionEventListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<RelayConnectionHandle> handles = ConcurrentHashMap.newKeySet();
    private volatile String branch;                      // the transaction branch, while enlisted
    private PrintWriter logWriter;

    PostrelayManagedConnection(PostrelayManagedConnectionFactory factory, Master master) {
        this.factory = factory;
        this.master = master;
        this.xaResource = new RelayXAResource(this, master.transactions());
    }

    PostrelayManagedConnectionFactory factory() {
        return factory;
    }

    Master master() {
        return master;
    }

    /** The transaction branch sends go to, or null outside a transaction. */
    String branch() {
        return branch;
    }

    void enlist(String branch) {
        this.branch = branch;
    }

    @Override
    public Object getConnection(Subject subject, ConnectionRequestInfo info) {
        RelayConnectionHandle handle = new RelayConnectionHandle(this);
        handles.add(handle);
        return handle;
    }

    @Override
    public void associateConnection(Object connection) throws ResourceException {
        if (!(connection instanceof RelayConnectionHandle handle)) {
            throw new ResourceException("not a Postrelay connection handle: " + connection);
        }
        handle.managedConnection().handles.remove(handle);
        handle.associate(this);
        handles.add(handle);
    }

    /** A handle was closed by the application: the pool may reuse this connection. */
    void closed(RelayConnectionHandle handle) {
        handles.remove(handle);
        ConnectionEvent event = new ConnectionEvent(this, ConnectionEvent.CONNECTION_CLOSED);
        event.setConnectionHandle(handle);
        for (ConnectionEventListener listener : listeners) {
            listener.connectionClosed(event);
        }
    }

    @Override
    public void cleanup() {
        handles.forEach(RelayConnectionHandle::invalidate);
        handles.clear();
    }

    @Override
    public void destroy() {
        cleanup();
    }

    @Override
    public void addConnectionEventListener(ConnectionEventListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeConnectionEventListener(ConnectionEventListener listener) {
        listeners.remove(listener);
    }

    @Override
    public XAResource getXAResource() {
        return xaResource;
    }

    @Override
    public LocalTransaction getLocalTransaction() throws ResourceException {
        throw new NotSupportedException("Postrelay takes part in transactions through XA only");
    }

    @Override
    public ManagedConnectionMetaData getMetaData() {
        return new ManagedConnectionMetaData() {
            @Override
            public String getEISProductName() {
                return "Postrelay";
            }

            @Override
            public String getEISProductVersion() {
                String v = Master.class.getPackage().getImplementationVersion();
                return v == null ? "development" : v;
            }

            @Override
            public int getMaxConnections() {
                return 0;                                // no limit of its own
            }

            @Override
            public String getUserName() {
                return "";
            }
        };
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }
}
