package org.postrelay.smtp;

import java.net.IDN;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * From one destination to the server addresses to try, in order, as Postfix's smtp_addr.c: for
 * "domain" the MX hosts by preference and their A/AAAA addresses, the domain's own addresses when it
 * has no MX record, a bounce for a null MX (RFC 7505); for "[host]" the host's addresses; a numeric
 * address is used as it is. inet_protocols chooses A and/or AAAA look-ups; equal preferences are
 * shuffled (smtp_randomize_addresses) then ordered by smtp_address_preference; with both families
 * and more addresses than smtp_mx_address_limit, both keep a share (smtp_balance_inet_protocols).
 */
final class MxRoute {

    private static final Logger LOG = Logger.getLogger("org.postrelay.smtp");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** Where a destination leads: the servers to try, or why there are none (dsn and Postfix's text). */
    record Route(List<SessionTarget> targets, String dsn, String text) {
        static Route of(List<SessionTarget> targets) {
            return new Route(List.copyOf(targets), null, null);
        }

        static Route failed(String dsn, String text) {
            return new Route(List.of(), dsn, text);
        }

        boolean found() {
            return dsn == null;
        }
    }

    /** One address with the preference of the MX record that led to it (0 without MX). */
    private record Candidate(SessionTarget target, int preference) {
    }

    /**
     * The failure of the last host that had no address, as smtp_addr_one leaves it: "try again" is
     * 4.4.3; "not found" is 5.4.4, or 4.4.4 once an earlier host failed softly.
     */
    private static final class Why {
        String dsn;
        String text;
        boolean soft;
    }

    private final DnsResolver dns;
    private final RoutingSettings settings;

    MxRoute(DnsResolver dns, RoutingSettings settings) {
        this.dns = dns;
        this.settings = settings;
    }

    /** The servers for one destination, best first, not yet cut to smtp_mx_address_limit. */
    Route resolve(Nexthop nexthop) {
        return nexthop.mxLookup() ? domainAddresses(nexthop) : hostAddresses(nexthop.host(), nexthop.port());
    }

    /** smtp_domain_addr: MX hosts of the domain, else the domain's own addresses. */
    private Route domainAddresses(Nexthop nexthop) {
        String domain = ascii(nexthop.host());
        if (numeric(domain) != null) {
            return hostAddresses(domain, nexthop.port());      // a numeric "domain" has no MX: use it
        }
        Name name = name(domain);
        if (name == null) {
            return invalidName(domain);
        }
        DnsResolver.Answer mx = dns.lookup(name, Type.MX);
        switch (mx.status()) {
            case NOT_FOUND, NO_DATA:
                return hostAddresses(domain, nexthop.port());  // no MX: the domain is its own mail server
            case RETRY:
                return Route.failed("4.4.3", mx.text());
            default:
                break;
        }
        List<MXRecord> records = new ArrayList<>();
        for (Record r : mx.records()) {
            MXRecord m = (MXRecord) r;
            if (m.getTarget().equals(Name.root)) {
                return Route.failed("5.1.0", "Domain " + domain + " does not accept mail (nullMX)");
            }
            records.add(m);
        }
        records.sort(Comparator.comparingInt(MXRecord::getPriority));   // stable: DNS order within a preference
        List<Candidate> found = new ArrayList<>();
        Why why = new Why();
        for (MXRecord m : records) {
            String host = m.getTarget().toString(true);
            InetAddress literal = numeric(host);                 // an MX that names an address: used as such
            if (literal == null) {
                found.addAll(addresses(m.getTarget(), m.getPriority(), nexthop.port(), why));
            } else if (literal instanceof Inet6Address ? settings.ipv6() : settings.ipv4()) {
                found.add(new Candidate(new SessionTarget(host, literal, nexthop.port()), m.getPriority()));
            }
        }
        if (found.isEmpty()) {
            LOG.warning("no MX host for " + domain + " has a valid address record");
            return Route.failed(why.dsn, why.text);
        }
        return Route.of(order(found));
    }

    /** smtp_host_addr: the addresses of one host, or the host itself when it is a numeric address. */
    private Route hostAddresses(String host, int port) {
        String ascii = ascii(host);
        InetAddress literal = numeric(ascii);
        if (literal != null) {
            if (literal instanceof Inet6Address ? settings.ipv6() : settings.ipv4()) {
                return Route.of(List.of(new SessionTarget(host, literal, port)));
            }
            // a family that inet_protocols turned off: Postfix then asks DNS, which refuses a numeric name
            return Route.failed("5.4.4", "Name service error for " + host + ": invalid host or domain name");
        }
        Name name = name(ascii);
        if (name == null) {
            return invalidName(host);
        }
        Why why = new Why();
        List<Candidate> found = addresses(name, 0, port, why);
        if (found.isEmpty()) {
            return Route.failed(why.dsn, why.text);
        }
        return Route.of(order(found));
    }

    /**
     * A and/or AAAA records of one host, as inet_protocols asks (A first). Any record found is a
     * success; else "try again" outranks "not found", and the last failure's text is kept.
     */
    private List<Candidate> addresses(Name host, int preference, int port, Why why) {
        List<Candidate> found = new ArrayList<>();
        String hostName = host.toString(true);
        List<Integer> types = new ArrayList<>();
        if (settings.ipv4()) {
            types.add(Type.A);
        }
        if (settings.ipv6()) {
            types.add(Type.AAAA);
        }
        boolean retry = false;
        String retryText = null;
        String lastText = null;
        for (int type : types) {
            DnsResolver.Answer answer = dns.lookup(host, type);
            if (answer.status() == DnsResolver.Status.OK) {
                for (Record r : answer.records()) {
                    InetAddress a = r instanceof ARecord ar ? ar.getAddress() : ((AAAARecord) r).getAddress();
                    found.add(new Candidate(new SessionTarget(hostName, a, port), preference));
                }
            } else if (answer.status() == DnsResolver.Status.RETRY) {
                retry = true;
                retryText = answer.text();
            } else {
                lastText = answer.text();
            }
        }
        if (found.isEmpty()) {
            why.text = retry ? retryText : lastText;
            why.dsn = retry ? "4.4.3" : why.soft ? "4.4.4" : "5.4.4";
            why.soft |= retry;
        }
        return found;
    }

    /** Shuffle, then order by preference and address family, then balance the families within the limit. */
    private List<SessionTarget> order(List<Candidate> candidates) {
        List<Candidate> list = new ArrayList<>(candidates);
        if (list.size() > 1) {
            if (settings.randomizeAddresses()) {
                Collections.shuffle(list, ThreadLocalRandom.current());
            }
            Comparator<Candidate> order = Comparator.comparingInt(Candidate::preference);
            if (settings.addressPreference() != RoutingSettings.AddressPreference.ANY) {
                boolean v6First = settings.addressPreference() == RoutingSettings.AddressPreference.IPV6;
                order = order.thenComparingInt(c -> c.target().isIpv6() == v6First ? 0 : 1);
            }
            list.sort(order);                                   // stable
            list = balance(list);
        }
        return list.stream().map(Candidate::target).toList();
    }

    /**
     * smtp_balance_inet_proto: when both families are present and there are more addresses than
     * smtp_mx_address_limit, keep a share of each so that one family cannot crowd out the other.
     * The relative order stays.
     */
    private List<Candidate> balance(List<Candidate> list) {
        int limit = settings.mxAddressLimit();
        if (limit <= 0 || !settings.balanceInetProtocols()) {
            return list;
        }
        int v6 = (int) list.stream().filter(c -> c.target().isIpv6()).count();
        int v4 = list.size() - v6;
        if (v4 == 0 || v6 == 0 || v4 + v6 <= limit) {
            return list;
        }
        int v6Target;
        int v4Target;
        if (v6 <= limit / 2) {
            v6Target = v6;
            v4Target = limit - v6Target;
        } else if (v4 <= limit / 2) {
            v4Target = v4;
            v6Target = limit - v4Target;
        } else {
            v4Target = (limit + (list.get(0).target().isIpv6() ? 0 : 1)) / 2;
            v6Target = limit - v4Target;
        }
        List<Candidate> kept = new ArrayList<>();
        for (Candidate c : list) {
            if (c.target().isIpv6() ? v6Target-- > 0 : v4Target-- > 0) {
                kept.add(c);
            }
        }
        return kept;
    }

    private static Route invalidName(String host) {
        return Route.failed("5.4.4", "Name service error for " + host + ": invalid host or domain name");
    }

    /** An internationalised domain name in its ASCII (A-label) form, as Postfix's midna_domain_to_ascii. */
    private static String ascii(String host) {
        if (host.chars().allMatch(c -> c < 0x80)) {
            return host;
        }
        try {
            return IDN.toASCII(host, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            return host;                                        // the look-up then says it is invalid
        }
    }

    /** The address when the text is a numeric IPv4 or IPv6 address (no look-up is made), else null. */
    static InetAddress numeric(String host) {
        boolean v4 = IPV4.matcher(host).matches();
        if (!v4 && !IPV6.matcher(host).matches()) {
            return null;
        }
        if (v4) {
            for (String part : host.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return null;
                }
            }
        }
        try {
            return InetAddress.getByName(host);                 // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static Name name(String host) {
        try {
            return Name.fromString(host, Name.root);
        } catch (TextParseException e) {
            return null;
        }
    }
}
