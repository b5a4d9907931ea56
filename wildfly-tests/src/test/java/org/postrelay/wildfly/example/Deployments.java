package org.postrelay.wildfly.example;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;

/** The example EAR as the build produced it (ear-example/ear), deployed as is. */
final class Deployments {

    /** Where the EAR is; the build may say so with -Dpostrelay.example.ear=PATH. */
    static final String EAR = System.getProperty("postrelay.example.ear",
            "../ear-example/ear/target/postrelay-example.ear");

    private Deployments() {
    }

    static EnterpriseArchive exampleEar() {
        File ear = new File(EAR);
        if (!ear.isFile()) {
            throw new IllegalStateException("no example EAR at " + ear.getAbsolutePath()
                    + ": build ear-example first (./mvnw install -pl ear-example/ear -am)");
        }
        return ShrinkWrap.createFromZipFile(EnterpriseArchive.class, ear);
    }
}
