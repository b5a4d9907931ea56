package org.postrelay.ra;

import java.io.IOException;
import java.util.List;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.postrelay.master.Transactions;

/**
 * XA for a managed connection, translated to the engine's {@link Transactions}: a message sent in a
 * branch is durable at once but waits in prepared/, so prepare has nothing left to write; commit
 * makes it visible to qmgr; rollback deletes it; recover lists what waits after a crash.
 */
final class RelayXAResource implements XAResource {

    private final PostrelayManagedConnection connection;
    private final Transactions transactions;

    RelayXAResource(PostrelayManagedConnection connection, Transactions transactions) {
        this.connection = connection;
        this.transactions = transactions;
    }

    @Override
    public void start(Xid xid, int flags) {
        connection.enlist(XidCodec.encode(xid));
    }

    @Override
    public void end(Xid xid, int flags) {
        connection.enlist(null);
    }

    @Override
    public int prepare(Xid xid) {
        return transactions.hasMessages(XidCodec.encode(xid)) ? XA_OK : XA_RDONLY;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        try {
            transactions.commit(XidCodec.encode(xid));
        } catch (IOException e) {
            throw failure(XAException.XA_RETRY, "commit", xid, e);   // still prepared: retry later
        }
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        try {
            transactions.rollback(XidCodec.encode(xid));
        } catch (IOException e) {
            throw failure(XAException.XAER_RMERR, "rollback", xid, e);
        }
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        if ((flag & TMSTARTRSCAN) == 0) {
            return new Xid[0];                           // everything was returned at the start of the scan
        }
        try {
            List<String> branches = transactions.inDoubt();
            return branches.stream().map(XidCodec::decode).toArray(Xid[]::new);
        } catch (IOException e) {
            throw failure(XAException.XAER_RMERR, "recover", null, e);
        }
    }

    @Override
    public void forget(Xid xid) {
        // no heuristic decisions are ever taken, so there is nothing to forget
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other instanceof RelayXAResource that && that.transactions == transactions;
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) {
        return false;
    }

    private static XAException failure(int code, String operation, Xid xid, IOException cause) {
        XAException e = new XAException("Postrelay " + operation + (xid == null ? "" : " of " + XidCodec.encode(xid))
                + " failed: " + cause.getMessage());
        e.errorCode = code;
        e.initCause(cause);
        return e;
    }
}
