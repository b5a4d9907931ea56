package org.postrelay.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.postrelay.api.MessageRejectedException;

class AddressesTest {

    private final Addresses addresses = new Addresses("nixation.com", true);

    @Test
    void bareNameShouldBeQualifiedWithMyorigin() throws Exception {
        assertEquals("linda@nixation.com", addresses.recipient("linda"));
        assertEquals("root@nixation.com", addresses.sender("<root>"));
    }

    @Test
    void qualifiedAddressShouldStayAsGivenWithoutBrackets() throws Exception {
        assertEquals("a.b+tag@example.org", addresses.recipient(" <a.b+tag@example.org> "));
    }

    @Test
    void emptySenderShouldBeTheNullSender() throws Exception {
        assertEquals("", addresses.sender("<>"));
        assertEquals("", addresses.sender(""));
    }

    @Test
    void nullRecipientAddressShouldBeRefused() {
        MessageRejectedException e = assertThrows(MessageRejectedException.class, () -> addresses.recipient("<>"));
        assertTrue(e.getMessage().contains("only be a sender"), e.getMessage());
    }

    @Test
    void lineBreakShouldBeRefusedAsInjection() {
        MessageRejectedException e = assertThrows(MessageRejectedException.class,
                () -> addresses.recipient("a@example.org\r\nRCPT TO:<b@example.org>"));
        assertTrue(e.getMessage().contains("header injection"), e.getMessage());
        assertTrue(e.getMessage().contains("\\r\\n"), "the bad input is shown escaped: " + e.getMessage());
    }

    @Test
    void malformedAddressesShouldBeRefusedNamingThem() {
        for (String bad : new String[] {"a b@example.org", "a@@example.org", "a@", "@example.org",
                "Alice <a@example.org>", "a@exa..mple.org", "\u00e4@example.org"}) {
            MessageRejectedException e = assertThrows(MessageRejectedException.class, () -> addresses.recipient(bad),
                    bad);
            assertTrue(e.getMessage().contains("recipient"), e.getMessage());
        }
    }

    @Test
    void bareNameWithoutAppendAtMyoriginShouldBeRefused() {
        Addresses strict = new Addresses("nixation.com", false);
        MessageRejectedException e = assertThrows(MessageRejectedException.class, () -> strict.recipient("linda"));
        assertTrue(e.getMessage().contains("append_at_myorigin"), e.getMessage());
    }

    @Test
    void domainShouldBeLowerCased() {
        assertEquals("example.org", Addresses.domain("x@Example.ORG"));
    }
}
