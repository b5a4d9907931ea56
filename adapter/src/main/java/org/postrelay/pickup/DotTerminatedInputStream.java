package org.postrelay.pickup;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * sendmail's input without {@code -i}: a line holding only "." ends the message (the rest of the
 * input is not part of it). Lines are LF or CRLF terminated; nothing else is changed.
 */
final class DotTerminatedInputStream extends FilterInputStream {

    private final byte[] pending = new byte[3];          // a line start that may be ".\n" / ".\r\n"
    private int pendingLength;
    private int pendingPosition;
    private boolean atLineStart = true;
    private boolean ended;

    DotTerminatedInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        if (pendingPosition < pendingLength) {
            return next(pending[pendingPosition++] & 0xff);
        }
        if (ended) {
            return -1;
        }
        int b = in.read();
        if (b == '.' && atLineStart) {
            pendingLength = 0;
            pendingPosition = 0;
            pending[pendingLength++] = '.';
            int c = in.read();
            if (c == '\n' || c < 0) {
                ended = true;                             // ".\n" (or "." at the very end)
                return -1;
            }
            if (c == '\r') {
                int d = in.read();
                if (d == '\n' || d < 0) {
                    ended = true;
                    return -1;
                }
                pending[pendingLength++] = '\r';
                pending[pendingLength++] = (byte) d;
            } else {
                pending[pendingLength++] = (byte) c;
            }
            return next(pending[pendingPosition++] & 0xff);
        }
        return b < 0 ? -1 : next(b);
    }

    private int next(int b) {
        atLineStart = b == '\n';
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        int n = 0;
        while (n < length) {
            int b = read();
            if (b < 0) {
                break;
            }
            buffer[offset + n++] = (byte) b;
            if (b == '\n' && in.available() == 0 && pendingPosition >= pendingLength) {
                break;                                    // don't block for more than is there
            }
        }
        return n == 0 ? -1 : n;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
