package org.postrelay.config;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The immutable, validated, expanded configuration: table defaults, then main.cf, then overrides
 * (JCA properties, command-line -o). Every value of a known parameter is checked when the object is
 * built, so a bad setting stops the start with a message naming it, never later and never quietly.
 */
public final class Config {

    private static final Logger LOG = Logger.getLogger("org.postrelay.config");

    /** Source name of values given as overrides rather than read from a file. */
    public static final String OVERRIDE = "override";

    private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");
    private static final Pattern TIME = Pattern.compile("([0-9]+)([a-z]?)");
    private static final Pattern SIZE = Pattern.compile("[0-9]+");

    /** An explicitly set raw value and where it came from (main.cf path or "override"). */
    private record Setting(String value, String source) {
    }

    private final Map<String, Setting> explicit;
    /** Defaults of the known parameters, with mydomain derived from a configured myhostname. */
    private final Map<String, String> defaults;
    /** Expanded, trimmed values of every known parameter. */
    private final Map<String, String> expanded;
    /** main.cf syntax warnings, carried over by with(). */
    private final List<String> fileWarnings;
    private final List<String> warnings;

    private Config(Map<String, Setting> explicit, List<String> fileWarnings, Config base) {
        this.explicit = Collections.unmodifiableMap(explicit);
        this.fileWarnings = List.copyOf(fileWarnings);
        this.defaults = effectiveDefaults(explicit);
        this.expanded = expandAndValidate();
        this.warnings = List.copyOf(collectWarnings());
        List<String> alreadyLogged = base == null ? List.of() : base.warnings;
        for (String warning : warnings) {
            if (!alreadyLogged.contains(warning)) {
                LOG.warning(warning);
            }
        }
    }

    /** Postrelay's defaults alone. */
    public static Config defaults() {
        return new Config(new LinkedHashMap<>(), List.of(), null);
    }

    /** Defaults plus overrides. A null value in the map means "not set". */
    public static Config of(Map<String, String> overrides) {
        return defaults().with(overrides);
    }

    /** Defaults, then a parsed main.cf, then overrides. */
    public static Config of(MainCf mainCf, Map<String, String> overrides) {
        Map<String, Setting> settings = new LinkedHashMap<>();
        mainCf.entries().forEach((name, value) -> settings.put(name, new Setting(value, mainCf.sourceName())));
        putOverrides(settings, overrides, OVERRIDE);
        return new Config(settings, mainCf.warnings(), null);
    }

    /**
     * Defaults, then {@code configDirectory/main.cf}, then overrides.
     *
     * @throws IOException     if main.cf cannot be read (the exception names the file)
     * @throws ConfigException on a syntax error or bad value
     */
    public static Config load(Path configDirectory, Map<String, String> overrides) throws IOException {
        return of(MainCf.read(configDirectory.resolve("main.cf")), overrides);
    }

    /** This configuration with more overrides on top; validated like the original. */
    public Config with(Map<String, String> overrides) {
        Map<String, Setting> settings = new LinkedHashMap<>(explicit);
        putOverrides(settings, overrides, OVERRIDE);
        return new Config(settings, fileWarnings, this);
    }

    /** The unexpanded value as set, else the default; null for an unknown parameter that is not set. */
    public String raw(String name) {
        Setting setting = explicit.get(name);
        return setting != null ? setting.value() : defaults.get(name);
    }

    /** The explicitly set raw values (main.cf and overrides), as {@code postconf -n} shows them. */
    public Map<String, String> explicit() {
        Map<String, String> values = new LinkedHashMap<>();
        explicit.forEach((name, setting) -> values.put(name, setting.value()));
        return Collections.unmodifiableMap(values);
    }

    /** True when the parameter was set in main.cf or by an override. */
    public boolean isSet(String name) {
        return explicit.containsKey(name);
    }

    /** The value with every $name expanded (recursively), trimmed. */
    public String get(Parameter p) {
        String value = expanded.get(p.name());
        if (value != null) {
            return value;
        }
        // A Parameter from outside the table: its own default applies when it is not set.
        String raw = explicit.containsKey(p.name()) ? explicit.get(p.name()).value() : p.defaultValue();
        return expand(p.name(), raw).strip();
    }

    /**
     * The expanded value of any parameter by name, as {@code postconf -x} shows it: a known one
     * (set or default), or one defined only in main.cf; null when neither.
     */
    public String expanded(String name) {
        String value = expanded.get(name);
        if (value != null) {
            return value;
        }
        Setting setting = explicit.get(name);
        return setting == null ? null : expand(name, setting.value()).strip();
    }

    /** A yes/no value (also true/false, any case). */
    public boolean bool(Parameter p) {
        return parseBoolean(p, get(p));
    }

    /** An integer within the parameter's bounds. */
    public long integer(Parameter p) {
        return parseInteger(p, get(p));
    }

    /** A time such as "300s" or "5d"; a bare number is in the parameter's default unit. */
    public Duration time(Parameter p) {
        return Duration.ofSeconds(parseTime(p, get(p)));
    }

    /** A size in bytes. */
    public long size(Parameter p) {
        return parseSize(p, get(p));
    }

    /**
     * The items of a list, split on commas and/or whitespace, empty items dropped. Text in braces
     * stays one item with its separators, as Postfix's mystrtokq keeps {@code inline:{ a=b, c=d }}
     * and {@code static:{user:pass word}} whole.
     */
    public List<String> list(Parameter p) {
        return splitList(get(p));
    }

    /** Splits a list value as {@link #list} does. */
    public static List<String> splitList(String value) {
        List<String> items = new ArrayList<>();
        int level = 0;
        int start = -1;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean separator = level == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n');
            if (c == '{') {
                level++;
            } else if (c == '}' && level > 0) {
                level--;
            }
            if (separator) {
                if (start >= 0) {
                    items.add(value.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            items.add(value.substring(start));
        }
        return Collections.unmodifiableList(items);
    }

    /** Warnings found while loading: main.cf syntax and unused parameters, each naming its source. */
    public List<String> warnings() {
        return warnings;
    }

    // ---- construction ------------------------------------------------------------------------

    private static void putOverrides(Map<String, Setting> settings, Map<String, String> overrides, String source) {
        Objects.requireNonNull(overrides, "overrides");
        overrides.forEach((name, value) -> {
            if (name == null || name.isBlank()) {
                throw new ConfigException(source + ": missing parameter name (value \"" + value + "\")");
            }
            if (value != null) {
                settings.put(name.strip(), new Setting(value.strip(), source));
            }
        });
    }

    private static Map<String, String> effectiveDefaults(Map<String, Setting> explicit) {
        Map<String, String> defaults = new HashMap<>();
        for (Parameter p : Parameters.all()) {
            defaults.put(p.name(), p.defaultValue());
        }
        String mydomain = Parameters.MYDOMAIN.name();
        String myhostname = Parameters.MYHOSTNAME.name();
        if (explicit.containsKey(myhostname) && !explicit.containsKey(mydomain)) {
            // As Postfix: the mydomain default follows the configured myhostname, not the machine's.
            try {
                String host = new Expansion(name -> {
                    Setting s = explicit.get(name);
                    return s != null ? s.value() : defaults.get(name);
                }).expandParameter(myhostname).strip();
                defaults.put(mydomain, HostName.domainOf(host));
            } catch (ConfigException e) {
                // myhostname itself is broken: validation reports it with the right source next
            }
        }
        return Collections.unmodifiableMap(defaults);
    }

    private Map<String, String> expandAndValidate() {
        Map<String, String> values = new HashMap<>();
        Expansion expansion = new Expansion(this::raw);   // one for all: each parameter is expanded once
        for (Parameter p : Parameters.all()) {
            String value = expand(expansion, p.name()).strip();
            validate(p, value);
            values.put(p.name(), value);
        }
        return Collections.unmodifiableMap(values);
    }

    private String expand(String name, String raw) {
        return expand(new Expansion(this::raw), name, raw);
    }

    private String expand(Expansion expansion, String name) {
        return expand(expansion, name, null);
    }

    /** Expands raw (null: the parameter's own value, remembered by the expansion) as the value of name. */
    private String expand(Expansion expansion, String name, String raw) {
        try {
            return raw == null ? expansion.expandParameter(name) : expansion.expandAs(name, raw);
        } catch (ConfigException e) {
            // Name the parameter whose value holds the bad text (it may be one that name refers to).
            // In a loop, the first member that was set (a loop of defaults alone cannot happen).
            String where = e instanceof Expansion.Failure f
                    ? f.loop.stream().filter(explicit::containsKey).findFirst().orElse(f.parameter) : name;
            throw new ConfigException(source(where) + ": parameter " + where + ": " + e.getMessage()
                    + (where.equals(name) ? "" : " (expanding $" + where + " in the value of " + name + ")"), e);
        }
    }

    private void validate(Parameter p, String value) {
        switch (p.type()) {
            case BOOLEAN -> parseBoolean(p, value);
            case INTEGER -> parseInteger(p, value);
            case TIME -> parseTime(p, value);
            case SIZE -> parseSize(p, value);
            case STRING, LIST -> {
                // free text
            }
        }
    }

    private List<String> collectWarnings() {
        List<String> result = new ArrayList<>(fileWarnings);
        // A name that some value refers to is a user-defined parameter, not a typo (as postconf sees it).
        Set<String> referenced = new HashSet<>();
        for (Parameter p : Parameters.all()) {
            referenced.addAll(Expansion.references(raw(p.name())));
        }
        explicit.values().forEach(s -> referenced.addAll(Expansion.references(s.value())));
        explicit.forEach((name, setting) -> {
            if (Parameters.byName(name).isEmpty() && !referenced.contains(name)) {
                result.add(setting.source() + ": unused parameter: " + name + "=" + setting.value());
            }
        });
        return result;
    }

    // ---- typed values --------------------------------------------------------------------------

    private boolean parseBoolean(Parameter p, String value) {
        String v = value.toLowerCase(java.util.Locale.ROOT);
        if (v.equals("yes") || v.equals("true")) {
            return true;
        }
        if (v.equals("no") || v.equals("false")) {
            return false;
        }
        throw bad(p, "boolean", value, "yes or no");
    }

    private long parseInteger(Parameter p, String value) {
        if (!INTEGER.matcher(value).matches()) {
            throw bad(p, "numerical", value, "an integer");
        }
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw bad(p, "numerical", value, "an integer");
        }
        checkRange(p, "numerical", value, n, "");
        return n;
    }

    /** Seconds. */
    private long parseTime(Parameter p, String value) {
        Matcher m = TIME.matcher(value);
        char unit = m.matches() && !m.group(2).isEmpty() ? m.group(2).charAt(0)
                : p.timeUnit() != 0 ? p.timeUnit() : 's';
        long perUnit = TimeUnits.seconds(unit);
        if (!m.matches() || perUnit < 0) {
            throw bad(p, "time", value, "a number with optional unit s, m, h, d or w");
        }
        long seconds;
        try {
            seconds = Math.multiplyExact(Long.parseLong(m.group(1)), perUnit);
        } catch (ArithmeticException | NumberFormatException e) {
            throw bad(p, "time", value, p.max() == Long.MAX_VALUE ? "a smaller time" : "at most " + p.max() + "s");
        }
        checkRange(p, "time", value, seconds, "s");
        return seconds;
    }

    private long parseSize(Parameter p, String value) {
        long n;
        try {
            if (!SIZE.matcher(value).matches()) {
                throw new NumberFormatException();
            }
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw bad(p, "size", value, "a byte count, a plain non-negative integer");
        }
        checkRange(p, "size", value, n, "");
        return n;
    }

    private void checkRange(Parameter p, String kind, String value, long n, String unit) {
        if (n < p.min() || n > p.max()) {
            throw bad(p, kind, value, range(p, unit).substring(1));
        }
    }

    /** " between 1 and 4", " at least 1s", ... with a leading space; "" when unbounded. */
    private static String range(Parameter p, String unit) {
        boolean low = p.min() != Long.MIN_VALUE;
        boolean high = p.max() != Long.MAX_VALUE;
        if (low && high) {
            return " between " + p.min() + unit + " and " + p.max() + unit;
        }
        if (low) {
            return " at least " + p.min() + unit;
        }
        return high ? " at most " + p.max() + unit : "";
    }

    /**
     * The error for a value that a component found unusable beyond its type's syntax (a bad
     * destination in relayhost, an unknown word in inet_protocols), worded as every other bad value.
     */
    public ConfigException invalid(Parameter p, String value, String expected) {
        return bad(p, p.type().name().toLowerCase(java.util.Locale.ROOT), value, expected);
    }

    private ConfigException bad(Parameter p, String kind, String value, String expected) {
        String raw = raw(p.name());
        String shown = "\"" + value + "\"" + (raw != null && !raw.strip().equals(value)
                ? " (expanded from \"" + raw + "\")" : "");
        return new ConfigException(source(p.name()) + ": bad " + kind + " value for parameter " + p.name()
                + ": " + shown + " (expected " + expected + ")");
    }

    /** Where a value came from: the main.cf path, "override", or "default". */
    private String source(String name) {
        Setting setting = explicit.get(name);
        return setting != null ? setting.source() : "default";
    }
}
