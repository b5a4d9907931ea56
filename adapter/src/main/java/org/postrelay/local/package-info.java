/**
 * local — the {@code local_transport} for recipients whose domain is in {@code mydestination}.
 *
 * <p>Parameters: {@code local_transport} (default here {@code error:local delivery is disabled},
 * the null-client setting; Postfix's own default is {@code local:$myhostname}),
 * {@code mydestination} (default empty: nothing is local).
 *
 * <p>{@code error:TEXT} bounces each local recipient with status 5.0.0 and TEXT; submissions
 * through the API are refused up front with the same text, since they could only bounce.
 * {@code discard:TEXT} marks them delivered and logs {@code status=sent (TEXT)}.
 *
 * <p>Diagnostics: any other transport is a configuration error at start-up naming
 * {@code local_transport} and its value.
 */
package org.postrelay.local;
