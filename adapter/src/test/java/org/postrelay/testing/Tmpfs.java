package org.postrelay.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted for a disk-fault test (needs root and permission to mount, as in CI): it
 * can be filled up to the last byte and made unwritable (immutable, {@code chattr -R +i}: root
 * ignores file modes, and a read-only remount is refused while files are open for writing).
 * Unmounted by {@link #close()}. A test that cannot mount is skipped with the reason.
 */
public final class Tmpfs implements AutoCloseable {

    private final Path mountPoint;
    private final Path filler;

    private Tmpfs(Path mountPoint) {
        this.mountPoint = mountPoint;
        this.filler = mountPoint.resolve("filler");
    }

    /** Mounts a tmpfs of {@code size} (mount's syntax: 4m) on the (existing, empty) directory. */
    public static Tmpfs mount(Path mountPoint, String size) throws IOException, InterruptedException {
        Files.createDirectories(mountPoint);
        String out = run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", mountPoint.toString());
        assumeTrue(out == null, () -> "this disk-fault test needs root and permission to mount a tmpfs "
                + "(as in CI); mount -t tmpfs failed: " + out);
        return new Tmpfs(mountPoint);
    }

    public Path path() {
        return mountPoint;
    }

    /** Fills the file system: writes a filler file until the write fails (no space left). */
    public void fill() throws IOException {
        byte[] chunk = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException expected) {
            // No space left on device: full
        }
        // the last partial page: single bytes until nothing more fits
        try (OutputStream out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
            while (true) {
                out.write(0);
                out.flush();
            }
        } catch (IOException expected) {
            // full to the byte
        }
    }

    /** Space returns: the filler is removed. */
    public void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    /** Every directory and file under {@code dir} made immutable (no create, write, rename or unlink, even for root). */
    public void makeUnwritable(Path dir) throws IOException, InterruptedException {
        chattr("+i", dir);
    }

    public void makeWritable(Path dir) throws IOException, InterruptedException {
        chattr("-i", dir);
    }

    /** Whether chattr can mark files immutable here (tmpfs supports it since Linux 6.0). */
    public boolean supportsImmutable() throws IOException, InterruptedException {
        Path probe = mountPoint.resolve("probe");
        Files.createDirectories(probe);
        try {
            return run("chattr", "+i", probe.toString()) == null && run("chattr", "-i", probe.toString()) == null;
        } finally {
            run("chattr", "-i", probe.toString());
            Files.deleteIfExists(probe);
        }
    }

    private static void chattr(String flag, Path dir) throws IOException, InterruptedException {
        // chattr -R stops at sockets and the like ("Operation not supported"): each path on its own
        List<Path> paths = new ArrayList<>();
        try (var walk = Files.walk(dir)) {
            walk.filter(p -> Files.isDirectory(p) || Files.isRegularFile(p)).forEach(paths::add);
        }
        if (flag.startsWith("+")) {
            java.util.Collections.reverse(paths);    // files first: a directory made immutable still lists them
        }
        for (Path p : paths) {
            run("chattr", flag, p.toString());
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        chattr("-i", mountPoint);
        String out = run("umount", mountPoint.toString());
        if (out != null) {
            run("umount", "-l", mountPoint.toString());  // something still holds it: detach lazily
        }
    }

    /** Runs a command; null when it succeeded, else its output and status. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", command) + ": timed out";
        }
        return p.exitValue() == 0 ? null : out + " (exit status " + p.exitValue() + ")";
    }
}
