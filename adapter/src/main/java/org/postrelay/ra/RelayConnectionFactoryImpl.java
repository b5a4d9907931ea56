package org.postrelay.ra;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import javax.naming.Reference;
import org.postrelay.api.RelayConnection;
import org.postrelay.api.RelayConnectionFactory;
import org.postrelay.api.RelayException;
import org.postrelay.api.TemporaryFailureException;

/** The factory applications look up by JNDI; connections come from the container's pool. */
public class RelayConnectionFactoryImpl implements RelayConnectionFactory {

    private static final long serialVersionUID = 1L;

    private final PostrelayManagedConnectionFactory managedFactory;
    private final transient ConnectionManager connectionManager;
    private Reference reference;

    RelayConnectionFactoryImpl(PostrelayManagedConnectionFactory managedFactory, ConnectionManager connectionManager) {
        this.managedFactory = managedFactory;
        this.connectionManager = connectionManager;
    }

    @Override
    public RelayConnection getConnection() throws RelayException {
        try {
            return (RelayConnection) connectionManager.allocateConnection(managedFactory, null);
        } catch (ResourceException e) {
            throw new TemporaryFailureException("cannot get a Postrelay connection: " + e.getMessage(), e);
        }
    }

    @Override
    public void setReference(Reference reference) {
        this.reference = reference;
    }

    @Override
    public Reference getReference() {
        return reference;
    }
}
