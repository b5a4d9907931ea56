package org.postrelay.queue;

/** One envelope recipient: its position in the queue file (0-based), address and done state. */
public record Recipient(int index, String address, RecipientStatus status) {
}
