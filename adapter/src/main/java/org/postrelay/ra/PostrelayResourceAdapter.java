package org.postrelay.ra;

import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;
import javax.transaction.xa.XAResource;
import org.postrelay.config.Config;
import org.postrelay.config.ConfigException;
import org.postrelay.config.MainCf;
import org.postrelay.master.Master;

/**
 * The resource adapter: a thin shell that starts the engine's {@link Master} on the container's
 * WorkManager in {@link #start} and stops it in {@link #stop}. Its config properties are the
 * Postfix parameters ({@link ParameterProperties}), plus {@code mainCf}, a main.cf used as the base.
 */
public class PostrelayResourceAdapter extends ParameterProperties implements ResourceAdapter {

    private static final Logger LOG = Logger.getLogger("org.postrelay.ra");

    private String mainCf;
    private volatile Master master;

    public void setMainCf(String mainCf) {
        this.mainCf = mainCf;
    }

    public String getMainCf() {
        return mainCf;
    }

    @Override
    public void start(BootstrapContext context) throws ResourceAdapterInternalException {
        try {
            Config config = configuration();
            master = Master.start(config, new WorkManagerWorkers(context.getWorkManager()));
            LOG.info("Postrelay started: relayhost = " + config.raw("relayhost") + ", queue_directory = "
                    + config.raw("queue_directory"));
        } catch (ConfigException e) {
            throw new ResourceAdapterInternalException("Postrelay configuration error: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ResourceAdapterInternalException("Postrelay cannot open its spool: " + e.getMessage(), e);
        }
    }

    /** main.cf (when named) < the config properties set; queue_directory under the server's data dir. */
    Config configuration() throws IOException {
        Map<String, String> overrides = new HashMap<>(parameters());
        if (!overrides.containsKey("queue_directory")) {
            String data = System.getProperty("jboss.server.data.dir", System.getProperty("java.io.tmpdir"));
            overrides.put("queue_directory", Path.of(data, "postrelay").toString());
        }
        if (mainCf == null || mainCf.isBlank()) {
            return Config.of(overrides);
        }
        return Config.of(MainCf.read(Path.of(mainCf)), overrides);
    }

    @Override
    public void stop() {
        Master running = master;
        master = null;
        if (running != null) {
            running.close();                             // in-flight deliveries finish or stay queued
        }
    }

    /** The running engine, for the managed connections. */
    Master master() throws ResourceException {
        Master running = master;
        if (running == null) {
            throw new ResourceException("Postrelay is not running: the resource adapter is stopped or failed to "
                    + "start (see the server log)");
        }
        return running;
    }

    @Override
    public void endpointActivation(MessageEndpointFactory factory, ActivationSpec spec) throws ResourceException {
        throw new NotSupportedException("Postrelay has no inbound messaging yet");
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory factory, ActivationSpec spec) {
        // nothing was activated
    }

    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) {
        return new XAResource[0];                        // recovery goes through the managed connections
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PostrelayResourceAdapter that && parameters().equals(that.parameters())
                && java.util.Objects.equals(mainCf, that.mainCf);
    }

    @Override
    public int hashCode() {
        return parameters().hashCode();
    }
}
