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
 * A file in maildrop/, as our sendmail writes it: a text envelope, an empty line, the message
 * exactly as sendmail read it from its standard input, and a trailer line that marks the file
 * complete.
 * <pre>
 * X-Postrelay-Maildrop: 1
 * end 2718281828-4242       (a token unique to this file)
 * sender alice              (the null sender: "sender " with nothing after it)
 * fullname Alice Example    (optional: sendmail -F)
 * flags ti                  (t: recipients from the headers too; i: a lone "." does not end the message)
 * recipient bob@example.org (zero or more)
 *
 * message...
 * X-Postrelay-Maildrop-End 2718281828-4242
 * </pre>
 * sendmail writes the file under its final name and forces it once: until the trailer with the
 * file's own token is there, the file is incomplete (still being written, or its writer died),
 * and the message never claims it. The message cannot fake the trailer: it does not know the
 * token. Envelope lines are UTF-8; unknown keywords are an error (a newer sendmail than this pickup).
 *
 * @param contentLength the message's bytes, between the envelope and the trailer's line break
 * @param complete      whether the trailer is there
 */
record MaildropFile(String sender, String fullName, boolean extractRecipients, boolean ignoreDots,
                    List<String> recipients, long contentOffset, long contentLength, boolean complete) {

    static final String MAGIC = "X-Postrelay-Maildrop: 1";
    static final String TRAILER = "X-Postrelay-Maildrop-End";
    private static final int MAX_LINE = 64 * 1024;

    /** A maildrop file whose envelope cannot be read; the message names the file and the problem. */
    static final class BadFileException extends IOException {
        private static final long serialVersionUID = 1L;

        BadFileException(Path file, String problem) {
            super(file + ": " + problem);
        }
    }

    /** The file as it is now, or an incomplete one when even its envelope is not all there yet. */
    static MaildropFile read(Path file) throws IOException {
        try {
            return parse(file);
        } catch (IncompleteException e) {
            return new MaildropFile("", null, false, false, List.of(), 0, 0, false);
        }
    }

    /** EOF inside the envelope. */
    private static final class IncompleteException extends IOException {
        private static final long serialVersionUID = 1L;

        IncompleteException() {
            super(null, null);
        }
    }

    private static MaildropFile parse(Path file) throws IOException {
        long size = Files.size(file);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            long[] offset = {0};
            String first = line(in, offset, file);
            if (!MAGIC.equals(first)) {
                throw new BadFileException(file, "not a maildrop file (first line \"" + abbreviate(first) + "\")");
            }
            String token = null;
            String sender = null;
            String fullName = null;
            String flags = "";
            List<String> recipients = new ArrayList<>();
            for (String line = line(in, offset, file); !line.isEmpty(); line = line(in, offset, file)) {
                int space = line.indexOf(' ');
                String keyword = space < 0 ? line : line.substring(0, space);
                String value = space < 0 ? "" : line.substring(space + 1);
                switch (keyword) {
                    case "end" -> token = value;
                    case "sender" -> sender = value;
                    case "fullname" -> fullName = value;
                    case "flags" -> flags = value;
                    case "recipient" -> recipients.add(value);
                    default -> throw new BadFileException(file, "unknown envelope line \"" + abbreviate(line) + "\"");
                }
            }
            if (sender == null || token == null || token.isEmpty()) {
                throw new BadFileException(file, sender == null ? "no sender line" : "no end line");
            }
            byte[] trailer = ("\n" + TRAILER + " " + token + "\n").getBytes(StandardCharsets.UTF_8);
            long contentLength = size - offset[0] - trailer.length;
            boolean complete = contentLength >= 0 && endsWith(file, size, trailer);
            return new MaildropFile(sender, fullName, flags.contains("t"), flags.contains("i"),
                    List.copyOf(recipients), offset[0], Math.max(0, contentLength), complete);
        }
    }

    private static boolean endsWith(Path file, long size, byte[] trailer) throws IOException {
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file)) {
            java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate(trailer.length);
            long position = size - trailer.length;
            while (tail.hasRemaining()) {
                if (channel.read(tail, position + tail.position()) < 0) {
                    return false;
                }
            }
            return java.util.Arrays.equals(tail.array(), trailer);
        }
    }

    private static String line(InputStream in, long[] offset, Path file) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IncompleteException();         // sendmail is still writing the envelope
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
