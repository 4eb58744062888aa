//! Order-preserving work splitting over scoped threads, for the stages that handle many
//! independent items: YAML documents, objects, routes. Results come back in input order,
//! so output never depends on scheduling.

use std::num::NonZeroUsize;

/// Below this much YAML, starting threads costs more than it saves.
pub const MIN_PARALLEL_BYTES: usize = 1 << 20;

/// Splits `items` into contiguous groups of about equal `weight`, one per available core,
/// and runs `work(offset, group)` on each group on its own thread, where `offset` is the
/// position of the group's first item in `items`. The results are in input order. Runs on
/// the calling thread alone when the total weight is below `min_total` or there is one core.
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
    let threads = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let total: usize = items.iter().map(&weight).sum();
    if threads < 2 || total < min_total || items.len() < 2 {
        return vec![work(0, items)];
    }
    let per_group = total.div_ceil(threads);
    let mut groups: Vec<(usize, &[T])> = Vec::with_capacity(threads);
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
    let work = &work;
    std::thread::scope(|scope| {
        let workers: Vec<_> = groups
            .into_iter()
            .map(|(offset, group)| scope.spawn(move || work(offset, group)))
            .collect();
        workers
            .into_iter()
            .map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
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
    fn small_inputs_stay_on_one_thread() {
        let items = [1, 2, 3];
        let groups = map_groups(&items, |_| 1, 100, |offset, group| (offset, group.len()));
        assert_eq!(groups, [(0, 3)]);
        assert_eq!(map_groups(&[] as &[u8], |_| 1, 0, |_, g| g.len()), [0]);
    }
}
