package org.postrelay.smtpd;

import java.net.InetAddress;
import org.postrelay.cleanup.AddressResolver;
import org.postrelay.config.Config;
import org.postrelay.config.Parameters;
import org.postrelay.local.LocalTransport;

/**
 * Who may send where, Postfix's {@code permit_mynetworks, reject_unauth_destination} and nothing
 * more: a client in {@code mynetworks} may relay anywhere; any client may send to a domain in
 * {@code mydestination} whose local delivery would take the mail; everything else is refused with
 * {@code 554 5.7.1 <rcpt>: Relay access denied}. Never an open relay.
 */
final class RelayPolicy {

    private final Mynetworks mynetworks;
    private final AddressResolver resolver;
    private final LocalTransport localTransport;

    RelayPolicy(Config config) {
        this.mynetworks = Mynetworks.parse(config.list(Parameters.MYNETWORKS));
        this.resolver = new AddressResolver(config);
        this.localTransport = LocalTransport.from(config);
    }

    boolean trusted(InetAddress client) {
        return mynetworks.contains(client);
    }

    /**
     * The reject reply for a recipient, or null when it is accepted.
     *
     * @param canonical the recipient as cleanup will see it (qualified)
     * @param given the address as the client wrote it, for the reply
     */
    String check(boolean trusted, String canonical, String given) {
        if (resolver.isLocal(canonical)) {
            if (localTransport instanceof LocalTransport.Error error) {
                // cleanup would refuse the whole message: refuse this recipient now instead
                return "550 5.1.1 <" + given + ">: Recipient address rejected: " + error.text();
            }
            return null;
        }
        return trusted ? null : "554 5.7.1 <" + given + ">: Relay access denied";
    }
}
