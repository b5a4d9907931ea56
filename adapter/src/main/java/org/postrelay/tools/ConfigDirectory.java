package org.postrelay.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.postrelay.config.Config;
import org.postrelay.config.Parameters;

/**
 * Where a command finds main.cf, as Postfix's commands do: {@code -c DIR}, else
 * {@code $MAIL_CONFIG}, else {@code config_directory}'s default.
 *
 * @param explicit whether the directory was named (then it is config_directory's value)
 */
record ConfigDirectory(Path path, boolean explicit) {

    static ConfigDirectory of(String option, Map<String, String> env) {
        if (option != null) {
            return new ConfigDirectory(Path.of(option), true);
        }
        String fromEnv = env.get("MAIL_CONFIG");
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return new ConfigDirectory(Path.of(fromEnv), true);
        }
        return new ConfigDirectory(Path.of(Parameters.CONFIG_DIRECTORY.defaultValue()), false);
    }

    Path mainCf() {
        return path.resolve("main.cf");
    }

    /** A directory named on the command line is config_directory's value, as Postfix shows it. */
    Map<String, String> overrides() {
        return explicit ? Map.of(Parameters.CONFIG_DIRECTORY.name(), path.toString()) : Map.of();
    }

    Config load() throws IOException {
        try {
            return Config.load(path, overrides());
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(mainCf().toString(), null, "No such file or directory");
        }
    }

    /** queue_directory of the configuration; fatal when it does not exist (no spool to look at). */
    static Path queueDirectory(Config config) throws Commands.Fatal {
        Path queue = Path.of(config.get(Parameters.QUEUE_DIRECTORY));
        if (!Files.isDirectory(queue)) {
            throw new Commands.Fatal("chdir " + queue + ": No such file or directory");
        }
        return queue;
    }
}
