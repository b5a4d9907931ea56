package org.postrelay.queue;

/** A recipient's state as written in its queue file; anything but PENDING is done. */
public enum RecipientStatus {
    PENDING('P'),
    DELIVERED('D'),
    BOUNCED('B');

    private final byte code;

    RecipientStatus(char code) {
        this.code = (byte) code;
    }

    /** The status byte in the recipient record (ASCII, so a hex dump reads it). */
    byte code() {
        return code;
    }

    /** The status for a status byte, or null when the byte is none of ours. */
    static RecipientStatus fromCode(byte code) {
        for (RecipientStatus s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return null;
    }
}
