package org.postrelay.pickup;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A file in maildrop/, as our sendmail writes it: a text envelope, an empty line, then the message
 * exactly as sendmail read it from its standard input.
 * <pre>
 * X-Postrelay-Maildrop: 1
 * sender alice              (the null sender: "sender " with nothing after it)
 * fullname Alice Example    (optional: sendmail -F)
 * flags ti                  (t: recipients from the headers too; i: a lone "." does not end the message)
 * recipient bob@example.org (zero or more)
 *
 * message...
 * </pre>
 * Envelope lines are UTF-8; unknown keywords are an error (a newer sendmail than this pickup).
 */
record MaildropFile(String sender, String fullName, boolean extractRecipients, boolean ignoreDots,
                    List<String> recipients, long contentOffset) {

    static final String MAGIC = "X-Postrelay-Maildrop: 1";
    private static final int MAX_LINE = 64 * 1024;

    /** A maildrop file whose envelope cannot be read; the message names the file and the problem. */
    static final class BadFileException extends IOException {
        private static final long serialVersionUID = 1L;

        BadFileException(Path file, String problem) {
            super(file + ": " + problem);
        }
    }

    static MaildropFile read(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            long[] offset = {0};
            String first = line(in, offset, file);
            if (!MAGIC.equals(first)) {
                throw new BadFileException(file, "not a maildrop file (first line \"" + abbreviate(first) + "\")");
            }
            String sender = null;
            String fullName = null;
            String flags = "";
            List<String> recipients = new ArrayList<>();
            for (String line = line(in, offset, file); !line.isEmpty(); line = line(in, offset, file)) {
                int space = line.indexOf(' ');
                String keyword = space < 0 ? line : line.substring(0, space);
                String value = space < 0 ? "" : line.substring(space + 1);
                switch (keyword) {
                    case "sender" -> sender = value;
                    case "fullname" -> fullName = value;
                    case "flags" -> flags = value;
                    case "recipient" -> recipients.add(value);
                    default -> throw new BadFileException(file, "unknown envelope line \"" + abbreviate(line) + "\"");
                }
            }
            if (sender == null) {
                throw new BadFileException(file, "no sender line");
            }
            return new MaildropFile(sender, fullName, flags.contains("t"), flags.contains("i"),
                    List.copyOf(recipients), offset[0]);
        }
    }

    private static String line(InputStream in, long[] offset, Path file) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new BadFileException(file, "envelope cut short at byte " + offset[0]);
            }
            if (line.size() >= MAX_LINE) {
                throw new BadFileException(file, "envelope line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
            offset[0]++;
        }
        offset[0]++;
        return line.toString(StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "...";
    }
}
