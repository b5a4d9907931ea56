package org.postrelay.example.web;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import org.postrelay.api.RelayAdmin;
import org.postrelay.api.RelayException;
import org.postrelay.example.ejb.MailService;

/**
 * The example's JSON endpoints.
 *
 * <ul>
 *   <li>{@code POST /api/send} with {@code {"from","to","subject","text","rollback"}} →
 *       {@code {"queueId": "...", "committed": true|false}}; 400 for a rejected message, 503 when
 *       the relay cannot take mail now, each with {@code {"error": "..."}}</li>
 *   <li>{@code GET /api/queue} → the messages still queued, as {@code mailq} lists them</li>
 *   <li>{@code GET /api/deliveries?max=50} → the latest delivery attempts, newest first</li>
 * </ul>
 */
@Path("/")
@RequestScoped // a CDI bean, so that the container injects the EJB
@Produces(MediaType.APPLICATION_JSON)
public class MailResource {

    @EJB
    private MailService mail;

    @POST
    @Path("send")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response send(JsonObject request) {
        String from = request.getString("from", "");
        String to = request.getString("to", "");
        String subject = request.getString("subject", "");
        String text = request.getString("text", "");
        boolean rollback = request.getBoolean("rollback", false);
        try {
            String queueId = rollback
                    ? mail.sendThenRollBack(from, to, subject, text)
                    : mail.send(from, to, subject, text);
            return Response.ok(Json.createObjectBuilder()
                    .add("queueId", queueId)
                    .add("committed", !rollback)
                    .build()).build();
        } catch (RelayException e) {
            return error(e.isTemporary() ? Response.Status.SERVICE_UNAVAILABLE : Response.Status.BAD_REQUEST,
                    e.getMessage());
        }
    }

    @GET
    @Path("queue")
    public Response queue() {
        try {
            JsonArrayBuilder list = Json.createArrayBuilder();
            for (RelayAdmin.QueuedMessage m : mail.queue()) {
                JsonArrayBuilder recipients = Json.createArrayBuilder();
                m.recipients().forEach(recipients::add);
                JsonObjectBuilder o = Json.createObjectBuilder()
                        .add("queueId", m.queueId())
                        .add("queue", m.queue())
                        .add("size", m.size())
                        .add("arrival", text(m.arrival()))
                        .add("sender", m.sender())
                        .add("recipients", recipients);
                if (m.reason() != null) {
                    o.add("reason", m.reason());
                }
                list.add(o);
            }
            return Response.ok(list.build()).build();
        } catch (RelayException e) {
            return error(Response.Status.SERVICE_UNAVAILABLE, e.getMessage());
        }
    }

    @GET
    @Path("deliveries")
    public Response deliveries(@QueryParam("max") @DefaultValue("50") int max) {
        try {
            JsonArrayBuilder list = Json.createArrayBuilder();
            for (RelayAdmin.Delivery d : mail.recentDeliveries(Math.max(1, Math.min(max, 1000)))) {
                list.add(Json.createObjectBuilder()
                        .add("time", text(d.time()))
                        .add("queueId", d.queueId())
                        .add("recipient", d.recipient())
                        .add("relay", nonNull(d.relay()))
                        .add("dsn", nonNull(d.dsn()))
                        .add("status", d.status())
                        .add("text", nonNull(d.text())));
            }
            return Response.ok(list.build()).build();
        } catch (RelayException e) {
            return error(Response.Status.SERVICE_UNAVAILABLE, e.getMessage());
        }
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status)
                .entity(Json.createObjectBuilder().add("error", nonNull(message)).build())
                .type(MediaType.APPLICATION_JSON)
                .build();
    }

    private static String text(Instant instant) {
        return instant == null ? "" : instant.toString();
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
