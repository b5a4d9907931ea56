package org.postrelay.cleanup;

import jakarta.mail.util.LineOutputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.eclipse.angus.mail.util.ASCIIUtility;

/**
 * The buffer an application's MimeMessage is written into. It is also the {@link LineOutputStream}
 * that {@code MimeBodyPart.writeTo} would otherwise get from {@code StreamProvider.provider()},
 * which jakarta.mail-api 2.1 looks up through ServiceLoader for every message (jakartaee/mail-api#861):
 * that lookup was about a third of the CPU of {@code send()}. Lines are written as Angus's own
 * LineOutputStream writes them.
 */
final class MessageBuffer extends ByteArrayOutputStream implements LineOutputStream {

    private static final byte[] CRLF = {'\r', '\n'};
    /** As MimeBodyPart reads it: header lines in UTF-8 unless mail.mime.allowutf8 is "false". */
    private static final boolean ALLOW_UTF8 = !"false".equalsIgnoreCase(System.getProperty("mail.mime.allowutf8"));

    MessageBuffer() {
        super(4096);
    }

    @Override
    public void writeln(String line) {
        writeBytes(ALLOW_UTF8 ? line.getBytes(StandardCharsets.UTF_8) : ASCIIUtility.getBytes(line));
        writeBytes(CRLF);
    }

    @Override
    public void writeln() {
        writeBytes(CRLF);
    }
}
