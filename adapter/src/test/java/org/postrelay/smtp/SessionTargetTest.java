package org.postrelay.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Addresses in relay= as Postfix prints them (inet_ntop): IPv6 in its shortest form. */
class SessionTargetTest {

    @ParameterizedTest
    @CsvSource({"127.0.0.1, 127.0.0.1", "0:0:0:0:0:0:0:1, ::1", "2001:db8:0:0:0:0:0:25, 2001:db8::25",
            "2001:db8:0:1:0:0:0:1, 2001:db8:0:1::1", "2001:0:0:1:0:0:0:0, 2001:0:0:1::",
            "2001:db8:1:2:3:4:5:6, 2001:db8:1:2:3:4:5:6", "2001:db8:0:1:2:3:4:5, 2001:db8:0:1:2:3:4:5",
            "0:0:0:0:0:0:0:0, ::"})
    void addressShouldPrintAsPostfixDoes(String address, String printed) throws UnknownHostException {
        SessionTarget t = new SessionTarget("mx.example.test", InetAddress.getByName(address), 25);
        assertEquals(printed, SessionTarget.text(t.address()));
        assertEquals("mx.example.test[" + printed + "]:25", t.relay());
    }
}
