package org.postrelay.qmgr;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import org.postrelay.api.RelayAdmin.Delivery;

/** The latest delivery results, newest first, in a bounded ring for status pages. */
public final class DeliveryHistory {

    private final int capacity;
    private final Deque<Delivery> latest = new ArrayDeque<>();

    public DeliveryHistory(int capacity) {
        this.capacity = capacity;
    }

    synchronized void add(Delivery delivery) {
        if (latest.size() == capacity) {
            latest.removeLast();
        }
        latest.addFirst(delivery);
    }

    public synchronized List<Delivery> latest(int max) {
        List<Delivery> list = new ArrayList<>(Math.min(max, latest.size()));
        Iterator<Delivery> it = latest.iterator();
        while (it.hasNext() && list.size() < max) {
            list.add(it.next());
        }
        return list;
    }
}
