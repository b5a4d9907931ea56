package org.postrelay.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Writes one message in UNIX mbox form exactly as Postfix's local(8) does (mail_copy with
 * MAIL_COPY_MBOX): a {@code From SENDER  DATE} line with asctime()'s date, {@code Return-Path:},
 * {@code X-Original-To:} and {@code Delivered-To:} lines, the message with LF line ends and each
 * line that starts with {@code "From "} (and only those) quoted as {@code ">From "}, a line end
 * after an incomplete last line, and one empty line. Streams: the message is never held whole.
 */
final class MboxWriter {

    /** asctime(3): "Thu Nov 25 07:11:00 2026", the day padded with a space. */
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy",
            Locale.US);
    private static final byte[] FROM_ = "From ".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    // Body state: at a line start, up to five bytes are held until they do or do not spell "From ".
    private final byte[] held = new byte[FROM_.length];
    private int heldCount;
    private boolean atLineStart = true;
    private boolean pendingCr;

    private MboxWriter(OutputStream out) {
        this.out = out;
    }

    /**
     * @param sender    envelope sender, "" for the null sender (MAILER-DAEMON in the From_ line)
     * @param recipient the envelope recipient, for X-Original-To and Delivered-To
     * @param now       the delivery time in the local time zone (asctime(localtime()))
     * @param content   the queued message, CRLF line ends
     */
    static void write(OutputStream out, String sender, String recipient, ZonedDateTime now, InputStream content)
            throws IOException {
        // Queued addresses are already in external (RFC 5321/5322-quoted) form: written as they are.
        line(out, "From " + (sender.isEmpty() ? "MAILER-DAEMON" : sender) + "  " + ASCTIME.format(now) + "\n");
        line(out, "Return-Path: <" + sender + ">\n");
        line(out, "X-Original-To: " + recipient + "\n");
        line(out, "Delivered-To: " + recipient + "\n");
        MboxWriter body = new MboxWriter(out);
        byte[] buffer = new byte[65536];
        int n;
        while ((n = content.read(buffer)) > 0) {
            body.accept(buffer, n);
        }
        body.finish();
        out.write('\n');                                  // the empty line that ends an mbox message
    }

    private static void line(OutputStream out, String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.UTF_8));
    }

    /** Plain text in the middle of a line goes out in runs; line starts and ends byte by byte. */
    private void accept(byte[] buffer, int length) throws IOException {
        int run = -1;
        for (int i = 0; i < length; i++) {
            byte b = buffer[i];
            if (!pendingCr && !atLineStart && b != '\r' && b != '\n') {
                if (run < 0) {
                    run = i;
                }
                continue;
            }
            if (run >= 0) {
                out.write(buffer, run, i - run);
                run = -1;
            }
            accept(b);
        }
        if (run >= 0) {
            out.write(buffer, run, length - run);
        }
    }

    private void accept(byte b) throws IOException {
        if (pendingCr) {
            pendingCr = false;
            if (b == '\n') {
                endLine();                                // CRLF becomes LF
                return;
            }
            content((byte) '\r');                         // a bare CR is message text
        }
        if (b == '\r') {
            pendingCr = true;
        } else if (b == '\n') {
            endLine();
        } else {
            content(b);
        }
    }

    private void content(byte b) throws IOException {
        if (!atLineStart) {
            out.write(b);
            return;
        }
        held[heldCount++] = b;
        if (b != FROM_[heldCount - 1]) {
            releaseHeld(false);
        } else if (heldCount == FROM_.length) {
            releaseHeld(true);
        }
    }

    private void releaseHeld(boolean quote) throws IOException {
        if (quote) {
            out.write('>');
        }
        out.write(held, 0, heldCount);
        heldCount = 0;
        atLineStart = false;
    }

    private void endLine() throws IOException {
        if (heldCount > 0) {
            releaseHeld(false);                           // a line such as "From" alone is not quoted
        }
        out.write('\n');
        atLineStart = true;
    }

    private void finish() throws IOException {
        if (pendingCr) {
            pendingCr = false;
            content((byte) '\r');
        }
        if (heldCount > 0 || !atLineStart) {
            endLine();                                    // an incomplete last line gets its line end
        }
    }
}
