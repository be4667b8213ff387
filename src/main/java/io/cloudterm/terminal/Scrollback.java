package io.cloudterm.terminal;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The recent output of one terminal, kept off-heap to replay to a client that reattaches (or fell
 * behind): a ring of fixed-size pages from a {@link ScrollbackBudget}, at most {@link #capBytes()}
 * of them, the oldest page dropped whole when a new one is needed.
 *
 * <p>Positions are absolute offsets in the terminal's output stream: {@link #end()} counts every
 * byte ever appended and grows forever, {@link #start()} is the oldest byte still kept. A client
 * that says "I have everything up to N" is caught up with {@code copy(N, ...)}, and learns from
 * its result whether bytes between N and {@code start()} were dropped, so it can tell its user.
 *
 * <p>Whole pages rather than a byte-exact ring: dropping history and handing memory to another
 * terminal are then both one page moving, and the budget can take from any scrollback without
 * copying. The price is granularity: a scrollback keeps between {@code capBytes - pageSize} and
 * {@code capBytes} bytes (the cap is rounded down to whole pages), fewer when the global budget
 * takes pages back. Every page but the newest is full, so the page holding an offset is found by
 * division, O(1).
 *
 * <p>The first bytes of a terminal's output, up to {@link #openingBytes()} (256 of a 2 KiB page),
 * wait in a small array of the scrollback's own before it takes a page: most terminals of a busy
 * server print a prompt and sit idle, and a page held for those few bytes was an eighth of what an
 * idle terminal costs the server (2 KB of 16, bench {@code sessions} at 1,000 terminals of
 * {@code cat}). When they outgrow it they move into the first page, once, so every page but the
 * newest stays full and the arithmetic below holds. The array lives on the heap, outside the
 * budget: it is small, bounded, and one per scrollback.
 *
 * <p>Threads: one lock guards the ring; appends (from the terminal's reader) and copies (from
 * senders replaying history) take it for one memory copy of at most a page or one caller's chunk,
 * which is microseconds. A new page is fetched from the budget with the lock let go, because
 * getting it may mean taking the lock of another scrollback to make it give one up. Appends from
 * several threads at once are safe but may interleave; a terminal has one reader.
 */
public final class Scrollback {

    public static final int DEFAULT_CAP_BYTES = 1 << 20;
    /** Slots for pages at first; the ring grows to the cap as output comes (most terminals print little). */
    private static final int INITIAL_SLOTS = 4;

    private final ScrollbackBudget budget;
    private final ScrollbackBudget.Account account;
    private final int pageSize;
    private final int capBytes;
    private final int maxPages;
    private final int openingBytes;
    private final ReentrantLock lock = new ReentrantLock();

    // Guarded by lock; start and end are volatile so they can also be read without it.
    /**
     * The output so far while it fits in {@link #openingBytes} and no page is held, else null:
     * bytes {@code start} to {@code end}, from index 0, allocated on the first append.
     */
    private byte[] opening;
    /** A circular array: pages[head] is the oldest, pages[(head + count - 1) % length] the newest. */
    private ByteBuffer[] pages;
    private int head;
    private int count;
    /** Offset of byte 0 of pages[head]; equals end when no page is held. */
    private volatile long start;
    private volatile long end;
    private boolean released;

    /** A scrollback of at most {@code capBytes} (rounded down to whole pages, at least one). */
    public Scrollback(ScrollbackBudget budget, int capBytes) {
        this.budget = budget;
        this.pageSize = budget.pageSize();
        if (capBytes < pageSize) {
            throw new IllegalArgumentException("scrollback of " + capBytes + " bytes is less than one page ("
                    + pageSize + " bytes)");
        }
        this.capBytes = capBytes / pageSize * pageSize;
        this.maxPages = capBytes / pageSize;
        this.openingBytes = pageSize / 8;
        this.pages = new ByteBuffer[Math.min(maxPages, INITIAL_SLOTS)];
        this.account = budget.open(this);
    }

    /** The most bytes kept before the first page is taken (an eighth of a page). */
    public int openingBytes() {
        return openingBytes;
    }

    /** The cap in bytes, as rounded down to whole pages. */
    public int capBytes() {
        return capBytes;
    }

    /** Offset of the oldest byte kept. */
    public long start() {
        return start;
    }

    /** Offset just past the newest byte: how many bytes were ever appended. */
    public long end() {
        return end;
    }

    /** Whether bytes from {@code from} on were dropped already (a hint: start can move any time). */
    public boolean lost(long from) {
        return from < start;
    }

    /**
     * Appends the bytes between {@code bytes}' position and limit, leaving its position where it
     * was (the same buffer goes to every attached client). After {@link #release()}, does nothing.
     */
    public void append(ByteBuffer bytes) {
        int from = bytes.position();
        int left = bytes.remaining();
        while (left > 0) {
            lock.lock();
            try {
                if (released) {
                    return;
                }
                if (count == 0 && end - start + left <= openingBytes) {
                    if (opening == null) {
                        opening = new byte[openingBytes];
                        budget.openingHeld(openingBytes);
                    }
                    bytes.get(from, opening, (int) (end - start), left);
                    end += left;
                    return;
                }
                int room = tailRoom();
                if (room == 0 && count == maxPages) {
                    recycleOldest();
                    room = pageSize;
                }
                if (room > 0) {
                    int n = Math.min(room, left);
                    tail().put(pageSize - room, bytes, from, n);
                    end += n;
                    from += n;
                    left -= n;
                    continue;
                }
            } finally {
                lock.unlock();
            }
            ByteBuffer page = budget.take(account); // without our lock: it may lock a victim
            lock.lock();
            try {
                if (released || tailRoom() > 0 || count == maxPages) {
                    // Released meanwhile, or another appender linked a page first.
                    budget.giveBack(page);
                } else {
                    if (count == pages.length) {
                        growRing();
                    }
                    if (count == 0 && opening != null) {
                        // The opening bytes become the first page's, so that it is full from offset start.
                        page.put(0, opening, 0, (int) (end - start));
                        dropOpening();
                    }
                    pages[(head + count) % pages.length] = page;
                    count++;
                    budget.holding(account, count);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Copies kept bytes from offset {@code from} on into {@code into} (as many as fit, advancing its
     * position) and returns the offset of the first byte copied. That is {@code from} itself unless
     * bytes were dropped: then it is {@link #start()}, and the bytes in between are lost to the
     * caller. The next chunk starts at the result plus the bytes copied. An offset at or past
     * {@link #end()} copies nothing.
     */
    public long copy(long from, ByteBuffer into) {
        return copy(from, Long.MAX_VALUE, into);
    }

    /**
     * As {@link #copy(long, ByteBuffer)}, but no byte at or past offset {@code until}: a replay
     * copies the history as it was when its client attached, not the live output queued after it.
     */
    public long copy(long from, long until, ByteBuffer into) {
        lock.lock();
        try {
            long at = Math.max(from, start);
            long stop = Math.min(until, end);
            if (at >= stop) {
                return at;
            }
            int n = (int) Math.min(into.remaining(), stop - at);
            long relative = at - start;
            if (count == 0) {
                into.put(opening, (int) relative, n);
                return at;
            }
            int index = (int) (relative / pageSize);
            int offset = (int) (relative % pageSize);
            int position = into.position();
            while (n > 0) {
                int length = Math.min(n, pageSize - offset);
                into.put(position, pages[(head + index) % pages.length], offset, length);
                position += length;
                n -= length;
                index++;
                offset = 0;
            }
            into.position(position);
            return at;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Everything kept, from {@link #start()} to {@link #end()}, as one heap copy: for tests and
     * benchmarks. Clients are not replayed this way (a copy each would grow the heap per client).
     */
    public byte[] snapshot() {
        lock.lock();
        try {
            ByteBuffer all = ByteBuffer.allocate((int) (end - start));
            copy(start, all);
            return all.array();
        } finally {
            lock.unlock();
        }
    }

    /** Gives every page back to the budget and drops the history; later appends are ignored. */
    public void release() {
        lock.lock();
        try {
            if (released) {
                return;
            }
            released = true;
            budget.close(account);
            for (; count > 0; count--) {
                budget.giveBack(pages[head]);
                pages[head] = null;
                head = (head + 1) % pages.length;
            }
            dropOpening();
            start = end;
        } finally {
            lock.unlock();
        }
    }

    /** Pages held now (for tests and metrics). */
    int pages() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    /**
     * For the budget: drops the oldest page and returns it, if more than {@code keep} are held,
     * else null (the budget then chooses again).
     */
    ByteBuffer surrenderOldest(int keep) {
        lock.lock();
        try {
            if (released || count <= keep || count == 0) {
                return null;
            }
            ByteBuffer page = dropOldest();
            budget.holding(account, count);
            return page;
        } finally {
            lock.unlock();
        }
    }

    // ---- the ring, under lock ----

    private ByteBuffer tail() {
        return pages[(head + count - 1) % pages.length];
    }

    /** Forgets the opening array, if any, and tells the budget (under our lock). */
    private void dropOpening() {
        if (opening != null) {
            budget.openingHeld(-openingBytes);
            opening = null;
        }
    }

    /** Free bytes in the newest page; 0 when no page is held (the opening bytes, if any, go into the first). */
    private int tailRoom() {
        if (count == 0) {
            return 0;
        }
        long filled = end - start - (long) (count - 1) * pageSize;
        return pageSize - (int) filled;
    }

    /** Doubles the slots (up to the cap), the oldest page first again. */
    private void growRing() {
        ByteBuffer[] grown = new ByteBuffer[Math.min(maxPages, pages.length * 2)];
        for (int i = 0; i < count; i++) {
            grown[i] = pages[(head + i) % pages.length];
        }
        pages = grown;
        head = 0;
    }

    /** At our own cap: the oldest page becomes the newest, empty. */
    private void recycleOldest() {
        ByteBuffer page = dropOldest();
        pages[(head + count) % pages.length] = page;
        count++;
    }

    private ByteBuffer dropOldest() {
        ByteBuffer page = pages[head];
        pages[head] = null;
        head = (head + 1) % pages.length;
        count--;
        start += Math.min(pageSize, end - start);
        return page;
    }
}
