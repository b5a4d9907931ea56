package org.postrelay.master;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.postrelay.config.ConfigException;

/**
 * A parsed {@code master.cf} in Postfix's syntax: one service per logical line (service, type,
 * private, unpriv, chroot, wakeup, maxproc, command and arguments), continuation lines starting
 * with whitespace, {@code #} comment lines, and {@code -o name=value} (or
 * {@code -o { name = value }}) parameter overrides. The standalone daemon reads it for its smtpd
 * listeners; a malformed line is a {@link ConfigException} naming the file and line.
 */
public final class MasterCf {

    private static final Set<String> TYPES = Set.of("inet", "unix", "unix-dgram", "fifo", "pass");
    /** Port names Postfix's stock master.cf uses (getservbyname without touching /etc/services). */
    private static final Map<String, Integer> PORT_NAMES = Map.of("smtp", 25, "submission", 587, "smtps", 465,
            "submissions", 465);

    /**
     * One service line.
     *
     * @param maxproc the process limit, or "-" for {@code default_process_limit}
     * @param overrides the {@code -o} parameters, in order
     * @param arguments the command's other arguments (without the {@code -o} pairs)
     */
    public record Service(String source, int line, String name, String type, String privateField,
                          String unprivileged, String chroot, String wakeup, String maxproc, String command,
                          List<String> arguments, Map<String, String> overrides) {

        public boolean isInet() {
            return type.equals("inet");
        }

        /** For an inet service: the host part of {@code [host:]port}, without brackets; "" when absent. */
        public String host() {
            int colon = name.lastIndexOf(':');
            if (colon < 0) {
                return "";
            }
            String host = name.substring(0, colon);
            return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        }

        /** For an inet service: the port, a number or one of smtp, submission, smtps. */
        public int port() {
            String port = name.substring(name.lastIndexOf(':') + 1);
            Integer named = PORT_NAMES.get(port.toLowerCase(Locale.ROOT));
            if (named != null) {
                return named;
            }
            try {
                int n = Integer.parseInt(port);
                if (n >= 0 && n <= 65535) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new ConfigException(source + ": line " + line + ": bad port \"" + port + "\" in service \"" + name
                    + "\" (expected a number from 0 to 65535 or one of " + String.join(", ", PORT_NAMES.keySet()) + ")");
        }

        /** The process limit, or {@code defaultLimit} for "-"; 0 means no limit, as in Postfix. */
        public int processLimit(int defaultLimit) {
            return maxproc.equals("-") ? defaultLimit : Integer.parseInt(maxproc);
        }
    }

    private final String source;
    private final List<Service> services;

    private MasterCf(String source, List<Service> services) {
        this.source = source;
        this.services = Collections.unmodifiableList(services);
    }

    /** Reads a master.cf; a missing file is an empty one (no services). */
    public static MasterCf read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new MasterCf(file.toString(), List.of());
        }
        return parse(text, file.toString());
    }

    /** Parses master.cf text; {@code source} names it in error messages. */
    public static MasterCf parse(String text, String source) {
        List<Service> services = new ArrayList<>();
        StringBuilder logical = null;
        int logicalLine = 0;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String stripped = line.strip();
            if (stripped.isEmpty() || stripped.startsWith("#")) {
                continue;                                   // Postfix skips comments even inside a logical line
            }
            if (Character.isWhitespace(line.charAt(0))) {
                if (logical == null) {
                    throw new ConfigException(source + ": line " + (i + 1)
                            + ": continuation line without a service line before it: \"" + stripped + "\"");
                }
                logical.append(' ').append(stripped);
                continue;
            }
            if (logical != null) {
                services.add(service(source, logicalLine, logical.toString()));
            }
            logical = new StringBuilder(stripped);
            logicalLine = i + 1;
        }
        if (logical != null) {
            services.add(service(source, logicalLine, logical.toString()));
        }
        return new MasterCf(source, services);
    }

    public String source() {
        return source;
    }

    public List<Service> services() {
        return services;
    }

    /** The inet services whose command is {@code program} ("smtpd"), in file order. */
    public List<Service> inetServices(String program) {
        return services.stream().filter(s -> s.isInet() && s.command().equals(program)).toList();
    }

    private static Service service(String source, int line, String text) {
        List<String> fields = tokens(source, line, text);
        if (fields.size() < 8) {
            throw new ConfigException(source + ": line " + line + ": bad field count " + fields.size()
                    + " (expected: service type private unpriv chroot wakeup maxproc command [args]): \""
                    + text + "\"");
        }
        String name = fields.get(0);
        String type = fields.get(1);
        if (!TYPES.contains(type)) {
            throw bad(source, line, "type", type, String.join(", ", TYPES.stream().sorted().toList()));
        }
        for (int f = 2; f <= 4; f++) {
            String v = fields.get(f);
            if (!v.equals("y") && !v.equals("n") && !v.equals("-")) {
                throw bad(source, line, new String[] {"", "", "private", "unpriv", "chroot"}[f], v, "y, n or -");
            }
        }
        String wakeup = fields.get(5);
        if (!wakeup.matches("-|[0-9]+\\??")) {
            throw bad(source, line, "wakeup", wakeup, "- or a number of seconds, optionally followed by ?");
        }
        String maxproc = fields.get(6);
        if (!maxproc.matches("-|[0-9]{1,9}")) {
            throw bad(source, line, "maxproc", maxproc, "- or a number");
        }
        if (type.equals("inet") && name.endsWith(":")) {
            throw bad(source, line, "service", name, "[host:]port");
        }
        List<String> arguments = new ArrayList<>();
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 8; i < fields.size(); i++) {
            String argument = fields.get(i);
            if (argument.equals("-o") || (argument.startsWith("-o") && argument.length() > 2)) {
                String pair = argument.length() > 2 ? argument.substring(2) : (i + 1 < fields.size() ? fields.get(++i) : "");
                override(source, line, pair, overrides);
            } else {
                arguments.add(argument);
            }
        }
        return new Service(source, line, name, type, fields.get(2), fields.get(3), fields.get(4), wakeup, maxproc,
                fields.get(7), List.copyOf(arguments), Collections.unmodifiableMap(overrides));
    }

    private static void override(String source, int line, String pair, Map<String, String> overrides) {
        String text = pair;
        if (text.startsWith("{")) {
            text = text.substring(1, text.length() - 1);    // tokens() checked the closing brace
        }
        int eq = text.indexOf('=');
        String name = eq < 0 ? "" : text.substring(0, eq).strip();
        if (name.isEmpty() || !name.matches("[A-Za-z0-9_]+")) {
            throw new ConfigException(source + ": line " + line + ": bad -o value \"" + pair
                    + "\" (expected -o name=value or -o { name = value })");
        }
        overrides.put(name, text.substring(eq + 1).strip());
    }

    /** Splits on whitespace; "{ ... }" is one token (Postfix 3.0's quoting for values with spaces). */
    private static List<String> tokens(String source, int line, String text) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int start = i;
            if (c == '{') {
                int depth = 0;
                for (; i < text.length(); i++) {
                    char d = text.charAt(i);
                    if (d == '{') {
                        depth++;
                    } else if (d == '}' && --depth == 0) {
                        break;
                    }
                }
                if (i == text.length()) {
                    throw new ConfigException(source + ": line " + line + ": missing '}' in \"" + text.substring(start)
                            + "\"");
                }
                i++;
            } else {
                while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
            }
            tokens.add(text.substring(start, i));
        }
        return tokens;
    }

    private static ConfigException bad(String source, int line, String field, String value, String expected) {
        return new ConfigException(source + ": line " + line + ": bad " + field + " field \"" + value
                + "\" (expected " + expected + ")");
    }
}
