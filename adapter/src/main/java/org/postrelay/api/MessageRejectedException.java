package org.postrelay.api;

/**
 * A permanent rejection: a malformed address, header injection, a message over
 * {@code message_size_limit}, a recipient whose local delivery is disabled. The message says what
 * to fix; sending the same message again fails the same way.
 */
public class MessageRejectedException extends RelayException {

    private static final long serialVersionUID = 1L;

    public MessageRejectedException(String message) {
        super(message, null);
    }

    public MessageRejectedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTemporary() {
        return false;
    }
}
