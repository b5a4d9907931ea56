package org.postrelay.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueueIdTest {

    @Test
    void nextShouldBeUniqueUpperCaseHexAndTimeOrdered() {
        Set<QueueId> seen = new HashSet<>();
        QueueId previous = QueueId.next();
        for (int i = 0; i < 10_000; i++) {
            QueueId id = QueueId.next();
            assertTrue(id.toString().matches("[0-9A-F]{18}"), id.toString());
            assertTrue(id.compareTo(previous) > 0, id + " after " + previous);
            assertTrue(seen.add(id));
            previous = id;
        }
    }

    @Test
    void parseShouldRoundTrip() {
        QueueId id = QueueId.next();
        assertEquals(id, QueueId.parse(id.toString()));
        assertEquals(id.hashCode(), QueueId.parse(id.toString()).hashCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "../x", "..", "/etc/passwd", "0123456789abcdef01", "0123456789ABCDEF0",
            "0123456789ABCDEF012", "0123456789ABCDEFG1", "0123456789ABCDEF/1", "0123456789ABCDEF.1",
            "junk", " 0123456789ABCDEF0"})
    void parseShouldRejectMalformedIdsNamingThem(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QueueId.parse(text));
        assertTrue(e.getMessage().contains("\"" + text + "\""), e.getMessage());
        assertFalse(QueueId.isValid(text));
    }

    @Test
    void parseShouldRejectNull() {
        assertThrows(IllegalArgumentException.class, () -> QueueId.parse(null));
    }
}
