package org.postrelay.master;

import javax.naming.NamingException;
import javax.naming.Reference;
import org.postrelay.api.RelayAdmin;
import org.postrelay.api.RelayConnection;
import org.postrelay.api.RelayConnectionFactory;
import org.postrelay.api.TemporaryFailureException;
import org.postrelay.cleanup.Submission;

/** The connection factory of an engine embedded in the same JVM (no application server). */
final class EmbeddedConnectionFactory implements RelayConnectionFactory {

    private static final long serialVersionUID = 1L;

    private final transient Submission submission;
    private final transient RelayAdmin admin;
    private Reference reference;

    EmbeddedConnectionFactory(Submission submission, RelayAdmin admin) {
        this.submission = submission;
        this.admin = admin;
    }

    @Override
    public RelayConnection getConnection() throws TemporaryFailureException {
        if (submission == null) {
            throw new TemporaryFailureException("this factory was serialized away from its engine: "
                    + "look it up again where the engine runs", null);
        }
        return new EmbeddedConnection(submission, admin);
    }

    @Override
    public void setReference(Reference reference) {
        this.reference = reference;
    }

    @Override
    public Reference getReference() throws NamingException {
        if (reference == null) {
            throw new NamingException("an embedded RelayConnectionFactory is not bound in JNDI");
        }
        return reference;
    }
}
