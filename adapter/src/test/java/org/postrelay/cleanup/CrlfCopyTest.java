package org.postrelay.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CrlfCopyTest {

    private static String copy(String text, boolean terminate) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CrlfCopy.copy(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)), out, terminate);
        return out.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void bareLineFeedsShouldBecomeCrlf() throws Exception {
        assertEquals("a\r\nb\r\n\r\nc\r\n", copy("a\nb\r\n\nc\n", true));
    }

    @Test
    void missingFinalLineEndShouldBeAddedOnlyWhenAsked() throws Exception {
        assertEquals("a\r\nb\r\n", copy("a\nb", true));
        assertEquals("a\r\nb", copy("a\nb", false));
    }

    @Test
    void crlfSplitAcrossReadsShouldNotBeDoubled() throws Exception {
        InputStream oneByteAtATime = new ByteArrayInputStream("x\r\ny\n".getBytes(StandardCharsets.US_ASCII)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(1, len));
            }
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CrlfCopy.copy(oneByteAtATime, out, true);
        assertEquals("x\r\ny\r\n", out.toString(StandardCharsets.US_ASCII));
    }
}
