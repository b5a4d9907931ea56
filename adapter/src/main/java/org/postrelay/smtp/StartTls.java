package org.postrelay.smtp;

import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.postrelay.config.Config;
import org.postrelay.config.ConfigException;
import org.postrelay.config.Parameters;
import org.postrelay.smtp.TlsPolicy.Level;

/**
 * The TLS client engine, Postfix's tls_client.c: turns a connected socket into a TLS session (after
 * STARTTLS, or from the first byte in wrapper mode) with the level's protocols and cipher grade, no
 * SNI (smtp_tls_servername is empty in Postfix), and the client certificate if one is configured.
 * As Postfix does, it always completes the handshake and then judges the server certificate
 * itself: Anonymous, Untrusted, Trusted (chain leads to smtp_tls_CAfile/CApath) or Verified (trusted
 * and matching the level's names); it logs the "... TLS connection established" summary at
 * smtp_tls_loglevel &gt;= 1 and refuses the session at verify/secure unless Verified.
 */
final class StartTls {

    /** How far the server certificate was found good, in Postfix's log words. */
    enum Trust {
        ANONYMOUS("Anonymous"), UNTRUSTED("Untrusted"), TRUSTED("Trusted"), VERIFIED("Verified");

        final String word;

        Trust(String word) {
            this.word = word;
        }
    }

    /** The other end as Postfix names it: relay "h[a]:port", host name, nexthop domain, and the level in force. */
    record Peer(String relay, String host, String nexthopDomain, Level level) {
    }

    /** A TLS session in place over the connection. */
    record Established(SSLSocket socket, Trust trust, String protocol, String cipher) {
    }

    /** Why there is no TLS session: the handshake failed, or the certificate did not satisfy verify/secure. */
    static final class Failure extends SSLException {
        private static final long serialVersionUID = 1L;

        final boolean notVerified;

        Failure(String message, boolean notVerified, Throwable cause) {
            super(message, cause);
            this.notVerified = notVerified;
        }
    }

    private final TlsPolicy policy;
    private final X509TrustManager trust;
    private final SSLContext context;
    private final SmtpLog log;

    private StartTls(TlsPolicy policy, X509TrustManager trust, KeyManager client, SmtpLog log) {
        this.policy = policy;
        this.trust = trust;
        this.log = log;
        try {
            this.context = SSLContext.getInstance("TLS");
            context.init(client == null ? null : new KeyManager[] {client}, new X509ExtendedTrustManager[] {
                    new AcceptAnyServer()}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM has no usable TLS implementation", e);
        }
    }

    /** The engine for this configuration, or null at smtp_tls_security_level = none (no files are read then). */
    static StartTls from(Config config, TlsPolicy policy, SmtpLog log) {
        if (policy.level() == Level.NONE) {
            return null;
        }
        X509TrustManager trust = TrustedCas.load(config.get(Parameters.SMTP_TLS_CAFILE),
                config.get(Parameters.SMTP_TLS_CAPATH));
        ClientCertificate client = ClientCertificate.load(config.get(Parameters.SMTP_TLS_CERT_FILE),
                config.get(Parameters.SMTP_TLS_KEY_FILE));
        StartTls engine = new StartTls(policy, trust, client, log);
        for (Level l : List.of(Level.MAY, Level.ENCRYPT)) {
            if (engine.cipherSuites(l).length == 0) {
                throw new ConfigException((l == Level.MAY ? "smtp_tls_ciphers" : "smtp_tls_mandatory_ciphers")
                        + " = " + policy.ciphersFor(l).name().toLowerCase(java.util.Locale.ROOT)
                        + " leaves none of the JVM's enabled cipher suites");
            }
        }
        return engine;
    }

    TlsPolicy policy() {
        return policy;
    }

    /**
     * Runs the handshake over {@code tcp} within smtp_starttls_timeout and judges the certificate.
     *
     * @throws Failure when the handshake fails (the socket is closed then), or when the level needs a
     *                 verified certificate and this one is not (the TLS session is closed then)
     */
    Established handshake(Socket tcp, Peer peer) throws Failure {
        SSLSocket ssl;
        try {
            ssl = (SSLSocket) context.getSocketFactory().createSocket(tcp, peer.host(), tcp.getPort(), true);
            SSLParameters parameters = ssl.getSSLParameters();
            parameters.setServerNames(List.of());                 // no SNI: Postfix's empty smtp_tls_servername
            parameters.setEndpointIdentificationAlgorithm(null);  // names are checked below, Postfix's way
            List<String> protocols = protocols(peer.level());
            if (!protocols.isEmpty()) {
                parameters.setProtocols(protocols.toArray(new String[0]));
            }
            parameters.setCipherSuites(cipherSuites(peer.level()));
            ssl.setSSLParameters(parameters);
            ssl.setUseClientMode(true);
            ssl.setSoTimeout(ClientSettings.millis(policy.starttlsTimeout()));
        } catch (IOException e) {
            closeQuietly(tcp);
            throw new Failure("Cannot start TLS: " + e.getMessage(), false, e);
        }
        try {
            ssl.startHandshake();
        } catch (IOException e) {
            log.info("SSL_connect error to " + peer.relay() + ": " + why(e));
            if (e instanceof SSLException && !(e.getCause() instanceof IOException)) {
                log.warning("TLS library problem: " + e.getMessage());
            }
            closeQuietly(ssl);
            throw new Failure("handshake failure with " + peer.relay() + ": " + why(e), false, e);
        }
        String protocol = ssl.getSession().getProtocol();
        String cipher = ssl.getSession().getCipherSuite();
        Trust judged = judge(ssl, peer);
        if (policy.logLevel() >= 1) {
            int bits = bits(cipher);
            log.info(judged.word + " TLS connection established to " + peer.relay() + ": " + protocol + " with cipher "
                    + cipher + " (" + bits + "/" + bits + " bits)");
        }
        if (peer.level().mustMatch() && judged != Trust.VERIFIED) {
            closeQuietly(ssl);
            throw new Failure("Server certificate not verified", true, null);
        }
        return new Established(ssl, judged, protocol, cipher);
    }

    /** Chain against the trusted CAs, then (verify, secure) the leaf against the level's names. */
    private Trust judge(SSLSocket ssl, Peer peer) {
        X509Certificate[] chain;
        try {
            Certificate[] presented = ssl.getSession().getPeerCertificates();
            chain = Arrays.stream(presented).filter(X509Certificate.class::isInstance)
                    .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        } catch (SSLPeerUnverifiedException e) {
            return Trust.ANONYMOUS;
        }
        if (chain.length == 0) {
            return Trust.ANONYMOUS;
        }
        boolean mustMatch = peer.level().mustMatch();
        try {
            trust.checkServerTrusted(chain, "UNKNOWN");           // key usage as for TLS 1.3 signatures
        } catch (CertificateException | RuntimeException e) {
            if (mustMatch) {                                      // Postfix logs these only when they matter
                log.info(verifyError(chain, peer.relay(), e));
            }
            return Trust.UNTRUSTED;
        }
        if (!mustMatch) {
            return Trust.TRUSTED;
        }
        List<String> names = policy.matchNames(peer.level(), peer.nexthopDomain(), peer.host());
        if (PeerNames.matches(chain[0], names)) {
            return Trust.VERIFIED;
        }
        // OpenSSL fails the chain check itself when the names do not match: untrusted, as Postfix logs it
        log.info("server certificate verification failed for " + peer.relay() + ": num=62:hostname mismatch");
        return Trust.UNTRUSTED;
    }

    /** Postfix's tls_log_verify_error() wording for the commonest causes. */
    private static String verifyError(X509Certificate[] chain, String relay, Exception e) {
        X509Certificate leaf = chain[0];
        if (chain.length == 1 && leaf.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
            return "certificate verification failed for " + relay + ": self-signed certificate";
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertPathValidatorException v
                    && (v.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                    || v.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID)) {
                String purpose = v.getIndex() > 0 ? "CA" : "server";
                return purpose + " certificate verification failed for " + relay + ": certificate "
                        + (v.getReason() == CertPathValidatorException.BasicReason.EXPIRED ? "has expired" : "not yet valid");
            }
        }
        return "certificate verification failed for " + relay + ": untrusted issuer "
                + oneline(chain[chain.length - 1].getIssuerX500Principal().getName());
    }

    /** A distinguished name as OpenSSL's X509_NAME_oneline() prints it: "/C=US/O=Example/CN=Example CA". */
    static String oneline(String rfc2253) {
        try {
            StringBuilder b = new StringBuilder();
            for (Rdn rdn : new LdapName(rfc2253).getRdns()) {       // least specific first
                b.append('/').append(rdn);
            }
            return b.toString();
        } catch (InvalidNameException e) {
            return rfc2253;
        }
    }

    private List<String> protocols(Level level) {
        List<String> wanted = policy.protocolsFor(level);
        List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getProtocols());
        List<String> result = new ArrayList<>();
        for (String p : wanted) {
            if (supported.contains(p)) {
                result.add(p);
            }
        }
        // none of the wanted ones exists here: keep them anyway, so that the handshake fails rather than widens
        return wanted.isEmpty() || !result.isEmpty() ? result : wanted;
    }

    private String[] cipherSuites(Level level) {
        return policy.ciphersFor(level).suites(context.getDefaultSSLParameters().getCipherSuites());
    }

    /** The cipher's key length as Postfix logs it ("256/256 bits"). */
    static int bits(String cipher) {
        if (cipher.contains("_256_") || cipher.contains("CHACHA20")) {
            return 256;
        }
        if (cipher.contains("_128_")) {
            return 128;
        }
        return cipher.contains("3DES") ? 168 : 0;
    }

    private static String why(IOException e) {
        if (e instanceof SocketTimeoutException || e.getCause() instanceof SocketTimeoutException) {
            return "Connection timed out";
        }
        if (e instanceof EOFException || e.getCause() instanceof EOFException) {
            return "lost connection";
        }
        return String.valueOf(e.getMessage());
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }

    /** Lets every handshake complete, so that the certificate is judged after it as Postfix does. */
    private static final class AcceptAnyServer extends X509ExtendedTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("the SMTP client does not accept client certificates");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("the SMTP client does not accept client certificates");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the SMTP client does not accept client certificates");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
