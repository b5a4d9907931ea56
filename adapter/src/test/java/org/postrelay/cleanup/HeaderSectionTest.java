package org.postrelay.cleanup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.postrelay.api.MessageRejectedException;

class HeaderSectionTest {

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void foldedFieldsShouldStayOneFieldAndBodyShouldFollow() throws Exception {
        InputStream in = stream("Subject: a\n long subject\r\nTo: x@example.org\n\nbody\n");
        HeaderSection h = HeaderSection.read(in, 102400);
        assertEquals(2, h.fields().size());
        assertEquals("Subject: a\r\n long subject", h.fields().get(0).text());
        assertEquals("body\n", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
    }

    @Test
    void nonHeaderLineShouldStartTheBody() throws Exception {
        HeaderSection h = HeaderSection.read(stream("Subject: s\nthis is text\n"), 102400);
        assertEquals(1, h.fields().size());
        assertArrayEquals("this is text\n".getBytes(StandardCharsets.US_ASCII), h.firstBodyLine());
    }

    @Test
    void eightBitHeaderBytesShouldPassThroughUnchanged() throws Exception {
        byte[] raw = "Subject: caf\u00e9\n\n".getBytes(StandardCharsets.ISO_8859_1);
        HeaderSection h = HeaderSection.read(new ByteArrayInputStream(raw), 102400);
        assertEquals("Subject: caf\u00e9", h.fields().get(0).text());
    }

    @Test
    void bareCarriageReturnShouldBeRefused() {
        assertThrows(MessageRejectedException.class,
                () -> HeaderSection.read(stream("Subject: x\rBcc: y@example.org\n\n"), 102400));
    }

    @Test
    void headerSectionOverTheLimitShouldBeRefusedNamingTheParameter() {
        ByteArrayOutputStream big = new ByteArrayOutputStream();
        for (int i = 0; i < 200; i++) {
            big.writeBytes(("X-Filler-" + i + ": " + "y".repeat(90) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        MessageRejectedException e = assertThrows(MessageRejectedException.class,
                () -> HeaderSection.read(new ByteArrayInputStream(big.toByteArray()), 10000));
        assertTrue(e.getMessage().contains("header_size_limit"), e.getMessage());
    }

    @Test
    void injectedLineInAHeaderValueShouldBeFound() {
        assertTrue(HeaderSection.injectionIn("Subject", "hi\r\nBcc: evil@example.org").contains("header injection"));
        assertTrue(HeaderSection.injectionIn("Subject", "hi\nBcc: evil@example.org").contains("Subject"));
        assertNull(HeaderSection.injectionIn("Subject", "a folded\r\n value"));
    }
}
