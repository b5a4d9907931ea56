package org.postrelay.local;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Another process holding an fcntl() lock on a file, for MailboxDeliveryTest: locks the file named
 * by its argument, prints "locked", and keeps the lock until its standard input closes.
 */
public final class FcntlLockHolder {

    private FcntlLockHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE);
             FileLock lock = channel.lock()) {
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold until the test closes our input (or dies)
            }
        }
    }
}
