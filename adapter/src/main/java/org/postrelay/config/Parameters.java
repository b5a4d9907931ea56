package org.postrelay.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * THE parameter table, single source of truth: every main.cf parameter Postrelay knows, with its
 * type, Postfix 3.7 default, bounds and meaning. main.cf checking, postconf, the JCA properties and
 * the documentation all derive from it.
 *
 * <p>Defaults are Postfix 3.7's except where a meaning says "Postrelay default": the null-client
 * trio (inet_interfaces, mydestination, local_transport), queue_directory, mail_name and
 * syslog_name. Parameters whose Postfix default depends on compatibility_level carry the value
 * Postfix uses at compatibility level 3.6 (what an installed Postfix 3.7 runs with).
 */
public final class Parameters {

    private static final long UNBOUNDED_MIN = Long.MIN_VALUE;
    private static final long UNBOUNDED_MAX = Long.MAX_VALUE;
    /** Integers are read into Java ints by the engine. */
    private static final long INT_MAX = Integer.MAX_VALUE;
    /** Postfix caps the queue lifetimes at 100 days. */
    private static final long HUNDRED_DAYS = 8_640_000;

    // Filled in declaration order by the factories below; must be declared before the constants.
    private static final List<Parameter> TABLE = new ArrayList<>();
    // Read once: the myhostname and mydomain defaults both derive from it.
    private static final String LOCAL_HOST = HostName.local();

    // ---- identity and address rewriting ----------------------------------------------------

    public static final Parameter MYHOSTNAME = string("myhostname", LOCAL_HOST,
            "this machine's fully-qualified host name; default: the system host name, with"
                    + " \".localdomain\" appended when it has no dot");
    public static final Parameter MYDOMAIN = string("mydomain", HostName.domainOf(LOCAL_HOST),
            "this machine's domain name; default: $myhostname minus its first label");
    public static final Parameter MYORIGIN = string("myorigin", "$myhostname",
            "domain that locally-posted mail appears to come from; bare addresses are qualified with it");
    public static final Parameter MYDESTINATION = list("mydestination", "",
            "domains delivered locally instead of relayed (Postrelay default: empty, a null client;"
                    + " Postfix: $myhostname, localhost.$mydomain, localhost)");
    public static final Parameter APPEND_AT_MYORIGIN = bool("append_at_myorigin", "yes",
            "append @$myorigin to addresses without a domain");
    public static final Parameter APPEND_DOT_MYDOMAIN = bool("append_dot_mydomain", "no",
            "append .$mydomain to domains without a dot (Postrelay default: the value at compatibility"
                    + " level 3.6; Postfix: yes below level 1)");
    public static final Parameter RECIPIENT_DELIMITER = string("recipient_delimiter", "",
            "characters that separate a user name from an address extension (user+ext)");
    public static final Parameter COMPATIBILITY_LEVEL = string("compatibility_level", "3.6",
            "backwards-compatibility level; Postrelay always behaves as level 3.6, the level an"
                    + " installed Postfix 3.7 main.cf sets (Postrelay default; Postfix's compiled-in"
                    + " default: 0)");
    public static final Parameter MAIL_NAME = string("mail_name", "Postrelay",
            "the mail system's name in the SMTP banner, bounces and Received headers"
                    + " (Postrelay default; Postfix: Postfix)");

    // ---- where mail goes -------------------------------------------------------------------

    public static final Parameter RELAYHOST = list("relayhost", "",
            "next-hop destination(s) for non-local mail, tried in order: [host]:port skips the MX"
                    + " look-up; empty means deliver by MX");
    public static final Parameter SMTP_FALLBACK_RELAY = list("smtp_fallback_relay", "$fallback_relay",
            "destinations tried when the nexthop fails with a non-permanent error");
    public static final Parameter FALLBACK_RELAY = list("fallback_relay", "",
            "obsolete name of smtp_fallback_relay, still its default");
    public static final Parameter LOCAL_TRANSPORT = string("local_transport",
            "error:local delivery is disabled",
            "transport for domains in mydestination: error:text, a mailbox spool, or a message-driven"
                    + " bean (Postrelay default: error:local delivery is disabled, a null client;"
                    + " Postfix: local:$myhostname)");
    public static final Parameter MAIL_SPOOL_DIRECTORY = string("mail_spool_directory", "/var/mail",
            "directory of UNIX-style mailboxes for local delivery");
    public static final Parameter MAILBOX_SIZE_LIMIT = size("mailbox_size_limit", "51200000", 0, UNBOUNDED_MAX,
            "largest mailbox file local delivery may write, in bytes; 0 means no limit");
    public static final Parameter LOCAL_RECIPIENT_MAPS = list("local_recipient_maps",
            "proxy:unix:passwd.byname $alias_maps",
            "tables of the local users that exist; mail to other users in mydestination is refused;"
                    + " empty accepts every local part (the alias_maps tables in it are skipped)");
    public static final Parameter ALIAS_MAPS = list("alias_maps", "hash:/etc/aliases, nis:mail.aliases",
            "alias tables of local delivery (not supported: aliases are not expanded)");
    public static final Parameter MAILBOX_DELIVERY_LOCK = list("mailbox_delivery_lock", "fcntl, dotlock",
            "how local delivery locks a mailbox: fcntl and/or dotlock (flock is not supported)");
    public static final Parameter DELIVER_LOCK_ATTEMPTS = integer("deliver_lock_attempts", "20", 1, INT_MAX,
            "how many times local delivery tries to lock a mailbox before it defers the mail");
    public static final Parameter DELIVER_LOCK_DELAY = time("deliver_lock_delay", "1s", 's', 1, UNBOUNDED_MAX,
            "time between attempts to lock a mailbox");
    public static final Parameter STALE_LOCK_TIME = time("stale_lock_time", "500s", 's', 1, UNBOUNDED_MAX,
            "age after which a mailbox dotlock file is considered stale and removed");
    public static final Parameter HOME_MAILBOX = string("home_mailbox", "",
            "mailbox relative to the user's home directory (not supported: must stay empty)");

    // ---- listening (smtpd, standalone daemon) ----------------------------------------------

    public static final Parameter INET_INTERFACES = list("inet_interfaces", "loopback-only",
            "addresses the SMTP server listens on: all, loopback-only or a list (Postrelay default:"
                    + " loopback-only, a null client; Postfix: all)");
    public static final Parameter INET_PROTOCOLS = list("inet_protocols", "all",
            "IP protocols to use: ipv4, ipv6 or all");
    public static final Parameter MYNETWORKS = list("mynetworks",
            "127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128",
            "clients trusted to relay through us (Postrelay default: the loopback networks; Postfix"
                    + " computes it from mynetworks_style)");
    public static final Parameter MYNETWORKS_STYLE = string("mynetworks_style", "host",
            "how to compute mynetworks when unset: host, subnet or class (Postrelay default: the value"
                    + " at compatibility level 3.6; Postfix: subnet below level 2)");
    public static final Parameter SMTPD_BANNER = string("smtpd_banner", "$myhostname ESMTP $mail_name",
            "text after the 220 code in the SMTP server's greeting");
    public static final Parameter DEFAULT_PROCESS_LIMIT = integer("default_process_limit", "100", 1, INT_MAX,
            "maximum number of concurrent deliveries and SMTP sessions, all destinations together");
    public static final Parameter SMTPD_RECIPIENT_LIMIT = integer("smtpd_recipient_limit", "1000", 1, INT_MAX,
            "most recipients the SMTP server accepts per message; more get 452 4.5.3");
    public static final Parameter SMTPD_TIMEOUT = time("smtpd_timeout", "${stress?{10}:{300}}s", 's',
            1, INT_MAX / 1000, "time limit for an SMTP client to send a command or message data");

    // ---- queue ------------------------------------------------------------------------------

    public static final Parameter CONFIG_DIRECTORY = string("config_directory", "/etc/postrelay",
            "directory of main.cf and master.cf for the standalone daemon and the admin commands"
                    + " (-c DIR or MAIL_CONFIG override it; Postrelay default; Postfix: /etc/postfix)");
    public static final Parameter QUEUE_DIRECTORY = string("queue_directory", "/var/spool/postrelay",
            "the spool directory holding the queues (Postrelay default, so it can run beside"
                    + " Postfix; Postfix: /var/spool/postfix)");
    public static final Parameter MESSAGE_SIZE_LIMIT = size("message_size_limit", "10240000", 0, UNBOUNDED_MAX,
            "largest message accepted, envelope and headers included, in bytes; 0 means no limit");
    public static final Parameter HEADER_SIZE_LIMIT = size("header_size_limit", "102400", 1, UNBOUNDED_MAX,
            "largest single header (with continuation lines) kept, in bytes");
    public static final Parameter QMGR_MESSAGE_ACTIVE_LIMIT = integer("qmgr_message_active_limit", "20000",
            1, INT_MAX, "most messages held in the active queue at once");
    public static final Parameter QMGR_MESSAGE_RECIPIENT_LIMIT = integer("qmgr_message_recipient_limit",
            "20000", 1, INT_MAX, "most recipients held in memory by the queue manager at once");
    public static final Parameter INITIAL_DESTINATION_CONCURRENCY = integer("initial_destination_concurrency",
            "5", 1, INT_MAX, "parallel deliveries to a destination when it is first contacted");
    public static final Parameter DEFAULT_DESTINATION_CONCURRENCY_LIMIT = integer(
            "default_destination_concurrency_limit", "20", 1, INT_MAX,
            "most parallel deliveries to one destination, for transports without their own limit"
                    + " (at least 1; Postfix also allows 0)");
    public static final Parameter SMTP_DESTINATION_CONCURRENCY_LIMIT = integer(
            "smtp_destination_concurrency_limit", "$default_destination_concurrency_limit", 1, INT_MAX,
            "most parallel SMTP deliveries to one destination");
    public static final Parameter DEFAULT_DESTINATION_CONCURRENCY_FAILED_COHORT_LIMIT = integer(
            "default_destination_concurrency_failed_cohort_limit", "1", 0, INT_MAX,
            "failed connection cohorts after which a destination is throttled; 0 disables the check");
    public static final Parameter SMTP_DESTINATION_CONCURRENCY_FAILED_COHORT_LIMIT = integer(
            "smtp_destination_concurrency_failed_cohort_limit",
            "$default_destination_concurrency_failed_cohort_limit", 0, INT_MAX,
            "failed SMTP cohorts after which a destination is throttled; 0 disables the check");
    public static final Parameter DEFAULT_DESTINATION_RECIPIENT_LIMIT = integer(
            "default_destination_recipient_limit", "50", 1, INT_MAX,
            "most recipients per delivery request, for transports without their own limit"
                    + " (at least 1; Postfix also allows 0)");
    public static final Parameter SMTP_DESTINATION_RECIPIENT_LIMIT = integer(
            "smtp_destination_recipient_limit", "$default_destination_recipient_limit", 1, INT_MAX,
            "most recipients per SMTP delivery request");
    public static final Parameter MINIMAL_BACKOFF_TIME = time("minimal_backoff_time", "300s", 's',
            1, UNBOUNDED_MAX, "shortest wait before retrying a deferred message; also how long a"
                    + " failing destination stays throttled");
    public static final Parameter MAXIMAL_BACKOFF_TIME = time("maximal_backoff_time", "4000s", 's',
            1, UNBOUNDED_MAX, "longest wait before retrying a deferred message");
    public static final Parameter MAXIMAL_QUEUE_LIFETIME = time("maximal_queue_lifetime", "5d", 'd',
            0, HUNDRED_DAYS, "time in the queue after which an undeliverable message is bounced;"
                    + " 0 means one delivery attempt only");
    public static final Parameter BOUNCE_QUEUE_LIFETIME = time("bounce_queue_lifetime", "5d", 'd',
            0, HUNDRED_DAYS, "maximal_queue_lifetime for bounce messages (null sender)");
    public static final Parameter QUEUE_RUN_DELAY = time("queue_run_delay", "300s", 's', 1, UNBOUNDED_MAX,
            "interval between scans of the deferred queue");
    public static final Parameter DELAY_WARNING_TIME = time("delay_warning_time", "0h", 'h', 0, UNBOUNDED_MAX,
            "time after which the sender is told that mail is still undelivered; 0 disables");

    // ---- logging ----------------------------------------------------------------------------

    public static final Parameter SYSLOG_NAME = string("syslog_name", "postrelay",
            "prefix of logged program names, as in postrelay/qmgr (Postrelay default; Postfix: postfix)");
    public static final Parameter MAILLOG_FILE = string("maillog_file", "",
            "file the mail log is written to in Postfix's line format; empty logs through"
                    + " java.util.logging only");

    // ---- lookup tables -----------------------------------------------------------------------

    public static final Parameter DEFAULT_DATABASE_TYPE = string("default_database_type", "hash",
            "table type that postmap uses for a file named without type: (hash, btree and lmdb are"
                    + " all Postrelay's .prdb index)");

    // ---- bounces and notices ----------------------------------------------------------------

    public static final Parameter BOUNCE_SIZE_LIMIT = size("bounce_size_limit", "50000", 1, UNBOUNDED_MAX,
            "most bytes of the original message returned in a bounce");
    public static final Parameter BOUNCE_NOTICE_RECIPIENT = string("bounce_notice_recipient", "postmaster",
            "who gets the postmaster copy of a bounce, when notify_classes includes bounce");
    public static final Parameter DOUBLE_BOUNCE_NOTICE_RECIPIENT = string("2bounce_notice_recipient",
            "postmaster", "who gets undeliverable bounces, when notify_classes includes 2bounce");
    public static final Parameter DELAY_NOTICE_RECIPIENT = string("delay_notice_recipient", "postmaster",
            "who gets the postmaster copy of a delay warning, when notify_classes includes delay");
    public static final Parameter NOTIFY_CLASSES = list("notify_classes", "resource, software",
            "trouble reported to the postmaster: bounce, 2bounce, delay, policy, protocol, resource,"
                    + " software");
    public static final Parameter DOUBLE_BOUNCE_SENDER = string("double_bounce_sender", "double-bounce",
            "sender of postmaster notices; mail bounced to it is discarded");

    // ---- SMTP client --------------------------------------------------------------------------

    public static final Parameter SMTP_CONNECT_TIMEOUT = time("smtp_connect_timeout", "30s", 's',
            0, UNBOUNDED_MAX, "time limit for completing a TCP connection; 0 leaves it to the system");
    public static final Parameter SMTP_HELO_TIMEOUT = time("smtp_helo_timeout", "300s", 's',
            1, UNBOUNDED_MAX, "time limit for the greeting and the reply to EHLO/HELO");
    public static final Parameter SMTP_MAIL_TIMEOUT = time("smtp_mail_timeout", "300s", 's',
            1, UNBOUNDED_MAX, "time limit for the reply to MAIL FROM");
    public static final Parameter SMTP_RCPT_TIMEOUT = time("smtp_rcpt_timeout", "300s", 's',
            1, UNBOUNDED_MAX, "time limit for the reply to RCPT TO");
    public static final Parameter SMTP_DATA_INIT_TIMEOUT = time("smtp_data_init_timeout", "120s", 's',
            1, UNBOUNDED_MAX, "time limit for the reply to DATA");
    public static final Parameter SMTP_DATA_XFER_TIMEOUT = time("smtp_data_xfer_timeout", "180s", 's',
            1, UNBOUNDED_MAX, "time limit for sending each chunk of message content");
    public static final Parameter SMTP_DATA_DONE_TIMEOUT = time("smtp_data_done_timeout", "600s", 's',
            1, UNBOUNDED_MAX, "time limit for the reply to the final \".\"");
    public static final Parameter SMTP_QUIT_TIMEOUT = time("smtp_quit_timeout", "300s", 's',
            1, UNBOUNDED_MAX, "time limit for the reply to QUIT");
    public static final Parameter SMTP_STARTTLS_TIMEOUT = time("smtp_starttls_timeout", "300s", 's',
            1, UNBOUNDED_MAX, "time limit for the TLS handshake after STARTTLS");
    public static final Parameter SMTP_HELO_NAME = string("smtp_helo_name", "$myhostname",
            "host name sent in EHLO/HELO");
    public static final Parameter SMTP_CONNECTION_CACHE_ON_DEMAND = bool("smtp_connection_cache_on_demand",
            "yes", "keep connections open for reuse when a destination has a backlog");
    public static final Parameter SMTP_CONNECTION_CACHE_TIME_LIMIT = time("smtp_connection_cache_time_limit",
            "2s", 's', 1, UNBOUNDED_MAX, "how long an idle cached connection is kept open");
    public static final Parameter SMTP_CONNECTION_REUSE_TIME_LIMIT = time("smtp_connection_reuse_time_limit",
            "300s", 's', 1, UNBOUNDED_MAX, "how long after it was opened a connection may still be reused");

    // ---- SMTP client routing (smtp_connect.c, smtp_addr.c) ------------------------------------

    public static final Parameter SMTP_TCP_PORT = string("smtp_tcp_port", "smtp",
            "TCP port of a destination given without one: a number or a service name (smtp, submission,"
                    + " submissions, smtps, lmtp)");
    public static final Parameter SMTP_ADDRESS_PREFERENCE = string("smtp_address_preference", "any",
            "address family tried first among mail exchangers of equal preference: ipv6, ipv4 or any");
    public static final Parameter SMTP_MX_ADDRESS_LIMIT = integer("smtp_mx_address_limit", "5", 0, INT_MAX,
            "most server addresses tried per destination in one delivery; 0 means no limit");
    public static final Parameter SMTP_MX_SESSION_LIMIT = integer("smtp_mx_session_limit", "2", 0, INT_MAX,
            "most SMTP sessions per destination in one delivery before the next destination or the"
                    + " fallback relay; 0 means no limit");
    public static final Parameter SMTP_RANDOMIZE_ADDRESSES = bool("smtp_randomize_addresses", "yes",
            "shuffle server addresses of equal preference (mail exchangers and addresses of one host)");
    public static final Parameter SMTP_BALANCE_INET_PROTOCOLS = bool("smtp_balance_inet_protocols", "yes",
            "when a destination has more addresses than smtp_mx_address_limit, keep both IPv4 and IPv6"
                    + " ones among those tried");
    public static final Parameter SMTP_SKIP_5XX_GREETING = bool("smtp_skip_5xx_greeting", "yes",
            "treat a 5XX greeting as a temporary failure and try the next server, instead of bouncing");
    public static final Parameter SMTP_DISCARD_EHLO_KEYWORDS = list("smtp_discard_ehlo_keywords", "",
            "EHLO keywords of the server to ignore (pipelining, starttls, auth, ...; silent-discard: don't"
                    + " log it)");

    // ---- TLS and SASL -----------------------------------------------------------------------

    public static final Parameter SMTP_USE_TLS = bool("smtp_use_tls", "no",
            "use STARTTLS when the server offers it (obsolete; with smtp_tls_security_level empty,"
                    + " yes means may)");
    public static final Parameter SMTP_ENFORCE_TLS = bool("smtp_enforce_tls", "no",
            "require TLS (obsolete; with smtp_tls_security_level empty, yes means verify, or encrypt"
                    + " when smtp_tls_enforce_peername = no)");
    public static final Parameter SMTP_TLS_ENFORCE_PEERNAME = bool("smtp_tls_enforce_peername", "yes",
            "with smtp_enforce_tls = yes, also require a certificate matching the server name (obsolete;"
                    + " read only when smtp_tls_security_level is empty)");
    public static final Parameter SMTP_TLS_SECURITY_LEVEL = string("smtp_tls_security_level", "",
            "TLS policy: none, may, encrypt, verify or secure; empty derives it from smtp_enforce_tls,"
                    + " smtp_tls_enforce_peername and smtp_use_tls (none when they are all no)");
    public static final Parameter SMTP_TLS_WRAPPERMODE = bool("smtp_tls_wrappermode", "no",
            "speak TLS from the first byte (SMTPS, port 465) instead of STARTTLS; needs"
                    + " smtp_tls_security_level = encrypt or stronger");
    public static final Parameter SMTP_TLS_CAFILE = string("smtp_tls_CAfile", "",
            "PEM file of trusted CA certificates; when it and smtp_tls_CApath are empty, the JVM's"
                    + " default trust store is used (Postfix would trust none)");
    public static final Parameter SMTP_TLS_CAPATH = string("smtp_tls_CApath", "",
            "directory of PEM files of trusted CA certificates (every file is read, no hash links"
                    + " needed); empty adds none");
    public static final Parameter SMTP_TLS_PROTOCOLS = list("smtp_tls_protocols", ">=TLSv1",
            "TLS protocols with opportunistic TLS (may), as \">=TLSv1.2, <=TLSv1.3\" or \"!SSLv2, !SSLv3\";"
                    + " protocols the JVM disables stay disabled");
    public static final Parameter SMTP_TLS_MANDATORY_PROTOCOLS = list("smtp_tls_mandatory_protocols", ">=TLSv1",
            "TLS protocols when TLS is mandatory (encrypt, verify, secure), same syntax as"
                    + " smtp_tls_protocols");
    public static final Parameter SMTP_TLS_CIPHERS = string("smtp_tls_ciphers", "medium",
            "minimum cipher grade with opportunistic TLS: high, medium, low or export (mapped onto"
                    + " the JVM's enabled cipher suites)");
    public static final Parameter SMTP_TLS_MANDATORY_CIPHERS = string("smtp_tls_mandatory_ciphers", "medium",
            "minimum cipher grade when TLS is mandatory: high, medium, low or export (mapped onto the"
                    + " JVM's enabled cipher suites)");
    public static final Parameter SMTP_TLS_VERIFY_CERT_MATCH = list("smtp_tls_verify_cert_match", "hostname",
            "names the server certificate must match at the verify level: hostname, nexthop,"
                    + " dot-nexthop, a name or a .domain suffix");
    public static final Parameter SMTP_TLS_SECURE_CERT_MATCH = list("smtp_tls_secure_cert_match",
            "nexthop, dot-nexthop", "names the server certificate must match at the secure level, same"
                    + " syntax as smtp_tls_verify_cert_match");
    public static final Parameter SMTP_TLS_CERT_FILE = string("smtp_tls_cert_file", "",
            "PEM file with the client certificate and its issuers (may hold the key too), presented"
                    + " when a server asks; empty presents none");
    public static final Parameter SMTP_TLS_KEY_FILE = string("smtp_tls_key_file", "$smtp_tls_cert_file",
            "PEM file with the client certificate's private key, unencrypted PKCS#8"
                    + " (\"BEGIN PRIVATE KEY\")");
    public static final Parameter SMTP_TLS_LOGLEVEL = integer("smtp_tls_loglevel", "0", 0, 4,
            "TLS logging: 0 none; 1 or more logs the \"... TLS connection established\" summary of each"
                    + " handshake (2-4 add nothing more here)");
    public static final Parameter SMTP_TLS_SESSION_CACHE_DATABASE = string("smtp_tls_session_cache_database",
            "", "TLS session cache (accepted for compatibility; the JVM keeps its own session cache)");
    public static final Parameter SMTP_SASL_AUTH_ENABLE = bool("smtp_sasl_auth_enable", "no",
            "authenticate to the relay with SASL (AUTH) when smtp_sasl_password_maps has credentials"
                    + " for it");
    public static final Parameter SMTP_SASL_PASSWORD_MAPS = list("smtp_sasl_password_maps", "",
            "tables giving user:password per server host name or nexthop as written in relayhost"
                    + " ([host]:port), e.g. hash:/etc/postfix/sasl_passwd");
    public static final Parameter SMTP_SASL_SECURITY_OPTIONS = list("smtp_sasl_security_options",
            "noplaintext, noanonymous",
            "SASL mechanism restrictions without TLS: noplaintext, noactive, nodictionary, noanonymous,"
                    + " mutual_auth, forward_secrecy");
    public static final Parameter SMTP_SASL_TLS_SECURITY_OPTIONS = list("smtp_sasl_tls_security_options",
            "$smtp_sasl_security_options", "SASL mechanism restrictions over TLS");
    public static final Parameter SMTP_SASL_MECHANISM_FILTER = list("smtp_sasl_mechanism_filter", "",
            "server-offered SASL mechanisms to consider, as names or !name to exclude; empty considers"
                    + " all");
    public static final Parameter SMTP_SASL_AUTH_SOFT_BOUNCE = bool("smtp_sasl_auth_soft_bounce", "yes",
            "a SASL login the server rejects with 5xx defers the mail instead of bouncing it");

    private static final List<Parameter> ALL = Collections.unmodifiableList(new ArrayList<>(TABLE));
    private static final Map<String, Parameter> BY_NAME = index(ALL);

    private Parameters() {
    }

    /** Every parameter, in table order. */
    public static List<Parameter> all() {
        return ALL;
    }

    /** The parameter with this exact (case-sensitive, as in Postfix) name. */
    public static Optional<Parameter> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    private static Map<String, Parameter> index(List<Parameter> parameters) {
        Map<String, Parameter> byName = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            if (byName.put(p.name(), p) != null) {
                throw new IllegalStateException("parameter table lists " + p.name() + " twice");
            }
        }
        return Collections.unmodifiableMap(byName);
    }

    private static Parameter add(Parameter p) {
        TABLE.add(p);
        return p;
    }

    private static Parameter string(String name, String def, String meaning) {
        return add(new Parameter(name, ParameterType.STRING, def, (char) 0, UNBOUNDED_MIN, UNBOUNDED_MAX, meaning));
    }

    private static Parameter list(String name, String def, String meaning) {
        return add(new Parameter(name, ParameterType.LIST, def, (char) 0, UNBOUNDED_MIN, UNBOUNDED_MAX, meaning));
    }

    private static Parameter bool(String name, String def, String meaning) {
        return add(new Parameter(name, ParameterType.BOOLEAN, def, (char) 0, UNBOUNDED_MIN, UNBOUNDED_MAX, meaning));
    }

    private static Parameter integer(String name, String def, long min, long max, String meaning) {
        return add(new Parameter(name, ParameterType.INTEGER, def, (char) 0, min, max, meaning));
    }

    private static Parameter size(String name, String def, long min, long max, String meaning) {
        return add(new Parameter(name, ParameterType.SIZE, def, (char) 0, min, max, meaning));
    }

    /** min and max are in seconds, whatever the default unit. */
    private static Parameter time(String name, String def, char unit, long min, long max, String meaning) {
        return add(new Parameter(name, ParameterType.TIME, def, unit, min, max, meaning));
    }
}
