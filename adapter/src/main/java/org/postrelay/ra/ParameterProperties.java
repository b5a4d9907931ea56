package org.postrelay.ra;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The resource adapter's config properties: one String JavaBean property per Postfix parameter, in
 * lowerCamelCase ({@code relayhost}, {@code queueDirectory}, {@code smtpTlsCAfile}, ...;
 * {@code 2bounce_notice_recipient} is {@code doubleBounceNoticeRecipient}), each holding the value
 * in main.cf syntax. Only properties that were set reach the engine; the rest keep their defaults.
 * Written out from the Parameters table (Jakarta Connectors wants one JavaBean setter per property);
 * {@code ResourceAdapterPropertiesTest} fails when the two, or ra.xml, disagree.
 */
public abstract class ParameterProperties {

    private final Map<String, String> values = Collections.synchronizedMap(new LinkedHashMap<>());

    /** The JavaBean property of a Postfix parameter: {@code smtp_tls_CAfile} is {@code smtpTlsCAfile}. */
    public static String propertyName(String parameter) {
        String name = parameter.startsWith("2") ? "double_" + parameter.substring(1) : parameter;
        StringBuilder property = new StringBuilder();
        boolean upper = false;
        for (char c : name.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                property.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return property.toString();
    }

    /** The parameters set so far, by Postfix name. */
    public Map<String, String> parameters() {
        synchronized (values) {
            return Map.copyOf(values);
        }
    }

    private void set(String name, String value) {
        if (value == null) {
            values.remove(name);
        } else {
            values.put(name, value);
        }
    }

    public void setMyhostname(String value) {
        set("myhostname", value);
    }

    public String getMyhostname() {
        return values.get("myhostname");
    }

    public void setMydomain(String value) {
        set("mydomain", value);
    }

    public String getMydomain() {
        return values.get("mydomain");
    }

    public void setMyorigin(String value) {
        set("myorigin", value);
    }

    public String getMyorigin() {
        return values.get("myorigin");
    }

    public void setMydestination(String value) {
        set("mydestination", value);
    }

    public String getMydestination() {
        return values.get("mydestination");
    }

    public void setAppendAtMyorigin(String value) {
        set("append_at_myorigin", value);
    }

    public String getAppendAtMyorigin() {
        return values.get("append_at_myorigin");
    }

    public void setAppendDotMydomain(String value) {
        set("append_dot_mydomain", value);
    }

    public String getAppendDotMydomain() {
        return values.get("append_dot_mydomain");
    }

    public void setRecipientDelimiter(String value) {
        set("recipient_delimiter", value);
    }

    public String getRecipientDelimiter() {
        return values.get("recipient_delimiter");
    }

    public void setCompatibilityLevel(String value) {
        set("compatibility_level", value);
    }

    public String getCompatibilityLevel() {
        return values.get("compatibility_level");
    }

    public void setMailName(String value) {
        set("mail_name", value);
    }

    public String getMailName() {
        return values.get("mail_name");
    }

    public void setRelayhost(String value) {
        set("relayhost", value);
    }

    public String getRelayhost() {
        return values.get("relayhost");
    }

    public void setSmtpFallbackRelay(String value) {
        set("smtp_fallback_relay", value);
    }

    public String getSmtpFallbackRelay() {
        return values.get("smtp_fallback_relay");
    }

    public void setFallbackRelay(String value) {
        set("fallback_relay", value);
    }

    public String getFallbackRelay() {
        return values.get("fallback_relay");
    }

    public void setLocalTransport(String value) {
        set("local_transport", value);
    }

    public String getLocalTransport() {
        return values.get("local_transport");
    }

    public void setMailSpoolDirectory(String value) {
        set("mail_spool_directory", value);
    }

    public String getMailSpoolDirectory() {
        return values.get("mail_spool_directory");
    }

    public void setMailboxSizeLimit(String value) {
        set("mailbox_size_limit", value);
    }

    public String getMailboxSizeLimit() {
        return values.get("mailbox_size_limit");
    }

    public void setLocalRecipientMaps(String value) {
        set("local_recipient_maps", value);
    }

    public String getLocalRecipientMaps() {
        return values.get("local_recipient_maps");
    }

    public void setAliasMaps(String value) {
        set("alias_maps", value);
    }

    public String getAliasMaps() {
        return values.get("alias_maps");
    }

    public void setMailboxDeliveryLock(String value) {
        set("mailbox_delivery_lock", value);
    }

    public String getMailboxDeliveryLock() {
        return values.get("mailbox_delivery_lock");
    }

    public void setDeliverLockAttempts(String value) {
        set("deliver_lock_attempts", value);
    }

    public String getDeliverLockAttempts() {
        return values.get("deliver_lock_attempts");
    }

    public void setDeliverLockDelay(String value) {
        set("deliver_lock_delay", value);
    }

    public String getDeliverLockDelay() {
        return values.get("deliver_lock_delay");
    }

    public void setStaleLockTime(String value) {
        set("stale_lock_time", value);
    }

    public String getStaleLockTime() {
        return values.get("stale_lock_time");
    }

    public void setHomeMailbox(String value) {
        set("home_mailbox", value);
    }

    public String getHomeMailbox() {
        return values.get("home_mailbox");
    }

    public void setInetInterfaces(String value) {
        set("inet_interfaces", value);
    }

    public String getInetInterfaces() {
        return values.get("inet_interfaces");
    }

    public void setInetProtocols(String value) {
        set("inet_protocols", value);
    }

    public String getInetProtocols() {
        return values.get("inet_protocols");
    }

    public void setMynetworks(String value) {
        set("mynetworks", value);
    }

    public String getMynetworks() {
        return values.get("mynetworks");
    }

    public void setMynetworksStyle(String value) {
        set("mynetworks_style", value);
    }

    public String getMynetworksStyle() {
        return values.get("mynetworks_style");
    }

    public void setSmtpdBanner(String value) {
        set("smtpd_banner", value);
    }

    public String getSmtpdBanner() {
        return values.get("smtpd_banner");
    }

    public void setDefaultProcessLimit(String value) {
        set("default_process_limit", value);
    }

    public String getDefaultProcessLimit() {
        return values.get("default_process_limit");
    }

    public void setSmtpdRecipientLimit(String value) {
        set("smtpd_recipient_limit", value);
    }

    public String getSmtpdRecipientLimit() {
        return values.get("smtpd_recipient_limit");
    }

    public void setSmtpdTimeout(String value) {
        set("smtpd_timeout", value);
    }

    public String getSmtpdTimeout() {
        return values.get("smtpd_timeout");
    }

    public void setConfigDirectory(String value) {
        set("config_directory", value);
    }

    public String getConfigDirectory() {
        return values.get("config_directory");
    }

    public void setQueueDirectory(String value) {
        set("queue_directory", value);
    }

    public String getQueueDirectory() {
        return values.get("queue_directory");
    }

    public void setMessageSizeLimit(String value) {
        set("message_size_limit", value);
    }

    public String getMessageSizeLimit() {
        return values.get("message_size_limit");
    }

    public void setHeaderSizeLimit(String value) {
        set("header_size_limit", value);
    }

    public String getHeaderSizeLimit() {
        return values.get("header_size_limit");
    }

    public void setQmgrMessageActiveLimit(String value) {
        set("qmgr_message_active_limit", value);
    }

    public String getQmgrMessageActiveLimit() {
        return values.get("qmgr_message_active_limit");
    }

    public void setQmgrMessageRecipientLimit(String value) {
        set("qmgr_message_recipient_limit", value);
    }

    public String getQmgrMessageRecipientLimit() {
        return values.get("qmgr_message_recipient_limit");
    }

    public void setInitialDestinationConcurrency(String value) {
        set("initial_destination_concurrency", value);
    }

    public String getInitialDestinationConcurrency() {
        return values.get("initial_destination_concurrency");
    }

    public void setDefaultDestinationConcurrencyLimit(String value) {
        set("default_destination_concurrency_limit", value);
    }

    public String getDefaultDestinationConcurrencyLimit() {
        return values.get("default_destination_concurrency_limit");
    }

    public void setSmtpDestinationConcurrencyLimit(String value) {
        set("smtp_destination_concurrency_limit", value);
    }

    public String getSmtpDestinationConcurrencyLimit() {
        return values.get("smtp_destination_concurrency_limit");
    }

    public void setDefaultDestinationConcurrencyFailedCohortLimit(String value) {
        set("default_destination_concurrency_failed_cohort_limit", value);
    }

    public String getDefaultDestinationConcurrencyFailedCohortLimit() {
        return values.get("default_destination_concurrency_failed_cohort_limit");
    }

    public void setSmtpDestinationConcurrencyFailedCohortLimit(String value) {
        set("smtp_destination_concurrency_failed_cohort_limit", value);
    }

    public String getSmtpDestinationConcurrencyFailedCohortLimit() {
        return values.get("smtp_destination_concurrency_failed_cohort_limit");
    }

    public void setDefaultDestinationRecipientLimit(String value) {
        set("default_destination_recipient_limit", value);
    }

    public String getDefaultDestinationRecipientLimit() {
        return values.get("default_destination_recipient_limit");
    }

    public void setSmtpDestinationRecipientLimit(String value) {
        set("smtp_destination_recipient_limit", value);
    }

    public String getSmtpDestinationRecipientLimit() {
        return values.get("smtp_destination_recipient_limit");
    }

    public void setMinimalBackoffTime(String value) {
        set("minimal_backoff_time", value);
    }

    public String getMinimalBackoffTime() {
        return values.get("minimal_backoff_time");
    }

    public void setMaximalBackoffTime(String value) {
        set("maximal_backoff_time", value);
    }

    public String getMaximalBackoffTime() {
        return values.get("maximal_backoff_time");
    }

    public void setMaximalQueueLifetime(String value) {
        set("maximal_queue_lifetime", value);
    }

    public String getMaximalQueueLifetime() {
        return values.get("maximal_queue_lifetime");
    }

    public void setBounceQueueLifetime(String value) {
        set("bounce_queue_lifetime", value);
    }

    public String getBounceQueueLifetime() {
        return values.get("bounce_queue_lifetime");
    }

    public void setQueueRunDelay(String value) {
        set("queue_run_delay", value);
    }

    public String getQueueRunDelay() {
        return values.get("queue_run_delay");
    }

    public void setDelayWarningTime(String value) {
        set("delay_warning_time", value);
    }

    public String getDelayWarningTime() {
        return values.get("delay_warning_time");
    }

    public void setSyslogName(String value) {
        set("syslog_name", value);
    }

    public String getSyslogName() {
        return values.get("syslog_name");
    }

    public void setMaillogFile(String value) {
        set("maillog_file", value);
    }

    public String getMaillogFile() {
        return values.get("maillog_file");
    }

    public void setDefaultDatabaseType(String value) {
        set("default_database_type", value);
    }

    public String getDefaultDatabaseType() {
        return values.get("default_database_type");
    }

    public void setBounceSizeLimit(String value) {
        set("bounce_size_limit", value);
    }

    public String getBounceSizeLimit() {
        return values.get("bounce_size_limit");
    }

    public void setBounceNoticeRecipient(String value) {
        set("bounce_notice_recipient", value);
    }

    public String getBounceNoticeRecipient() {
        return values.get("bounce_notice_recipient");
    }

    public void setDoubleBounceNoticeRecipient(String value) {
        set("2bounce_notice_recipient", value);
    }

    public String getDoubleBounceNoticeRecipient() {
        return values.get("2bounce_notice_recipient");
    }

    public void setDelayNoticeRecipient(String value) {
        set("delay_notice_recipient", value);
    }

    public String getDelayNoticeRecipient() {
        return values.get("delay_notice_recipient");
    }

    public void setNotifyClasses(String value) {
        set("notify_classes", value);
    }

    public String getNotifyClasses() {
        return values.get("notify_classes");
    }

    public void setDoubleBounceSender(String value) {
        set("double_bounce_sender", value);
    }

    public String getDoubleBounceSender() {
        return values.get("double_bounce_sender");
    }

    public void setSmtpConnectTimeout(String value) {
        set("smtp_connect_timeout", value);
    }

    public String getSmtpConnectTimeout() {
        return values.get("smtp_connect_timeout");
    }

    public void setSmtpHeloTimeout(String value) {
        set("smtp_helo_timeout", value);
    }

    public String getSmtpHeloTimeout() {
        return values.get("smtp_helo_timeout");
    }

    public void setSmtpMailTimeout(String value) {
        set("smtp_mail_timeout", value);
    }

    public String getSmtpMailTimeout() {
        return values.get("smtp_mail_timeout");
    }

    public void setSmtpRcptTimeout(String value) {
        set("smtp_rcpt_timeout", value);
    }

    public String getSmtpRcptTimeout() {
        return values.get("smtp_rcpt_timeout");
    }

    public void setSmtpDataInitTimeout(String value) {
        set("smtp_data_init_timeout", value);
    }

    public String getSmtpDataInitTimeout() {
        return values.get("smtp_data_init_timeout");
    }

    public void setSmtpDataXferTimeout(String value) {
        set("smtp_data_xfer_timeout", value);
    }

    public String getSmtpDataXferTimeout() {
        return values.get("smtp_data_xfer_timeout");
    }

    public void setSmtpDataDoneTimeout(String value) {
        set("smtp_data_done_timeout", value);
    }

    public String getSmtpDataDoneTimeout() {
        return values.get("smtp_data_done_timeout");
    }

    public void setSmtpDiscardEhloKeywords(String value) {
        set("smtp_discard_ehlo_keywords", value);
    }

    public String getSmtpDiscardEhloKeywords() {
        return values.get("smtp_discard_ehlo_keywords");
    }

    public void setSmtpQuitTimeout(String value) {
        set("smtp_quit_timeout", value);
    }

    public String getSmtpQuitTimeout() {
        return values.get("smtp_quit_timeout");
    }

    public void setSmtpStarttlsTimeout(String value) {
        set("smtp_starttls_timeout", value);
    }

    public String getSmtpStarttlsTimeout() {
        return values.get("smtp_starttls_timeout");
    }

    public void setSmtpHeloName(String value) {
        set("smtp_helo_name", value);
    }

    public String getSmtpHeloName() {
        return values.get("smtp_helo_name");
    }

    public void setSmtpConnectionCacheOnDemand(String value) {
        set("smtp_connection_cache_on_demand", value);
    }

    public String getSmtpConnectionCacheOnDemand() {
        return values.get("smtp_connection_cache_on_demand");
    }

    public void setSmtpConnectionCacheTimeLimit(String value) {
        set("smtp_connection_cache_time_limit", value);
    }

    public String getSmtpConnectionCacheTimeLimit() {
        return values.get("smtp_connection_cache_time_limit");
    }

    public void setSmtpConnectionReuseTimeLimit(String value) {
        set("smtp_connection_reuse_time_limit", value);
    }

    public String getSmtpConnectionReuseTimeLimit() {
        return values.get("smtp_connection_reuse_time_limit");
    }

    public void setSmtpTcpPort(String value) {
        set("smtp_tcp_port", value);
    }

    public String getSmtpTcpPort() {
        return values.get("smtp_tcp_port");
    }

    public void setSmtpAddressPreference(String value) {
        set("smtp_address_preference", value);
    }

    public String getSmtpAddressPreference() {
        return values.get("smtp_address_preference");
    }

    public void setSmtpMxAddressLimit(String value) {
        set("smtp_mx_address_limit", value);
    }

    public String getSmtpMxAddressLimit() {
        return values.get("smtp_mx_address_limit");
    }

    public void setSmtpMxSessionLimit(String value) {
        set("smtp_mx_session_limit", value);
    }

    public String getSmtpMxSessionLimit() {
        return values.get("smtp_mx_session_limit");
    }

    public void setSmtpRandomizeAddresses(String value) {
        set("smtp_randomize_addresses", value);
    }

    public String getSmtpRandomizeAddresses() {
        return values.get("smtp_randomize_addresses");
    }

    public void setSmtpBalanceInetProtocols(String value) {
        set("smtp_balance_inet_protocols", value);
    }

    public String getSmtpBalanceInetProtocols() {
        return values.get("smtp_balance_inet_protocols");
    }

    public void setSmtpSkip5xxGreeting(String value) {
        set("smtp_skip_5xx_greeting", value);
    }

    public String getSmtpSkip5xxGreeting() {
        return values.get("smtp_skip_5xx_greeting");
    }

    public void setSmtpUseTls(String value) {
        set("smtp_use_tls", value);
    }

    public String getSmtpUseTls() {
        return values.get("smtp_use_tls");
    }

    public void setSmtpEnforceTls(String value) {
        set("smtp_enforce_tls", value);
    }

    public String getSmtpEnforceTls() {
        return values.get("smtp_enforce_tls");
    }

    public void setSmtpTlsEnforcePeername(String value) {
        set("smtp_tls_enforce_peername", value);
    }

    public String getSmtpTlsEnforcePeername() {
        return values.get("smtp_tls_enforce_peername");
    }

    public void setSmtpTlsSecurityLevel(String value) {
        set("smtp_tls_security_level", value);
    }

    public String getSmtpTlsSecurityLevel() {
        return values.get("smtp_tls_security_level");
    }

    public void setSmtpTlsWrappermode(String value) {
        set("smtp_tls_wrappermode", value);
    }

    public String getSmtpTlsWrappermode() {
        return values.get("smtp_tls_wrappermode");
    }

    public void setSmtpTlsCAfile(String value) {
        set("smtp_tls_CAfile", value);
    }

    public String getSmtpTlsCAfile() {
        return values.get("smtp_tls_CAfile");
    }

    public void setSmtpTlsCApath(String value) {
        set("smtp_tls_CApath", value);
    }

    public String getSmtpTlsCApath() {
        return values.get("smtp_tls_CApath");
    }

    public void setSmtpTlsProtocols(String value) {
        set("smtp_tls_protocols", value);
    }

    public String getSmtpTlsProtocols() {
        return values.get("smtp_tls_protocols");
    }

    public void setSmtpTlsMandatoryProtocols(String value) {
        set("smtp_tls_mandatory_protocols", value);
    }

    public String getSmtpTlsMandatoryProtocols() {
        return values.get("smtp_tls_mandatory_protocols");
    }

    public void setSmtpTlsCiphers(String value) {
        set("smtp_tls_ciphers", value);
    }

    public String getSmtpTlsCiphers() {
        return values.get("smtp_tls_ciphers");
    }

    public void setSmtpTlsMandatoryCiphers(String value) {
        set("smtp_tls_mandatory_ciphers", value);
    }

    public String getSmtpTlsMandatoryCiphers() {
        return values.get("smtp_tls_mandatory_ciphers");
    }

    public void setSmtpTlsVerifyCertMatch(String value) {
        set("smtp_tls_verify_cert_match", value);
    }

    public String getSmtpTlsVerifyCertMatch() {
        return values.get("smtp_tls_verify_cert_match");
    }

    public void setSmtpTlsSecureCertMatch(String value) {
        set("smtp_tls_secure_cert_match", value);
    }

    public String getSmtpTlsSecureCertMatch() {
        return values.get("smtp_tls_secure_cert_match");
    }

    public void setSmtpTlsCertFile(String value) {
        set("smtp_tls_cert_file", value);
    }

    public String getSmtpTlsCertFile() {
        return values.get("smtp_tls_cert_file");
    }

    public void setSmtpTlsKeyFile(String value) {
        set("smtp_tls_key_file", value);
    }

    public String getSmtpTlsKeyFile() {
        return values.get("smtp_tls_key_file");
    }

    public void setSmtpTlsLoglevel(String value) {
        set("smtp_tls_loglevel", value);
    }

    public String getSmtpTlsLoglevel() {
        return values.get("smtp_tls_loglevel");
    }

    public void setSmtpTlsSessionCacheDatabase(String value) {
        set("smtp_tls_session_cache_database", value);
    }

    public String getSmtpTlsSessionCacheDatabase() {
        return values.get("smtp_tls_session_cache_database");
    }

    public void setSmtpSaslAuthEnable(String value) {
        set("smtp_sasl_auth_enable", value);
    }

    public String getSmtpSaslAuthEnable() {
        return values.get("smtp_sasl_auth_enable");
    }

    public void setSmtpSaslPasswordMaps(String value) {
        set("smtp_sasl_password_maps", value);
    }

    public String getSmtpSaslPasswordMaps() {
        return values.get("smtp_sasl_password_maps");
    }

    public void setSmtpSaslSecurityOptions(String value) {
        set("smtp_sasl_security_options", value);
    }

    public String getSmtpSaslSecurityOptions() {
        return values.get("smtp_sasl_security_options");
    }

    public void setSmtpSaslTlsSecurityOptions(String value) {
        set("smtp_sasl_tls_security_options", value);
    }

    public String getSmtpSaslTlsSecurityOptions() {
        return values.get("smtp_sasl_tls_security_options");
    }

    public void setSmtpSaslMechanismFilter(String value) {
        set("smtp_sasl_mechanism_filter", value);
    }

    public String getSmtpSaslMechanismFilter() {
        return values.get("smtp_sasl_mechanism_filter");
    }

    public void setSmtpSaslAuthSoftBounce(String value) {
        set("smtp_sasl_auth_soft_bounce", value);
    }

    public String getSmtpSaslAuthSoftBounce() {
        return values.get("smtp_sasl_auth_soft_bounce");
    }
}
