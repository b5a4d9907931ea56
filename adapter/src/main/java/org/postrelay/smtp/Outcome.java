package org.postrelay.smtp;

/** What became of one recipient in one delivery attempt: Postfix's status=sent, deferred or bounced. */
public enum Outcome {
    SENT,
    DEFERRED,
    BOUNCED
}
