package org.postrelay.api;

/** Why a message was not accepted; see the two subclasses for permanent and temporary causes. */
public abstract class RelayException extends Exception {

    private static final long serialVersionUID = 1L;

    protected RelayException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether sending the same message again can succeed later. */
    public abstract boolean isTemporary();
}
