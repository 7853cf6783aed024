//! Per-thread rows of counter and histogram storage.
//!
//! A locked read-modify-write (`lock xadd`) costs as much as everything else of an increment
//! together, and two threads on one series bounce its cache line between them. So counters and
//! histograms keep [`ROWS`] copies of their slots: [`OWNED_ROWS`] rows that one thread at a
//! time owns, and one shared row. A thread claims a free owned row the first time it records
//! and gives it back when it exits. The owner is the only writer of its row, so it records
//! with a plain load and store (no `lock` prefix); a thread that finds every owned row taken,
//! or records while its thread-locals are being destroyed, uses the shared row with atomic
//! read-modify-writes, as every thread would without rows. Readers (encoding, `get()`) add
//! the rows up; each row only grows, so successive reads of a counter never go backwards.
//!
//! Gauges keep one slot: a `set` is a single value, not a sum.

use core::cell::Cell;
use core::sync::atomic::{AtomicBool, Ordering};

/// Rows one thread at a time owns.
pub const OWNED_ROWS: usize = 8;

/// Rows of a counter or histogram: the owned ones, then the shared one.
pub const ROWS: usize = OWNED_ROWS + 1;

/// The shared row's index.
pub const SHARED_ROW: usize = OWNED_ROWS;

/// Which owned rows are taken.
static TAKEN: [AtomicBool; OWNED_ROWS] = [const { AtomicBool::new(false) }; OWNED_ROWS];

const UNCLAIMED: usize = usize::MAX;

/// A thread's row; giving it back when the thread exits.
struct Claim(Cell<usize>);

impl Drop for Claim {
    fn drop(&mut self) {
        let row = self.0.get();
        if let Some(taken) = TAKEN.get(row) {
            // Release: the next owner's Acquire claim sees every store this thread made.
            taken.store(false, Ordering::Release);
        }
    }
}

thread_local! {
    static CLAIM: Claim = const { Claim(Cell::new(UNCLAIMED)) };
}

#[cold]
fn claim(c: &Claim) -> usize {
    let row = TAKEN
        .iter()
        .position(|t| {
            t.compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        })
        .unwrap_or(SHARED_ROW);
    c.0.set(row);
    row
}

/// The calling thread's row: an owned one (`< OWNED_ROWS`) it alone writes, or
/// [`SHARED_ROW`].
#[inline(always)]
pub fn current() -> usize {
    CLAIM
        .try_with(|c| match c.0.get() {
            UNCLAIMED => claim(c),
            row => row,
        })
        .unwrap_or(SHARED_ROW)
}

/// The calling thread's row, an owned one if one frees up within `timeout`: a thread on the
/// shared row tries again as rows free up (a thread gives its row back when it exits). What a
/// thread then records in its row, it alone records there, which is what
/// [`crate::testing::ThreadDelta`] reads. `None` when every owned row stayed taken.
pub(crate) fn own_row(timeout: std::time::Duration) -> Option<usize> {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        let row = current();
        if row < OWNED_ROWS {
            return Some(row);
        }
        // Still on the shared row: claim again (this also works while the first claim found
        // every row taken). A thread whose thread-locals are gone stays shared.
        let row = CLAIM.try_with(claim).unwrap_or(SHARED_ROW);
        if row < OWNED_ROWS {
            return Some(row);
        }
        if std::time::Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_on_the_shared_row_gets_an_owned_one_once_one_is_free() {
        let got = std::thread::spawn(|| {
            CLAIM.with(|c| c.0.set(SHARED_ROW));
            let row = own_row(std::time::Duration::from_secs(30));
            (row, current())
        })
        .join()
        .unwrap_or((None, usize::MAX));
        assert!(
            matches!(got.0, Some(r) if r < OWNED_ROWS && r == got.1),
            "{got:?}"
        );
    }

    #[test]
    fn threads_own_distinct_rows_and_give_them_back() {
        let mine = current();
        assert_eq!(current(), mine, "a thread keeps its row");
        let done = std::thread::spawn(current).join().unwrap_or(usize::MAX);
        assert!(done < ROWS);
        if done < OWNED_ROWS {
            // Given back when that thread exited, so free again (unless another test's
            // thread took it since).
            let free = !TAKEN[done].load(Ordering::Acquire);
            let reused = std::thread::spawn(current).join().unwrap_or(usize::MAX);
            // Another test's thread may have taken it between the two reads; then it holds
            // it still (the other tests' recording threads live for their whole test).
            let taken_since = TAKEN[done].load(Ordering::Acquire);
            assert!(
                !free || reused <= done || reused == SHARED_ROW || taken_since,
                "{done} {reused}"
            );
        }
        // Concurrent threads get distinct owned rows while any are free.
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(3));
        let handles: Vec<_> = (0..3)
            .map(|_| {
                let b = std::sync::Arc::clone(&barrier);
                std::thread::spawn(move || {
                    let r = current();
                    b.wait();
                    r
                })
            })
            .collect();
        let mut live: Vec<usize> = handles
            .into_iter()
            .map(|h| h.join().unwrap_or(usize::MAX))
            .collect();
        // Owned rows are never shared by two live threads (the shared row may be, when
        // other tests' threads hold the owned ones).
        live.retain(|&r| r < OWNED_ROWS);
        let owned = live.len();
        live.sort_unstable();
        live.dedup();
        assert_eq!(
            live.len(),
            owned,
            "three live threads never share an owned row"
        );
    }
}
