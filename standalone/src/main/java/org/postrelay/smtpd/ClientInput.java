package org.postrelay.smtpd;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The message content as the client sends it (already dot-unstuffed and ending at the final
 * dot), remembering a read failure: cleanup turns any IOException into "cannot queue", but a
 * timeout or a vanished client must end the session, not be answered as a spool problem.
 */
final class ClientInput extends FilterInputStream {

    private IOException failure;

    ClientInput(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        try {
            return in.read();
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return in.read(b, off, len);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    /** Rethrows the client's read failure, if there was one. */
    void rethrowClientFailure() throws IOException {
        if (failure != null) {
            throw failure;
        }
    }

    /** Reads and discards the rest up to the final dot, so the next command is read in step. */
    void drain() throws IOException {
        byte[] buffer = new byte[8192];
        while (read(buffer, 0, buffer.length) >= 0) {
            // discard: a rejected message's rest still has to be read off the wire
        }
    }

    @Override
    public void close() {
        // the client's socket stays open for the next command
    }
}
