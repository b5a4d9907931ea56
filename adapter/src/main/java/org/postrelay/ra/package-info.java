/**
 * ra — the Jakarta Connectors 2.1 shell around the engine: translate and delegate, nothing more.
 *
 * <p>{@link org.postrelay.ra.PostrelayResourceAdapter} starts the engine's
 * {@link org.postrelay.master.Master} on the container's WorkManager in {@code start} and stops it
 * in {@code stop} (deliveries in flight finish or stay queued). Its config properties are every
 * Postfix parameter in lowerCamelCase ({@link org.postrelay.ra.ParameterProperties}) plus
 * {@code mainCf}; {@code queue_directory} defaults to {@code ${jboss.server.data.dir}/postrelay}.
 *
 * <p>{@link org.postrelay.ra.PostrelayManagedConnectionFactory} gives applications a
 * {@link org.postrelay.api.RelayConnectionFactory}; each pooled
 * {@link org.postrelay.ra.PostrelayManagedConnection} has a {@link javax.transaction.xa.XAResource}:
 * a send inside a JTA transaction is written durably to prepared/ and becomes visible to qmgr only
 * on commit; rollback deletes it; after a crash the transaction manager's recovery finds it.
 * Transaction support is declared as XATransaction.
 */
package org.postrelay.ra;
