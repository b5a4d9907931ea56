package org.postrelay.smtpd;

import java.io.IOException;
import java.util.Locale;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.internal.server.HelpMessage;
import org.subethamail.smtp.server.Session;

/**
 * One SMTP command as SubEthaSMTP's command table wants it, running our handler instead of the
 * library's: checks the verb exactly (the library matches on the first four letters, so "DATAX"
 * would run DATA), marks the session busy while it runs, and counts it for the disconnect line.
 */
final class Verb implements Command {

    /** A command's work: replies through the session; {@code arguments} is the text after the verb. */
    interface Handler {
        void handle(SmtpdSession session, String arguments) throws IOException, DropConnectionException;
    }

    static final String NOT_RECOGNIZED = "502 5.5.2 Error: command not recognized";

    private final String name;
    private final SessionTracker tracker;
    private final Handler handler;

    Verb(String name, SessionTracker tracker, Handler handler) {
        this.name = name;
        this.tracker = tracker;
        this.handler = handler;
    }

    @Override
    public void execute(String commandString, Session session) throws IOException, DropConnectionException {
        SmtpdSession state = tracker.state(session);
        String line = commandString.strip();
        int space = line.indexOf(' ');
        String verb = space < 0 ? line : line.substring(0, space);
        if (!state.begin()) {
            state.quit = true;                                  // closed by us: not a lost connection
            throw new DropConnectionException(421, "4.3.2 Service shutting down, closing transmission channel");
        }
        state.lastVerb = name.toUpperCase(Locale.ROOT);            // "timeout after DATA" while it runs
        try {
            if (verb.equalsIgnoreCase(name)) {
                handler.handle(state, space < 0 ? "" : line.substring(space + 1).strip());
            } else {
                state.reply(NOT_RECOGNIZED);
            }
            state.count(name);
        } finally {
            state.end();
        }
    }

    @Override
    public HelpMessage getHelp() {
        return new HelpMessage(name, "");
    }

    @Override
    public String getName() {
        return name.toUpperCase(Locale.ROOT);
    }
}
