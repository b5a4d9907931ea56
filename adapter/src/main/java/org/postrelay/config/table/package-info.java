/**
 * config.table — the lookup table implementations behind
 * {@link org.postrelay.config.LookupTables}, one class per Postfix dict type, plus what postmap
 * shares with them.
 *
 * <h2>Job</h2>
 * {@link org.postrelay.config.table.HashTable} ({@code hash:}, {@code btree:}, {@code lmdb:}) reads
 * the {@link org.postrelay.config.table.PrdbFile} index {@code FILE.prdb};
 * {@link org.postrelay.config.table.TexthashTable} parses the source with
 * {@link org.postrelay.config.table.SourceFile} (postmap's syntax: continuation lines, comments,
 * quoted keys); {@link org.postrelay.config.table.InlineTable} and
 * {@link org.postrelay.config.table.StaticTable} take their contents from the table name.
 * {@link org.postrelay.config.table.DictFlags} carries Postfix's per-open flags: case folding
 * ({@link org.postrelay.config.table.CaseFold}, off with postmap -f), the duplicate-key rule and
 * where warnings go. Every table is an immutable snapshot.
 *
 * <h2>Files</h2>
 * Read: {@code FILE.prdb} (hash:), {@code FILE} (texthash:, and its modification time for hash:'s
 * stale-index warning). Written (only through {@link org.postrelay.config.table.PrdbFile#writeAtomically},
 * by postmap): {@code FILE.prdb} via a temporary {@code .FILE.prdb.*.tmp} in the same directory.
 * Never read or written: Postfix's {@code FILE.db}.
 *
 * <h2>Diagnostics</h2>
 * In Postfix's words where it has them: {@code open database FILE.prdb: No such file or directory}
 * (plus how to build it), {@code database FILE.prdb is older than source file FILE} (a warning),
 * {@code FILE, line N: expected format: key whitespace value}, {@code duplicate entry: "key"}.
 * Warnings and errors never quote a source line's value or an inline/static table's values: they
 * may be passwords. Reads no parameters.
 */
package org.postrelay.config.table;
