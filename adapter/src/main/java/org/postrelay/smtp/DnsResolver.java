package org.postrelay.smtp;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.hosts.HostsFileParser;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;

/**
 * The SMTP client's DNS look-ups (MX, A, AAAA) through dnsjava, answering as Postfix's dns_lookup
 * does: records, "not found" (NXDOMAIN or no record of the type) or "try again" (SERVFAIL, timeout,
 * any other failure), each failure with Postfix's text. {@link #system()} uses the system's resolver
 * configuration (/etc/resolv.conf) and /etc/hosts; {@link #using(Resolver)} puts any dnsjava
 * resolver in its place, e.g. a {@code SimpleResolver} at a test's DNS responder on 127.0.0.1.
 */
public final class DnsResolver {

    /** Longest wait for one look-up, should the resolver's own timeouts and retries not end it first. */
    private static final Duration BACKSTOP = Duration.ofSeconds(120);

    /** How a look-up ended, in Postfix's terms (dns_lookup.c). */
    enum Status {
        /** Records of the type were found. */
        OK,
        /** NXDOMAIN: "Host not found". */
        NOT_FOUND,
        /** The name exists without records of the type: "Host found but no data record of requested type". */
        NO_DATA,
        /** SERVFAIL, timeout or anything else: "Host not found, try again". */
        RETRY
    }

    /** One look-up's outcome: the records (OK only) or Postfix's text for the failure. */
    record Answer(Status status, List<Record> records, String text) {
    }

    private final LookupSession session;

    private DnsResolver(LookupSession session) {
        this.session = session;
    }

    /**
     * The system's resolvers (/etc/resolv.conf, as dnsjava reads it) with /etc/hosts consulted first
     * for addresses, and a cache that honours the answers' TTLs. Names are always absolute: no
     * search domains are appended, as Postfix's SMTP client does not.
     */
    public static DnsResolver system() {
        return withHostsFile(new ExtendedResolver(), new HostsFileParser());
    }

    /** As {@link #system()}, with this resolver and hosts file (for tests of that arrangement). */
    static DnsResolver withHostsFile(Resolver resolver, HostsFileParser hosts) {
        return new DnsResolver(LookupSession.builder()
                .resolver(resolver)
                .hostsFileParser(hosts)
                .cache(new Cache(DClass.IN))
                .executor(Runnable::run)
                .build());
    }

    /** Look-ups through this resolver alone: no /etc/hosts, no cache (each look-up asks it). */
    public static DnsResolver using(Resolver resolver) {
        return new DnsResolver(LookupSession.builder()
                .resolver(resolver)
                .clearCaches()
                .executor(Runnable::run)
                .build());
    }

    /** Looks up records of one type for an absolute name, following CNAMEs. */
    Answer lookup(Name name, int type) {
        try {
            LookupResult result = session.lookupAsync(name, type).toCompletableFuture()
                    .get(BACKSTOP.toMillis(), TimeUnit.MILLISECONDS);
            List<Record> records = result.getRecords().stream().filter(r -> r.getType() == type).toList();
            return records.isEmpty() ? failure(name, type, Status.NO_DATA) : new Answer(Status.OK, records, null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof NoSuchDomainException) {
                return failure(name, type, Status.NOT_FOUND);
            }
            if (cause instanceof NoSuchRRSetException) {
                return failure(name, type, Status.NO_DATA);
            }
            return failure(name, type, Status.RETRY);
        } catch (TimeoutException e) {
            return failure(name, type, Status.RETRY);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failure(name, type, Status.RETRY);
        }
    }

    /** Postfix's text for a failed look-up (dns_query's "why"). */
    static Answer failure(Name name, int type, Status status) {
        String error = switch (status) {
            case NOT_FOUND -> "Host not found";
            case NO_DATA -> "Host found but no data record of requested type";
            case RETRY -> "Host not found, try again";
            case OK -> throw new IllegalArgumentException("not a failure");
        };
        return new Answer(status, List.of(), "Host or domain name not found. Name service error for name="
                + name.toString(true) + " type=" + Type.string(type) + ": " + error);
    }
}
