package org.postrelay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.postrelay.smtp.DnsResolver;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A DNS server for tests: UDP on 127.0.0.1, a free port, answering from records the test adds (MX,
 * A, AAAA, CNAME); a name it does not know is NXDOMAIN, a known name without records of the asked
 * type is NODATA, and a name can be made to answer SERVFAIL or nothing at all. It records each
 * question ("mx1.example.test/AAAA") and stops with {@link #close()}. dnsjava builds and parses the
 * messages on both sides.
 */
public final class DnsResponder implements AutoCloseable {

    private static final long TTL = 60;

    private final DatagramSocket socket;
    private final Thread thread;
    private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();
    private final Set<Name> servfail = ConcurrentHashMap.newKeySet();
    private final Set<Name> silent = ConcurrentHashMap.newKeySet();
    private final List<String> questions = new CopyOnWriteArrayList<>();

    private DnsResponder() throws SocketException {
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.thread = new Thread(this::serve, "dns-responder-" + socket.getLocalPort());
        thread.setDaemon(true);
    }

    /** Listens on 127.0.0.1 when this returns. */
    public static DnsResponder start() {
        try {
            DnsResponder d = new DnsResponder();
            d.thread.start();
            return d;
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** A dnsjava resolver asking only this responder, giving up on a question after {@code timeout}. */
    public SimpleResolver resolver(Duration timeout) {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()));
        r.setTimeout(timeout);
        return r;
    }

    /** The SMTP client's resolver, pointed at this responder (2 s per question). */
    public DnsResolver dns() {
        return DnsResolver.using(resolver(Duration.ofSeconds(2)));
    }

    /** "domain. MX preference host."; a host of "." is a null MX (RFC 7505). */
    public DnsResponder mx(String domain, int preference, String host) {
        return add(new MXRecord(name(domain), DClass.IN, TTL, preference, name(host)));
    }

    /** "host. A address." or "host. AAAA address.", by the address's family. */
    public DnsResponder address(String host, String address) {
        InetAddress a = literal(address);
        return add(a.getAddress().length == 4 ? new ARecord(name(host), DClass.IN, TTL, a)
                : new AAAARecord(name(host), DClass.IN, TTL, a));
    }

    /** "alias. CNAME target.". */
    public DnsResponder cname(String alias, String target) {
        return add(new CNAMERecord(name(alias), DClass.IN, TTL, name(target)));
    }

    /** Every question about this name is answered SERVFAIL. */
    public DnsResponder servfail(String name) {
        servfail.add(name(name));
        return this;
    }

    /** Questions about this name get no answer at all: the resolver times out. */
    public DnsResponder silent(String name) {
        silent.add(name(name));
        return this;
    }

    /** The questions asked so far, in order, as "name/TYPE" (name without the final dot). */
    public List<String> questions() {
        return List.copyOf(questions);
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private DnsResponder add(Record r) {
        records.computeIfAbsent(r.getName(), n -> new CopyOnWriteArrayList<>()).add(r);
        return this;
    }

    private void serve() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                Message answer = answer(query);
                if (answer == null) {
                    continue;
                }
                byte[] wire = answer.toWire(512);
                socket.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
                // a malformed packet: ignore it, as a server would
            }
        }
    }

    /** The reply to one question, or null to stay silent. */
    private Message answer(Message query) {
        Record question = query.getQuestion();
        Name name = question.getName();
        int type = question.getType();
        questions.add(name.toString(true) + "/" + Type.string(type));
        if (silent.contains(name)) {
            return null;
        }
        Message reply = new Message(query.getHeader().getID());
        reply.getHeader().setFlag(Flags.QR);
        reply.getHeader().setFlag(Flags.RD);
        reply.getHeader().setFlag(Flags.RA);
        reply.addRecord(question, Section.QUESTION);
        if (servfail.contains(name)) {
            reply.getHeader().setRcode(Rcode.SERVFAIL);
            return reply;
        }
        // follow CNAMEs within what we know, as a recursive resolver would
        List<Record> answers = new ArrayList<>();
        for (int hops = 0; hops < 8; hops++) {
            List<Record> known = records.get(name);
            if (known == null) {
                if (answers.isEmpty()) {
                    reply.getHeader().setRcode(Rcode.NXDOMAIN);
                }
                break;
            }
            List<Record> ofType = known.stream().filter(r -> r.getType() == type).toList();
            if (!ofType.isEmpty() || type == Type.CNAME) {
                answers.addAll(ofType);
                break;
            }
            Record alias = known.stream().filter(r -> r.getType() == Type.CNAME).findFirst().orElse(null);
            if (alias == null) {
                break;                                   // NODATA: the name exists, not this type
            }
            answers.add(alias);
            name = ((CNAMERecord) alias).getTarget();
        }
        answers.forEach(r -> reply.addRecord(r, Section.ANSWER));
        return reply;
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("bad DNS name: " + text, e);
        }
    }

    private static InetAddress literal(String address) {
        try {
            return InetAddress.getByName(address);              // test data: literals only
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + address, e);
        }
    }
}
