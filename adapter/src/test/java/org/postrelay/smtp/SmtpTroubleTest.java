package org.postrelay.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.postrelay.smtp.SmtpTrouble.Reply;

/** Replies as Postfix reports them: one line, and the dsn from the enhanced status code when it fits. */
class SmtpTroubleTest {

    @Test
    void multiLineReplyShouldBeJoinedOnOneLine() {
        Reply r = Reply.parse("550-5.1.1 No such user\n550 5.1.1 here, try elsewhere\n", 550);
        assertEquals("550 5.1.1 No such user here, try elsewhere", r.text());
        assertEquals("5.1.1", r.dsn());
    }

    @Test
    void enhancedCodeOfAnotherClassShouldBeIgnored() {
        assertEquals("4.0.0", Reply.parse("451 5.1.1 confused server", 451).dsn());
        assertEquals("2.0.0", Reply.parse("250 Ok", 250).dsn());
        assertEquals("5.0.0", Reply.parse("554", 554).dsn());
    }

    @Test
    void emptyReplyShouldKeepTheCode() {
        Reply r = Reply.parse("", 421);
        assertEquals("421", r.text());
        assertEquals("4.0.0", r.dsn());
    }
}
