package org.postrelay.smtpd;

import java.util.Optional;

/**
 * The 220 greeting, {@code 220 $smtpd_banner}. SubEthaSMTP always writes
 * {@code 220 HOST ESMTP SOFTWARE}, so the banner is split at its first " ESMTP ": exact for every
 * banner that contains it (the default {@code $myhostname ESMTP $mail_name} does); any other banner
 * gets " ESMTP" appended, with a warning at start-up.
 */
record Greeting(String host, String software, Optional<String> warning) {

    private static final String KEYWORD = " ESMTP";

    static Greeting of(String banner) {
        int at = banner.indexOf(KEYWORD + " ");
        if (at >= 0) {
            return new Greeting(banner.substring(0, at), banner.substring(at + KEYWORD.length() + 1), Optional.empty());
        }
        if (banner.endsWith(KEYWORD)) {
            return new Greeting(banner.substring(0, banner.length() - KEYWORD.length()), "", Optional.empty());
        }
        return new Greeting(banner, "", Optional.of("smtpd_banner \"" + banner + "\" does not contain \"ESMTP\":"
                + " the greeting will be \"220 " + banner + " ESMTP\""));
    }
}
