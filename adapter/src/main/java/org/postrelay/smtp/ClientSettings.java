package org.postrelay.smtp;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.stream.Stream;
import org.postrelay.config.Config;
import org.postrelay.config.LookupTable;
import org.postrelay.config.Parameters;

/**
 * The SMTP client's parameters, read once from the configuration, what is built from them (the TLS
 * engine, null at security level none; the SASL password tables), where its log lines go, and the
 * Angus properties made from them.
 */
record ClientSettings(String heloName, Duration connectTimeout, Duration heloTimeout, Duration mailTimeout,
                      Duration rcptTimeout, Duration dataInitTimeout, Duration dataXferTimeout,
                      Duration dataDoneTimeout, Duration quitTimeout, boolean connectionCacheOnDemand,
                      Duration connectionCacheTimeLimit, Duration connectionReuseTimeLimit,
                      Duration minimalBackoffTime, EhloDiscard ehloDiscard, TlsPolicy tls, StartTls startTls,
                      SaslPolicy sasl, SmtpLog log) {

    /** Reads everything; ConfigException for a bad value or an unusable certificate, key or table. */
    static ClientSettings from(Config config, SmtpLog log, Function<List<String>, List<LookupTable>> openTables) {
        TlsPolicy tls = TlsPolicy.from(config);
        return new ClientSettings(
                config.get(Parameters.SMTP_HELO_NAME),
                config.time(Parameters.SMTP_CONNECT_TIMEOUT),
                config.time(Parameters.SMTP_HELO_TIMEOUT),
                config.time(Parameters.SMTP_MAIL_TIMEOUT),
                config.time(Parameters.SMTP_RCPT_TIMEOUT),
                config.time(Parameters.SMTP_DATA_INIT_TIMEOUT),
                config.time(Parameters.SMTP_DATA_XFER_TIMEOUT),
                config.time(Parameters.SMTP_DATA_DONE_TIMEOUT),
                config.time(Parameters.SMTP_QUIT_TIMEOUT),
                config.bool(Parameters.SMTP_CONNECTION_CACHE_ON_DEMAND),
                config.time(Parameters.SMTP_CONNECTION_CACHE_TIME_LIMIT),
                config.time(Parameters.SMTP_CONNECTION_REUSE_TIME_LIMIT),
                config.time(Parameters.MINIMAL_BACKOFF_TIME),
                EhloDiscard.of(config.list(Parameters.SMTP_DISCARD_EHLO_KEYWORDS)),
                tls, StartTls.from(config, tls, log), SaslPolicy.from(config, openTables, log::warning), log);
    }

    /**
     * All mail.smtp.* properties, in one place. We connect the socket ourselves (name look-up, each
     * address in turn, per-command read timeouts in {@link ConversationSocket}) and hand it to
     * SMTPTransport.connect(Socket), so the socket-level properties below are a backstop for any path
     * where Angus would open a socket itself; the write timeout is applied by {@link SmtpConnection}
     * with the same shared executor.
     */
    Properties properties(ScheduledExecutorService timer) {
        Properties p = new Properties();
        p.put("mail.smtp.localhost", heloName);                    // else Angus asks DNS for our name
        p.put("mail.smtp.connectiontimeout", Integer.toString(millis(connectTimeout)));
        p.put("mail.smtp.timeout", Integer.toString(millis(longestReadTimeout())));
        p.put("mail.smtp.writetimeout", Integer.toString(millis(dataXferTimeout)));
        p.put("mail.smtp.executor.writetimeout", timer);            // no thread per connection
        p.put("mail.smtp.sendpartial", "true");                     // one bad recipient must not fail the rest
        p.put("mail.smtp.quitwait", "false");                       // QUIT of an idle connection: don't wait
        p.put("mail.smtp.allow8bitmime", "false");                  // never re-encode the queued bytes
        p.put("mail.smtp.socketFactory.fallback", "false");
        p.put("mail.smtp.ssl.socketFactory", new StartTlsSocketFactory());   // STARTTLS: our handshake
        p.put("mail.smtp.auth", "false");                           // AUTH is SaslAuthenticator's
        return p;
    }

    Duration longestReadTimeout() {
        return Stream.of(heloTimeout, mailTimeout, rcptTimeout, dataInitTimeout, dataDoneTimeout, quitTimeout,
                        tls.starttlsTimeout())
                .max(Duration::compareTo).orElseThrow();
    }

    /** A socket timeout in milliseconds; 0 (none) stays 0, huge values are clamped. */
    static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, d.toMillis()));
    }
}
