package org.postrelay.smtpd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.postrelay.cleanup.Addresses;
import org.postrelay.config.Config;
import org.postrelay.config.Parameters;
import org.postrelay.master.MasterCf;

/**
 * One smtpd service, as one {@code inet ... smtpd} line of master.cf describes it: the port, the
 * addresses to listen on, the process (session) limit, and the settings read from main.cf with the
 * line's {@code -o} overrides on top.
 */
final class SmtpdService {

    /** Postfix's port when master.cf has no smtpd line. */
    static final int DEFAULT_PORT = 25;

    final String name;
    final int port;
    final List<ListenAddresses.Bind> binds;
    /** Most concurrent sessions; 0 means no limit, as a master.cf maxproc of 0. */
    final int processLimit;
    final Config config;
    final String myhostname;
    final String banner;
    final long messageSizeLimit;
    final int recipientLimit;
    final Duration timeout;
    final RelayPolicy policy;
    final Addresses addresses;
    /** master.cf {@code -o} settings this smtpd does not know, to be logged at start. */
    final List<String> warnings = new ArrayList<>();

    private SmtpdService(String name, int port, String host, int processLimit, Config config) {
        this.name = name;
        this.port = port;
        this.config = config;
        this.binds = ListenAddresses.of(config, host);
        this.processLimit = processLimit;
        this.myhostname = config.get(Parameters.MYHOSTNAME);
        this.banner = config.get(Parameters.SMTPD_BANNER);
        this.messageSizeLimit = config.size(Parameters.MESSAGE_SIZE_LIMIT);
        this.recipientLimit = (int) config.integer(Parameters.SMTPD_RECIPIENT_LIMIT);
        this.timeout = config.time(Parameters.SMTPD_TIMEOUT);
        this.policy = new RelayPolicy(config);
        this.addresses = new Addresses(config.get(Parameters.MYORIGIN), config.bool(Parameters.APPEND_AT_MYORIGIN));
    }

    /**
     * The services of master.cf's {@code inet} lines running {@code smtpd}; one on port 25 when
     * there is none (or no master.cf), as Postfix's stock {@code smtp inet ... smtpd} line.
     */
    static List<SmtpdService> fromMasterCf(Config config, MasterCf masterCf) {
        int defaultLimit = (int) config.integer(Parameters.DEFAULT_PROCESS_LIMIT);
        List<MasterCf.Service> lines = masterCf.inetServices("smtpd");
        if (lines.isEmpty()) {
            return List.of(new SmtpdService("smtp", DEFAULT_PORT, "", defaultLimit, config));
        }
        List<SmtpdService> services = new ArrayList<>();
        for (MasterCf.Service line : lines) {
            Config own = line.overrides().isEmpty() ? config : config.with(line.overrides());
            SmtpdService service = new SmtpdService(line.name(), line.port(), line.host(),
                    line.processLimit(defaultLimit), own);
            line.overrides().forEach((name, value) -> {
                if (Parameters.byName(name).isEmpty()) {
                    service.warnings.add(line.source() + ": line " + line.line() + ": -o " + name + "=" + value
                            + ": Postrelay's smtpd has no such parameter; ignored");
                }
            });
            services.add(service);
        }
        return services;
    }

    /** One service on {@code port} (0: a free port) on {@code inet_interfaces}, without master.cf. */
    static SmtpdService onPort(Config config, int port) {
        return new SmtpdService(Integer.toString(port), port, "",
                (int) config.integer(Parameters.DEFAULT_PROCESS_LIMIT), config);
    }
}
