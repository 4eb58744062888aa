//! Order-preserving work splitting over scoped threads, for the stages that handle many
//! independent items: YAML documents, objects, routes. Results come back in input order,
//! so output never depends on scheduling.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Below this much YAML, starting threads costs more than it saves.
pub const MIN_PARALLEL_BYTES: usize = 1 << 20;

/// Below this many routes and rules (a route counting one more than its rules), judging
/// routes on one thread is quicker.
pub const MIN_PARALLEL_ROUTE_RULES: usize = 4_000;

/// Groups made per thread: more groups than threads, taken in turn by whichever thread is
/// free, keep every thread busy when some stretch of the input costs more per byte.
const GROUPS_PER_THREAD: usize = 8;

/// Splits `items` into contiguous groups of about equal `weight` and runs `work(offset,
/// group)` on each, on every available core, where `offset` is the position of the group's
/// first item in `items`. The results are in input order. Runs on the calling thread alone
/// when the total weight is below `min_total` or there is one core.
pub fn map_groups<T, R>(
    items: &[T],
    weight: impl Fn(&T) -> usize,
    min_total: usize,
    work: impl Fn(usize, &[T]) -> R + Sync,
) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    map_groups_with(
        items,
        weight,
        min_total,
        || (),
        |(), offset, group| work(offset, group),
    )
}

/// [`map_groups`] with a state per thread, made by `init` and lent to every group the thread
/// takes (a scratch arena, a memo), so that it is made once per thread, not per group.
pub fn map_groups_with<T, S, R>(
    items: &[T],
    weight: impl Fn(&T) -> usize,
    min_total: usize,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, usize, &[T]) -> R + Sync,
) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let threads = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let total: usize = items.iter().map(&weight).sum();
    if threads < 2 || total < min_total || items.len() < 2 {
        return vec![work(&mut init(), 0, items)];
    }
    let groups = split(items, weight, total, threads * GROUPS_PER_THREAD);
    let next = AtomicUsize::new(0);
    let (groups, next, init, work) = (&groups, &next, &init, &work);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut state = init();
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&(offset, group)) = groups.get(i) else {
                            break done;
                        };
                        done.push((i, work(&mut state, offset, group)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, result)| result).collect()
}

/// `items` in at most about `count` contiguous groups of about equal weight, with the
/// position of each group's first item.
fn split<T>(
    items: &[T],
    weight: impl Fn(&T) -> usize,
    total: usize,
    count: usize,
) -> Vec<(usize, &[T])> {
    let per_group = total.div_ceil(count).max(1);
    let mut groups = Vec::with_capacity(count + 1);
    let (mut start, mut sum) = (0, 0);
    for (i, item) in items.iter().enumerate() {
        sum += weight(item);
        if sum >= per_group {
            groups.extend(items.get(start..=i).map(|g| (start, g)));
            (start, sum) = (i + 1, 0);
        }
    }
    groups.extend(
        items
            .get(start..)
            .filter(|rest| !rest.is_empty())
            .map(|g| (start, g)),
    );
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_cover_every_item_once_in_order() {
        let items: Vec<usize> = (0..1000).collect();
        let groups = map_groups(&items, |_| 1, 0, |offset, group| (offset, group.to_vec()));
        let mut next = 0;
        for (offset, group) in groups {
            assert_eq!(offset, next);
            assert_eq!(group.first(), Some(&offset));
            next += group.len();
        }
        assert_eq!(next, items.len());
    }

    #[test]
    fn each_thread_makes_its_state_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let made = AtomicUsize::new(0);
        let items: Vec<usize> = (0..1000).collect();
        let groups = map_groups_with(
            &items,
            |_| 1,
            0,
            || made.fetch_add(1, Ordering::Relaxed),
            |_, offset, group| (offset, group.len()),
        );
        let threads = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        assert!(made.load(Ordering::Relaxed) <= threads);
        // More groups than threads, still in order and covering every item.
        assert!(threads < 2 || groups.len() > threads);
        let mut next = 0;
        for (offset, len) in groups {
            assert_eq!(offset, next);
            next += len;
        }
        assert_eq!(next, items.len());
    }

    #[test]
    fn small_inputs_stay_on_one_thread() {
        let items = [1, 2, 3];
        let groups = map_groups(&items, |_| 1, 100, |offset, group| (offset, group.len()));
        assert_eq!(groups, [(0, 3)]);
        assert_eq!(map_groups(&[] as &[u8], |_| 1, 0, |_, g| g.len()), [0]);
    }
}
