package org.postrelay.config;

/**
 * A configuration that cannot be used: a main.cf syntax error, or a value that does not fit its
 * parameter. The message names the source (file and line, or "override"), the parameter, the
 * value and what was expected, so the admin can fix it without reading code.
 */
public class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
