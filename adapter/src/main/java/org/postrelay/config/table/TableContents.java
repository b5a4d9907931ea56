package org.postrelay.config.table;

import java.util.List;
import java.util.Map;
import org.postrelay.config.LookupTable;

/** A table whose records can be listed (postmap -s); static: cannot, as in Postfix. */
public interface TableContents extends LookupTable {

    /** Every record, keys as stored (folded unless built with postmap -f), in table order. */
    List<Map.Entry<String, String>> entries();
}
