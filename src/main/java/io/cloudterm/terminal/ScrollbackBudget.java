package io.cloudterm.terminal;

import io.cloudterm.io.BufferPool;
import java.nio.ByteBuffer;
import java.util.Comparator;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The server-wide cap on scrollback memory: every terminal's {@link Scrollback} takes its pages
 * from here, so a thousand idle terminals hold at most {@link #capBytes()} between them however
 * much each was allowed on its own.
 *
 * <p>Pages are equally sized direct buffers from a {@link BufferPool} of this budget's own (slabs
 * of 64 pages, freed pages reused), so scrollback stays off the garbage-collected heap and a page
 * dropped by one terminal is the next page of another. The pool never holds more pages than the
 * cap; once grown it keeps its slabs (direct memory is not given back to the OS piecemeal), so the
 * footprint is the high-water mark, never above the cap.
 *
 * <p>When every page is out and a scrollback needs one, the page is taken from the scrollback
 * that holds <em>the most pages</em> (among equals, the one that grew least recently), which
 * gives up its oldest page. Chosen over "least recently written" because the point of the cap is
 * fairness under pressure: with LRU, one terminal running {@code yes} would strip every quiet
 * terminal of its history, including the terminals whose users are about to reattach; taking
 * from the biggest holder means a noisy terminal, once it is the biggest, recycles its own oldest
 * page, and all shares converge to equal. The tie-break still sends the oldest history first.
 * Each scrollback keeps {@link #minimumPages()} pages that nobody else can take (a screenful or
 * two, enough to repaint on reattach) as long as the cap covers that many for everyone; past that
 * (overcommitted), a scrollback recycles its own oldest page, and one with none takes from the
 * biggest holder regardless.
 *
 * <p>Cost: a page changing hands re-sorts two entries of a tree of all scrollbacks, O(log n);
 * appends that fill an existing page never come here.
 *
 * <p>Locking: this lock is taken while a scrollback's lock is held (a scrollback reports its page
 * count under its own lock), never the other way round: to take a page from a victim, the lock
 * here is let go before the victim's is taken, and the victim is re-checked under its own lock.
 */
public final class ScrollbackBudget {

    public static final long DEFAULT_CAP_BYTES = 256L << 20;
    /**
     * 2 KiB: a terminal that printed more than a prompt and sits idle holds one page, and that is
     * much of its memory (the target is 10 KB per terminal; a prompt alone takes none, see
     * {@link Scrollback}); bulk output links 8 pages per 16 KiB read, which
     * costs microseconds (ScrollbackRingBench).
     */
    public static final int DEFAULT_PAGE_SIZE = 2 << 10;
    /** 32 KiB: a full 200x60 screen with colour escapes, the least a reattach needs. */
    public static final int DEFAULT_MINIMUM_PAGES = 16;

    private final long capBytes;
    private final int pageSize;
    private final LongAdder openingBytesHeld = new LongAdder();
    private final int maxPages;
    private final int minimumPages;
    private final BufferPool pool;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a page is linked into a scrollback or returned: one may be takeable now. */
    private final Condition pagesMoved = lock.newCondition();

    // Guarded by lock.
    /** Most pages first; among equals, the one that grew least recently. */
    private final TreeSet<Account> holders = new TreeSet<>(Comparator
            .comparingInt((Account a) -> -a.pages)
            .thenComparingLong(a -> a.grewAt)
            .thenComparingLong(a -> a.serial));
    private int outstanding;
    private long clock;

    public ScrollbackBudget() {
        this(DEFAULT_CAP_BYTES, DEFAULT_PAGE_SIZE, DEFAULT_MINIMUM_PAGES);
    }

    /** {@code capBytes} is rounded down to whole pages, and must hold at least one. */
    public ScrollbackBudget(long capBytes, int pageSize, int minimumPages) {
        if (pageSize <= 0 || capBytes < pageSize || minimumPages < 0 || capBytes / pageSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("scrollback budget of " + capBytes + " bytes in pages of " + pageSize
                    + " bytes, " + minimumPages + " kept each: the cap must hold at least one page");
        }
        this.capBytes = capBytes;
        this.pageSize = pageSize;
        this.maxPages = (int) (capBytes / pageSize);
        this.minimumPages = minimumPages;
        this.pool = new BufferPool(pageSize, maxPages);
    }

    public long capBytes() {
        return capBytes;
    }

    public int pageSize() {
        return pageSize;
    }

    /** The cap in pages: never more than this many are out of the pool at once. */
    public int maxPages() {
        return maxPages;
    }

    public int minimumPages() {
        return minimumPages;
    }

    /**
     * Bytes the scrollbacks hold now: their pages, and the small opening arrays of those that
     * have not yet needed a page (most idle terminals), so that the metric shows every terminal
     * that keeps output for a reattach.
     */
    public long bytesHeld() {
        return (long) pagesInUse() * pageSize + openingBytesHeld.sum();
    }

    /** A scrollback took ({@code bytes} > 0) or dropped (< 0) its opening array. */
    void openingHeld(int bytes) {
        openingBytesHeld.add(bytes);
    }

    /** Pages currently held by scrollbacks or on their way to one (for metrics and leak tests). */
    public int pagesInUse() {
        lock.lock();
        try {
            return outstanding;
        } finally {
            lock.unlock();
        }
    }

    /** Scrollbacks opened and not yet released. */
    public int scrollbacks() {
        lock.lock();
        try {
            return holders.size();
        } finally {
            lock.unlock();
        }
    }

    // ---- for Scrollback ----

    /** One scrollback's standing with the budget; its fields are guarded by the budget's lock. */
    static final class Account {
        final Scrollback owner;
        final long serial;
        int pages;
        long grewAt;

        private Account(Scrollback owner, long serial) {
            this.owner = owner;
            this.serial = serial;
        }
    }

    Account open(Scrollback owner) {
        lock.lock();
        try {
            Account account = new Account(owner, ++clock);
            holders.add(account);
            return account;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A cleared page for {@code requester}, new from the pool while under the cap, otherwise taken
     * from the biggest holder. The caller must hold no scrollback lock (a victim's is taken here),
     * and reports the page with {@link #holding} once linked, or hands it back with {@link #giveBack}.
     */
    ByteBuffer take(Account requester) {
        while (true) {
            Account victim;
            int keep;
            lock.lock();
            try {
                if (outstanding < maxPages) {
                    outstanding++;
                    return pool.acquire();
                }
                Account biggest = holders.isEmpty() ? null : holders.first();
                if (biggest != null && biggest.pages > minimumPages) {
                    victim = biggest;
                    keep = minimumPages;
                } else if (requester.pages > 0) {
                    victim = requester; // overcommitted: recycle our own oldest
                    keep = 0;
                } else if (biggest != null && biggest.pages > 0) {
                    victim = biggest; // overcommitted and we have nothing: the minimum cannot hold
                    keep = 0;
                } else {
                    // Every page is in flight between a victim and its taker: wait for one to land.
                    pagesMoved.awaitUninterruptibly();
                    continue;
                }
            } finally {
                lock.unlock();
            }
            // Counts may have moved since the choice; the victim checks again under its own lock.
            ByteBuffer page = victim.owner.surrenderOldest(keep);
            if (page != null) {
                return page.clear();
            }
        }
    }

    /** {@code account} now links {@code pages} pages; called under its scrollback's lock. */
    void holding(Account account, int pages) {
        lock.lock();
        try {
            if (!holders.remove(account)) {
                return; // released
            }
            if (pages > account.pages) {
                account.grewAt = ++clock;
                pagesMoved.signalAll();
            }
            account.pages = pages;
            holders.add(account);
        } finally {
            lock.unlock();
        }
    }

    /** A page back to the pool; the caller must not touch it afterwards. */
    void giveBack(ByteBuffer page) {
        lock.lock();
        try {
            outstanding--;
            pool.release(page);
            pagesMoved.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Ends {@code account}; its pages come back through {@link #giveBack}. */
    void close(Account account) {
        lock.lock();
        try {
            holders.remove(account);
            account.pages = 0;
        } finally {
            lock.unlock();
        }
    }
}
