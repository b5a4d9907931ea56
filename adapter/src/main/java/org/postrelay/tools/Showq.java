package org.postrelay.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.postrelay.queue.Envelope;
import org.postrelay.queue.QueueId;
import org.postrelay.queue.QueueName;
import org.postrelay.queue.Recipient;
import org.postrelay.queue.RecipientStatus;
import org.postrelay.queue.Spool;

/**
 * Postfix's showq: reads the queue files (safe while the engine runs: a file that moves or goes
 * away while listed is skipped, as showq does) and prints them as {@code postqueue -p} (Postfix's
 * long-queue-id layout) or {@code postqueue -j} (one JSON object per message).
 */
final class Showq {

    /** The queues listed, in showq's order. */
    private static final List<QueueName> LISTED =
            List.of(QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED, QueueName.HOLD);

    // Postfix's showq_compat.c layout for long queue ids: "%-17s %8ld %19.19s %s"
    private static final String HEADINGS = String.format("%-17s %8s %-19s %s%n", "----Queue ID-----", "--Size--",
            "---Arrival Time----", "--Sender/Recipient------");
    /** asctime() without the year, as Postfix's %19.19s cuts it, in local time. */
    private static final DateTimeFormatter ARRIVAL = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss", Locale.ROOT);

    /** One queued message with the recipients still to deliver and each one's last deferral reason. */
    record Entry(QueueName queue, QueueId id, Instant arrival, long size, String sender, List<String[]> recipients) {
    }

    private Showq() {
    }

    /** Every message in the listed queues, oldest first within each queue. */
    static List<Entry> list(Spool spool) throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (QueueName queue : LISTED) {
            List<QueueId> ids = new ArrayList<>();
            spool.forEach(queue, ids::add);
            ids.sort(null);                              // ids sort by creation time
            for (QueueId id : ids) {
                try {
                    Envelope e = spool.read(queue, id);
                    Map<String, String> reasons = spool.readDeferReasons(id);
                    List<String[]> recipients = new ArrayList<>();
                    for (Recipient r : e.recipients()) {
                        if (r.status() == RecipientStatus.PENDING) {
                            recipients.add(new String[] {r.address(), reasons.getOrDefault(r.address(), "")});
                        }
                    }
                    entries.add(new Entry(queue, id, e.arrival(), e.contentLength(),
                            e.sender().isEmpty() ? "MAILER-DAEMON" : e.sender(), recipients));
                } catch (IOException gone) {
                    // delivered, moved or being written while we looked: not listed, as showq does
                }
            }
        }
        return entries;
    }

    /** {@code postqueue -p}: Postfix's mailq layout, line for line. */
    static void printCompat(List<Entry> entries, ZoneId zone, PrintStream out) {
        if (entries.isEmpty()) {
            out.println("Mail queue is empty");
            return;
        }
        long bytes = 0;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            out.print(i == 0 ? HEADINGS : System.lineSeparator());
            String idStatus = e.id() + (e.queue() == QueueName.ACTIVE ? "*" : e.queue() == QueueName.HOLD ? "!" : "");
            out.printf("%-17s %8d %19.19s %s%n", idStatus, e.size(), ARRIVAL.format(e.arrival().atZone(zone)), e.sender());
            String shown = "";
            for (String[] recipient : e.recipients()) {
                if (!shown.equals(recipient[1])) {       // a reason line only when it changes
                    shown = recipient[1];
                    String reason = shown.isEmpty() ? "reason unavailable" : shown;
                    out.printf("%s(%s)%n", " ".repeat(Math.max(0, 76 - reason.length())), reason);
                }
                out.printf("%-17s %8s %-19s %s%n", "", "", "", recipient[0]);
            }
            bytes += e.size();
        }
        out.printf("%n-- %d Kbytes in %d Request%s.%n", bytes / 1024, entries.size(), entries.size() == 1 ? "" : "s");
    }

    /** {@code postqueue -j}: one JSON object per message, with Postfix's keys and order. */
    static void printJson(List<Entry> entries, PrintStream out) {
        for (Entry e : entries) {
            StringBuilder json = new StringBuilder("{");
            json.append("\"queue_name\": \"").append(quote(e.queue().directoryName())).append("\", ");
            json.append("\"queue_id\": \"").append(e.id()).append("\", ");
            json.append("\"arrival_time\": ").append(e.arrival().getEpochSecond()).append(", ");
            json.append("\"message_size\": ").append(e.size()).append(", ");
            json.append("\"force_expired\": false, ");
            json.append("\"sender\": \"").append(quote(e.sender())).append("\", ");
            json.append("\"recipients\": [");
            for (int i = 0; i < e.recipients().size(); i++) {
                String[] r = e.recipients().get(i);
                json.append(i > 0 ? ", " : "").append("{\"address\": \"").append(quote(r[0])).append('"');
                if (!r[1].isEmpty()) {
                    json.append(", \"delay_reason\": \"").append(quote(r[1])).append('"');
                }
                json.append('}');
            }
            out.println(json.append("]}"));
        }
    }

    /** JSON string quoting as Postfix's showq_json.c does it. */
    static String quote(String text) {
        StringBuilder quoted = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\b' -> quoted.append("\\b");
                case '\f' -> quoted.append("\\f");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                case '\\', '"' -> quoted.append('\\').append(c);
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        quoted.append(String.format("\\u%04X", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.toString();
    }
}
