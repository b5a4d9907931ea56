package org.postrelay.qmgr;

import java.util.List;
import org.postrelay.queue.Recipient;

/** One delivery request: some recipients of one message, all for one nexthop. */
record DeliveryJob(ActiveMessage message, String nexthop, List<Recipient> recipients) {

    List<String> addresses() {
        return recipients.stream().map(Recipient::address).toList();
    }
}
