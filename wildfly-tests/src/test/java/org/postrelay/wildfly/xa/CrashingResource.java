package org.postrelay.wildfly.xa;

import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * A second resource in the transaction that stops the server JVM dead (Runtime.halt, as a power
 * cut would) in the middle of two-phase commit: in its prepare (no decision logged yet) or in its
 * commit (the decision to commit is logged, the other branches are still only prepared).
 * Not Serializable, so recovery never replays it.
 */
final class CrashingResource implements XAResource {

    /** Where in two-phase commit the server dies. */
    enum Moment { PREPARE, COMMIT }

    private final Moment moment;

    CrashingResource(Moment moment) {
        this.moment = moment;
    }

    @Override
    public int prepare(Xid xid) {
        if (moment == Moment.PREPARE) {
            Runtime.getRuntime().halt(137);
        }
        return XA_OK;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) {
        if (moment == Moment.COMMIT) {
            Runtime.getRuntime().halt(137);
        }
    }

    @Override
    public void rollback(Xid xid) {
    }

    @Override
    public void start(Xid xid, int flags) {
    }

    @Override
    public void end(Xid xid, int flags) {
    }

    @Override
    public void forget(Xid xid) {
    }

    @Override
    public Xid[] recover(int flag) {
        return new Xid[0];
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) {
        return false;
    }
}
