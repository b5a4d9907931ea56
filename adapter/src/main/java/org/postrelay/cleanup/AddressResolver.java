package org.postrelay.cleanup;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.postrelay.config.Config;
import org.postrelay.config.Parameters;

/**
 * Postfix's trivial-rewrite "resolve": which transport and nexthop a recipient goes to. Domains in
 * {@code mydestination} are local; everything else is relayed to {@code relayhost} (as written: a
 * list such as "[a]:587, [b]:587" stays one nexthop, whose items smtp tries in order), or to the
 * recipient's domain, for an MX look-up, when {@code relayhost} is empty.
 */
public final class AddressResolver {

    /** The transport that delivers a recipient. */
    public enum Transport { SMTP, LOCAL }

    /** Where one recipient goes; nexthop is in {@code relayhost} syntax, empty for local. */
    public record Resolution(Transport transport, String nexthop) {}

    private final Set<String> mydestination;
    private final String relayhost;

    public AddressResolver(Config config) {
        List<String> destinations = config.list(Parameters.MYDESTINATION);
        this.mydestination = destinations.stream()
                .filter(d -> !d.contains(":") && !d.startsWith("/"))
                .map(d -> d.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        this.relayhost = config.get(Parameters.RELAYHOST);
    }

    public Resolution resolve(String recipient) {
        String domain = Addresses.domain(recipient);
        if (mydestination.contains(domain)) {
            return new Resolution(Transport.LOCAL, "");
        }
        return new Resolution(Transport.SMTP, relayhost.isEmpty() ? domain : relayhost);
    }

    public boolean isLocal(String recipient) {
        return resolve(recipient).transport() == Transport.LOCAL;
    }
}
