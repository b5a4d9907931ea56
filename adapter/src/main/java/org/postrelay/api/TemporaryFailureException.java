package org.postrelay.api;

/**
 * The relay cannot take the message now (spool full or unwritable, engine stopping); nothing was
 * accepted, and the same message can be sent again later.
 */
public class TemporaryFailureException extends RelayException {

    private static final long serialVersionUID = 1L;

    public TemporaryFailureException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTemporary() {
        return true;
    }
}
