package org.postrelay.cleanup;

/**
 * Who handed a message to smtpd, for the {@code Received} header cleanup writes in Postfix's smtpd
 * form: {@code Received: from HELO (NAME [ADDRESS]) by $myhostname ($mail_name) with PROTOCOL id ID}.
 *
 * @param helo the EHLO/HELO argument, or null when the client sent none
 * @param name the client's host name, "unknown" when it has none
 * @param address the client's IP address as text ({@code 127.0.0.1}, {@code ::1})
 * @param protocol {@code SMTP} or {@code ESMTP}
 */
public record SmtpClientOrigin(String helo, String name, String address, String protocol) {

    /** The first line of the Received header, as Postfix's smtpd writes it. */
    String fromClause() {
        String literal = address.indexOf(':') >= 0 ? "IPv6:" + address : address;
        return "from " + (helo == null ? name : helo) + " (" + name + " [" + literal + "])";
    }
}
