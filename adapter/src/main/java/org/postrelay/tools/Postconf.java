package org.postrelay.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.postrelay.config.Config;
import org.postrelay.config.ConfigException;
import org.postrelay.config.MainCf;
import org.postrelay.config.MainCfEdit;
import org.postrelay.config.Parameters;

/**
 * postconf(1) for Postrelay's main.cf: shows parameters ({@code postconf}, {@code postconf NAME},
 * {@code -n}, {@code -d}, {@code -h}, {@code -x}) and edits them in place ({@code -e}, {@code -#},
 * {@code -X}), with Postfix's flags and output; unlike Postfix it refuses an edit that would give a
 * known parameter a bad value.
 */
public final class Postconf {

    private static final String USAGE = "usage: postconf [-c config_dir] [-d] [-h] [-n] [-x] [parameter ...]\n"
            + "       postconf [-c config_dir] -e name=value ...\n"
            + "       postconf [-c config_dir] -# name ...\n"
            + "       postconf [-c config_dir] -X name ...";

    private final PrintStream out;
    private final PrintStream err;

    private Postconf(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        Commands.quietLogging();
        System.exit(run(List.of(args), System.getenv(), System.out, System.err));
    }

    /** Runs one postconf command line; returns the exit status. */
    public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        Postconf postconf = new Postconf(out, err);
        try {
            return postconf.execute(new Getopt("c:dehnxX#", args), env);
        } catch (Getopt.UsageException e) {
            err.println("postconf: " + e.getMessage());
            err.println(USAGE);
            return 1;
        } catch (Commands.Fatal | ConfigException e) {
            err.println("postconf: fatal: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("postconf: fatal: " + Commands.describe(e));
            return 1;
        }
    }

    private int execute(Getopt options, Map<String, String> env) throws IOException, Commands.Fatal {
        ConfigDirectory directory = ConfigDirectory.of(options.value('c'), env);
        if (options.has('e')) {
            return edit(directory, options.operands(), Edit.SET);
        }
        if (options.has('#')) {
            return edit(directory, options.operands(), Edit.COMMENT_OUT);
        }
        if (options.has('X')) {
            return edit(directory, options.operands(), Edit.REMOVE);
        }
        boolean defaults = options.has('d');
        Config config = defaults ? Config.defaults() : directory.load();
        if (!defaults) {
            config.warnings().forEach(w -> err.println("postconf: warning: " + w));
        }
        List<String> names = new ArrayList<>();
        if (!options.operands().isEmpty()) {
            names.addAll(options.operands());
        } else if (options.has('n')) {
            new TreeSet<>(config.explicit().keySet()).stream()
                    .filter(n -> Parameters.byName(n).isPresent()).forEach(names::add);
        } else {
            Parameters.all().stream().map(p -> p.name()).sorted().forEach(names::add);
        }
        for (String name : names) {
            if (Parameters.byName(name).isEmpty()) {
                err.println("postconf: warning: " + name + ": unknown parameter");
                continue;
            }
            String value = options.has('x') ? config.expanded(name) : config.raw(name);
            if (options.has('h')) {
                out.println(value);
            } else {
                out.println(value.isEmpty() ? name + " =" : name + " = " + value);
            }
        }
        return 0;
    }

    private enum Edit { SET, COMMENT_OUT, REMOVE }

    private int edit(ConfigDirectory directory, List<String> operands, Edit edit) throws IOException, Commands.Fatal {
        Path file = directory.mainCf();
        MainCf mainCf = MainCf.read(file);
        String text;
        switch (edit) {
            case SET -> {
                Map<String, String> values = new LinkedHashMap<>();
                for (String operand : operands) {
                    int equals = operand.indexOf('=');
                    if (equals < 0) {
                        throw new Commands.Fatal("missing '=' after attribute name: \"" + operand.strip() + "\"");
                    }
                    values.put(operand.substring(0, equals).strip(), operand.substring(equals + 1).strip());
                }
                text = MainCfEdit.set(mainCf, values);
            }
            case COMMENT_OUT -> text = MainCfEdit.commentOut(mainCf, operands);
            case REMOVE -> text = MainCfEdit.remove(mainCf, operands);
            default -> throw new IllegalStateException(edit.toString());
        }
        // Refuse, before writing, what the relay would refuse at its next start.
        Config.of(MainCf.parse(text, file.toString()), directory.overrides());
        Commands.replaceAtomically(file, text);
        return 0;
    }
}
