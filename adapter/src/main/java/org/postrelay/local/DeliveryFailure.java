package org.postrelay.local;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Why a mailbox could not be updated, with the enhanced status code Postfix gives it; the message is
 * Postfix's text ("error writing message: File too large").
 */
final class DeliveryFailure extends Exception {

    private final String dsn;

    DeliveryFailure(String dsn, String text) {
        super(text, null, false, false);
        this.dsn = dsn;
    }

    String dsn() {
        return dsn;
    }

    /** strerror()'s words for an I/O exception, as Postfix's {@code %m} prints them. */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof NotDirectoryException) {
            return "Not a directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "File exists";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /**
     * Postfix's mbox_dsn(): a busy resource is 4.2.0, a full file system 4.3.0, a full mailbox
     * (quota, file size limit) 5.2.2; anything else gets {@code otherwise}.
     */
    static String dsn(String reason, String otherwise) {
        if (reason.contains("Resource temporarily unavailable") || reason.contains("Stale file handle")) {
            return "4.2.0";
        }
        if (reason.contains("No space left on device")) {
            return "4.3.0";
        }
        if (reason.contains("Disk quota exceeded") || reason.contains("File too large")) {
            return "5.2.2";
        }
        return otherwise;
    }

    /** A failure for an I/O exception: {@code what: reason}, its dsn as mbox_dsn() gives it. */
    static DeliveryFailure of(String what, IOException e, String otherwise) {
        String reason = reason(e);
        return new DeliveryFailure(dsn(reason, otherwise), what + ": " + reason);
    }
}
