package org.postrelay.cleanup;

import org.postrelay.api.MessageRejectedException;

/** A message over {@code message_size_limit}: smtpd answers it with Postfix's 552 5.3.4. */
public final class MessageTooLargeException extends MessageRejectedException {

    private static final long serialVersionUID = 1L;

    public MessageTooLargeException(String message) {
        super(message);
    }
}
