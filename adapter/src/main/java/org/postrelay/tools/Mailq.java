package org.postrelay.tools;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** mailq(1): {@code postqueue -p}, honouring {@code MAIL_CONFIG} (and {@code -c DIR}) as Postfix's does. */
public final class Mailq {

    private Mailq() {
    }

    public static void main(String[] args) {
        Commands.quietLogging();
        System.exit(run(List.of(args), System.getenv(), System.out, System.err));
    }

    public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        List<String> postqueue = new ArrayList<>(args);
        postqueue.add("-p");
        return Postqueue.run("mailq", postqueue, env, out, err);
    }
}
