package org.postrelay.api;

import java.io.Serializable;

/**
 * Hands out connections to the relay. Looked up by JNDI in a container
 * ({@code java:/eis/postrelay/RelayConnectionFactory}) or taken from an embedded engine.
 */
public interface RelayConnectionFactory extends Serializable, jakarta.resource.Referenceable {

    /** Opens a connection; cheap, and meant to be closed after use (try-with-resources). */
    RelayConnection getConnection() throws RelayException;
}
