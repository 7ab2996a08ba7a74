package io.dynup.lua.lib;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.dynup.internal.Ticker;

/**
 * One {@code lua_shared_dict}: a byte-bounded store shared by every VM, with OpenResty's semantics
 * ({@code ngx_http_lua_shdict.c}): values are strings (bytes), numbers (doubles) or booleans with user flags and
 * an optional expiry; expired entries stay readable by {@code get_stale} until they are evicted or flushed; when
 * a store does not fit, {@code set} evicts the least recently used entries (and says so, "forcible") while
 * {@code safe_set} fails with "no memory".
 *
 * <p>Every entry costs its key and value bytes plus {@link #ENTRY_OVERHEAD}, about what nginx's slab node
 * takes, and every element of a list {@link #LIST_NODE_OVERHEAD} more. Access is rare next to a request's other work, so one monitor guards it all, as OpenResty's shm mutex
 * does.
 */
final class SharedDict {

    /** Bytes accounted per entry besides its key and value (nginx: rbtree node + shdict node header). */
    static final int ENTRY_OVERHEAD = 64;
    /** Bytes accounted per list element besides its value (nginx: list node header). */
    static final int LIST_NODE_OVERHEAD = 32;
    /** nginx's {@code ngx_http_lua_shdict_expire(ctx, 0)} is tried this many times before "no memory". */
    private static final int MAX_FORCED_EVICTIONS = 30;

    static final int SET = 0;
    static final int ADD = 1;
    static final int REPLACE = 2;
    static final int SAFE = 4;

    /** A stored value: {@code byte[]}, {@link Double}, {@link Boolean}, or a list ({@link #isList}). */
    record Value(Object value, int flags, boolean stale) {
        boolean isList() {
            return value instanceof Deque;
        }
    }

    /** The outcome of a list operation: a length or a value (or null), or an error. */
    record Listed(@Nullable Object value, @Nullable String error) {
    }

    record Stored(boolean ok, @Nullable String error, boolean forcible) {
    }

    /** The outcome of {@code incr}: the new value, or an error. */
    record Incremented(double value, @Nullable String error, boolean forcible) {
    }

    private static final class Entry {
        /** {@code byte[]}, {@link Double}, {@link Boolean} or a {@code Deque} of {@code byte[]} and Double. */
        final Object value;
        final int flags;
        /** Ticker nanos at which it expires; 0 = never. */
        long expires;
        /** Key, value and overhead bytes; a list's grows and shrinks with it. */
        int size;

        Entry(String key, Object value, int flags, long expires) {
            this.value = value;
            this.flags = flags;
            this.expires = expires;
            this.size = sizeOf(key, value);
        }
    }

    private final String name;
    private final long capacity;
    private final Ticker ticker;
    /** In access order: the first entry is the least recently used. Keys are Lua strings as Latin-1. */
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long used;

    SharedDict(String name, long capacity, Ticker ticker) {
        this.name = name;
        this.capacity = capacity;
        this.ticker = ticker;
    }

    String name() {
        return name;
    }

    /** {@code get} (stale false: expired entries read as missing) or {@code get_stale}; null when missing. */
    synchronized @Nullable Value get(String key, boolean stale) {
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        boolean expired = expired(e, ticker.read());
        if (expired && !stale) {
            return null;
        }
        return new Value(e.value, e.flags, expired);
    }

    /**
     * {@code set}, {@code add}, {@code replace} and their {@code safe_} forms ({@code op} | {@link #SAFE}); a
     * null value deletes.
     *
     * @param exptime seconds; 0 = never
     */
    synchronized Stored store(int op, String key, @Nullable Object value, double exptime, int flags) {
        long now = ticker.read();
        Entry old = entries.get(key);
        boolean live = old != null && !expired(old, now);
        if ((op & REPLACE) != 0 && !live) {
            return new Stored(false, "not found", false);
        }
        if ((op & ADD) != 0 && live) {
            return new Stored(false, "exists", false);
        }
        if (old != null) {
            remove(key);
        }
        if (value == null) {
            return new Stored(true, null, false);
        }
        Entry e = new Entry(key, value, flags, expiry(now, exptime));
        Boolean forcible = makeRoom(e.size, (op & SAFE) != 0, now);
        if (forcible == null) {
            return new Stored(false, "no memory", false);
        }
        put(key, e);
        return new Stored(true, null, forcible);
    }

    /** {@code incr}: adds to a number; a missing key starts at {@code init} when given, expiring after initTtl. */
    synchronized Incremented incr(String key, double delta, @Nullable Double init, double initTtl) {
        long now = ticker.read();
        Entry old = entries.get(key);
        if (old != null && !expired(old, now)) {
            if (!(old.value instanceof Double)) {
                return new Incremented(0, "not a number", false);
            }
            double v = (Double) old.value + delta;
            Entry e = new Entry(key, v, old.flags, old.expires);
            remove(key);
            put(key, e);
            return new Incremented(v, null, false);
        }
        if (init == null) {
            return new Incremented(0, "not found", false);
        }
        if (old != null) {
            remove(key);
        }
        double v = init + delta;
        Entry e = new Entry(key, v, 0, expiry(now, initTtl));
        Boolean forcible = makeRoom(e.size, false, now);
        if (forcible == null) {
            return new Incremented(0, "no memory", false);
        }
        put(key, e);
        return new Incremented(v, null, forcible);
    }

    /**
     * {@code lpush} (head) or {@code rpush}: the list's new length. A missing or expired key starts a new list;
     * a value of another type is "value not a list". Pushing never evicts live entries (nginx: "no memory").
     */
    synchronized Listed push(String key, Object value, boolean head) {
        long now = ticker.read();
        Entry e = entries.get(key);
        if (e != null && expired(e, now)) {
            remove(key);
            e = null;
        }
        if (e != null && !(e.value instanceof Deque)) {
            return new Listed(null, "value not a list");
        }
        int grow = LIST_NODE_OVERHEAD + sizeOfElement(value);
        if (e == null) {
            Entry list = new Entry(key, new ArrayDeque<>(), 0, 0);
            if (makeRoom(list.size + grow, true, now) == null) {
                return new Listed(null, "no memory");
            }
            put(key, list);
            e = list;
        } else if (makeRoom(grow, true, now) == null) {
            return new Listed(null, "no memory");
        }
        @SuppressWarnings("unchecked")
        Deque<Object> list = (Deque<Object>) e.value;
        if (head) {
            list.addFirst(value);
        } else {
            list.addLast(value);
        }
        e.size += grow;
        used += grow;
        return new Listed((double) list.size(), null);
    }

    /** {@code lpop} (head) or {@code rpop}: the value, or null when there is none; an emptied list is removed. */
    synchronized Listed pop(String key, boolean head) {
        Entry e = entries.get(key);
        if (e == null || expired(e, ticker.read())) {
            return new Listed(null, null);
        }
        if (!(e.value instanceof Deque)) {
            return new Listed(null, "value not a list");
        }
        @SuppressWarnings("unchecked")
        Deque<Object> list = (Deque<Object>) e.value;
        Object value = head ? list.pollFirst() : list.pollLast();
        int shrink = LIST_NODE_OVERHEAD + sizeOfElement(value);
        e.size -= shrink;
        used -= shrink;
        if (list.isEmpty()) {
            remove(key);
        }
        return new Listed(value, null);
    }

    /** {@code llen}: the list's length, 0 when missing. */
    synchronized Listed length(String key) {
        Entry e = entries.get(key);
        if (e == null || expired(e, ticker.read())) {
            return new Listed(0.0, null);
        }
        if (!(e.value instanceof Deque)) {
            return new Listed(null, "value not a list");
        }
        return new Listed((double) ((Deque<?>) e.value).size(), null);
    }

    /** Seconds left (0 = never expires), null when the key is not there; an expired entry has a negative ttl. */
    synchronized @Nullable Double ttl(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        return e.expires == 0 ? 0.0 : (e.expires - ticker.read()) / 1e9;
    }

    /** Sets a new expiry (0 = never); false when the key is not there. */
    synchronized boolean expire(String key, double exptime) {
        Entry e = entries.get(key);
        if (e == null) {
            return false;
        }
        e.expires = expiry(ticker.read(), exptime);
        return true;
    }

    /** Live keys, most recently used first, at most {@code max} (0 = all). */
    synchronized List<String> keys(int max) {
        long now = ticker.read();
        // iterating does not reorder the map, reading entries would
        List<Map.Entry<String, Entry>> all = new ArrayList<>(entries.entrySet());
        List<String> out = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && (max <= 0 || out.size() < max); i--) {
            if (!expired(all.get(i).getValue(), now)) {
                out.add(all.get(i).getKey());
            }
        }
        return out;
    }

    /** Every entry expires now; they stay readable by {@code get_stale} until flushed or evicted. */
    synchronized void flushAll() {
        long now = ticker.read();
        for (Entry e : entries.values()) {
            e.expires = now;
        }
    }

    /** Removes expired entries, at most {@code max} (0 = all); answers how many. */
    synchronized int flushExpired(int max) {
        long now = ticker.read();
        int n = 0;
        for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            Entry e = it.next().getValue();
            if (expired(e, now)) {
                it.remove();
                used -= e.size;
                if (++n == max) {
                    break;
                }
            }
        }
        return n;
    }

    long capacity() {
        return capacity;
    }

    synchronized long freeSpace() {
        return capacity - used;
    }

    /**
     * Frees room for {@code size} bytes: expired entries at the LRU end first, then (unless {@code safe}) live
     * ones. Returns whether live entries were evicted, or null when it cannot fit.
     */
    private @Nullable Boolean makeRoom(int size, boolean safe, long now) {
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (used + size > capacity && it.hasNext()) {
            Entry e = it.next().getValue();
            if (!expired(e, now)) {
                break;
            }
            it.remove();
            used -= e.size;
        }
        if (used + size <= capacity) {
            return false;
        }
        if (safe) {
            return null;
        }
        it = entries.entrySet().iterator();
        for (int i = 0; i < MAX_FORCED_EVICTIONS && used + size > capacity && it.hasNext(); i++) {
            Entry e = it.next().getValue();
            it.remove();
            used -= e.size;
        }
        return used + size <= capacity ? Boolean.TRUE : null;
    }

    private void put(String key, Entry e) {
        entries.put(key, e);
        used += e.size;
    }

    private void remove(String key) {
        Entry e = entries.remove(key);
        if (e != null) {
            used -= e.size;
        }
    }

    private static boolean expired(@Nullable Entry e, long now) {
        return e != null && e.expires != 0 && e.expires - now <= 0;
    }

    private static long expiry(long now, double seconds) {
        if (seconds <= 0) {
            return 0;
        }
        long at = now + (long) (seconds * 1e9);
        return at == 0 ? 1 : at;
    }

    private static int sizeOf(String key, Object value) {
        return ENTRY_OVERHEAD + key.length() + (value instanceof Deque ? 0 : sizeOfElement(value));
    }

    private static int sizeOfElement(Object value) {
        return value instanceof byte[] ? ((byte[]) value).length : value instanceof Double ? 8 : 1;
    }

    @Override
    public synchronized String toString() {
        return "lua_shared_dict " + name + " (" + entries.size() + " keys, " + used + "/" + capacity + " bytes)";
    }
}
