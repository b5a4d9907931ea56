/**
 * The public API of Postrelay: all an application sees.
 *
 * <p>An application obtains a {@link org.postrelay.api.RelayConnectionFactory} (by JNDI inside an
 * application server, or from {@code Master.connectionFactory()} when embedded), opens a
 * {@link org.postrelay.api.RelayConnection} and sends. {@code send} returns the queue id once the
 * message is durable in the spool; delivery to the {@code relayhost} happens later, with Postfix's
 * retry, back-off and bounce behaviour.
 *
 * <p>Errors: {@link org.postrelay.api.MessageRejectedException} is permanent (fix the message or
 * the configuration; sending it again will fail again); {@link
 * org.postrelay.api.TemporaryFailureException} means the spool cannot take mail right now (disk
 * full, unwritable, shutting down) and the same message may be sent again later.
 */
package org.postrelay.api;
