package org.postrelay.cleanup;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Passes bytes through and fails once more than {@code message_size_limit} have been written. */
final class SizeLimitedOutputStream extends FilterOutputStream {

    /** Thrown once the limit is passed; cleanup turns it into a permanent rejection. */
    static final class LimitExceeded extends IOException {
        private static final long serialVersionUID = 1L;

        LimitExceeded() {
            super("message_size_limit exceeded");
        }
    }

    private final long limit;
    private long written;

    SizeLimitedOutputStream(OutputStream out, long limit) {
        super(out);
        this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
        count(1);
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        count(len);
        out.write(b, off, len);
    }

    private void count(int n) throws LimitExceeded {
        written += n;
        if (limit > 0 && written > limit) {               // 0 means no limit, as in Postfix
            throw new LimitExceeded();
        }
    }
}
