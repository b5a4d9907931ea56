package org.postrelay.cleanup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Copies message text turning bare LF line ends into CRLF, as the queue file format requires. */
final class CrlfCopy {

    private CrlfCopy() {
    }

    /**
     * Copies {@code in} to {@code out}; with {@code terminate}, a last line without a line end gets
     * a CRLF.
     */
    static void copy(InputStream in, OutputStream out, boolean terminate) throws IOException {
        int available = in.available();             // an in-memory message says how much is left
        byte[] buffer = new byte[available > 0 && available < 8192 ? available + 1 : 8192];
        int previous = '\n';
        int n;
        while ((n = in.read(buffer)) > 0) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n' && previous != '\r') {
                    out.write(buffer, start, i - start);
                    out.write('\r');
                    start = i;                               // the LF itself goes out with the next run
                }
                previous = buffer[i];
            }
            out.write(buffer, start, n - start);
        }
        if (terminate && previous != '\n') {
            out.write('\r');
            out.write('\n');
        }
    }
}
