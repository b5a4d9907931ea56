package org.postrelay.example.web;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The JSON endpoints live under {@code /api} (see {@link MailResource}). */
@ApplicationPath("/api")
public class ExampleApplication extends Application {
}
