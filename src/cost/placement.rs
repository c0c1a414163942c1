//! How many of a service's tasks run on FARGATE and how many on FARGATE_SPOT.
//!
//! AWS documents the order: "Base satisfaction: the minimum number of tasks specified by the base
//! value are placed on that capacity provider. Weight distribution: after base requirements are
//! met, additional tasks are distributed according to weight ratios", with the examples "two
//! capacity providers both with weight 1 will split tasks evenly after base requirements are met"
//! and "if capacityProviderA has weight 1 and capacityProviderB has weight 4, then for every 1 task
//! on A, 4 tasks will run on B" (CapacityProviderStrategyItem, ECS API reference). A provider with
//! weight 0 runs only its base.
//!
//! AWS does not document which provider gets a task when the weights do not divide the count. gen-tf
//! places the tasks after the base one at a time, each on the provider with the highest
//! `weight / (tasks placed by weight + 1)`, a tie going to the higher weight, then to the provider
//! listed first. That is the documented ratio whenever it divides, never strays from it by a whole
//! task, and reproduces the placements observed on a FARGATE base 1 weight 1 / FARGATE_SPOT weight 3
//! service at 2, 4 and 12 tasks (1+1, 1+3, 3+9).
//! Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html

use crate::model::service::CapacityProvider;
use crate::resolve::service::{CapacityShare, Placement};

/// Tasks on each kind of capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Split {
    pub on_demand: u32,
    pub spot: u32,
}

impl Split {
    pub(crate) fn total(self) -> u32 {
        self.on_demand + self.spot
    }
}

/// `tasks` placed by the service's launch type or capacity provider strategy.
pub(crate) fn split(tasks: u32, placement: &Placement) -> Split {
    let Placement::Strategy(items) = placement else {
        return Split {
            on_demand: tasks,
            spot: 0,
        };
    };
    let mut out = Split::default();
    for (item, n) in items.iter().zip(place(tasks, items)) {
        match item.provider {
            CapacityProvider::Fargate => out.on_demand += n,
            CapacityProvider::FargateSpot => out.spot += n,
        }
    }
    out
}

/// Tasks per strategy item, in the strategy's order.
pub(crate) fn place(tasks: u32, items: &[CapacityShare]) -> Vec<u32> {
    let mut placed = vec![0_u32; items.len()];
    let mut left = tasks;
    // At most one provider has a base (`capacity-base`); it is filled first.
    for (i, item) in items.iter().enumerate() {
        let base = item.base.min(left);
        placed[i] += base;
        left -= base;
    }
    let weights: Vec<u64> = items.iter().map(|i| u64::from(i.weight)).collect();
    let total: u64 = weights.iter().sum();
    if total == 0 || left == 0 {
        return placed;
    }
    // Each provider's whole share of the rest comes first: no provider with a highest next
    // `weight / (n + 1)` can be below it, so this is where one-at-a-time placement gets to.
    let by_weight: Vec<u64> = weights
        .iter()
        .map(|w| u64::from(left) * w / total)
        .collect();
    let mut by_weight = by_weight;
    let mut rest = u64::from(left) - by_weight.iter().sum::<u64>();
    while rest > 0 {
        let next = (0..items.len())
            .filter(|&i| weights[i] > 0)
            .max_by(|&a, &b| {
                // weights[a] / (by_weight[a] + 1) against weights[b] / (by_weight[b] + 1).
                let lhs = u128::from(weights[a]) * u128::from(by_weight[b] + 1);
                let rhs = u128::from(weights[b]) * u128::from(by_weight[a] + 1);
                lhs.cmp(&rhs)
                    .then(weights[a].cmp(&weights[b]))
                    .then(b.cmp(&a))
            })
            .expect("a weight is above 0");
        by_weight[next] += 1;
        rest -= 1;
    }
    for (p, n) in placed.iter_mut().zip(by_weight) {
        *p += u32::try_from(n).expect("no more than the tasks");
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;
    use CapacityProvider::{Fargate, FargateSpot};

    fn share(provider: CapacityProvider, weight: u32, base: u32) -> CapacityShare {
        CapacityShare {
            provider,
            weight,
            base,
            percent: 0,
        }
    }

    /// One task at a time, as the module comment states the rule: what `place` must equal.
    fn one_at_a_time(tasks: u32, items: &[CapacityShare]) -> Vec<u32> {
        let mut placed: Vec<u32> = vec![0; items.len()];
        let mut by_weight: Vec<u64> = vec![0; items.len()];
        let mut left = tasks;
        for (i, item) in items.iter().enumerate() {
            let base = item.base.min(left);
            placed[i] += base;
            left -= base;
        }
        for _ in 0..left {
            let mut best: Option<usize> = None;
            for (i, item) in items.iter().enumerate() {
                let w = u64::from(item.weight);
                if w == 0 {
                    continue;
                }
                best = match best {
                    None => Some(i),
                    Some(b) => {
                        let wb = u64::from(items[b].weight);
                        let (l, r) = (w * (by_weight[b] + 1), wb * (by_weight[i] + 1));
                        if l > r || (l == r && w > wb) {
                            Some(i)
                        } else {
                            Some(b)
                        }
                    }
                };
            }
            if let Some(b) = best {
                by_weight[b] += 1;
            }
        }
        placed
            .iter()
            .zip(by_weight)
            .map(|(p, n)| p + n as u32)
            .collect()
    }

    #[test]
    fn documented_examples() {
        // "Two capacity providers both with weight 1 will split tasks evenly after base
        // requirements are met."
        let even = [share(Fargate, 1, 0), share(FargateSpot, 1, 0)];
        assert_eq!(place(10, &even), [5, 5]);
        // "If capacityProviderA has weight 1 and capacityProviderB has weight 4, then for every
        // 1 task on A, 4 tasks will run on B."
        let one_four = [share(Fargate, 1, 0), share(FargateSpot, 4, 0)];
        assert_eq!(place(5, &one_four), [1, 4]);
        assert_eq!(place(20, &one_four), [4, 16]);
        // The ECS workshop: base 2 on demand, then 1:3.
        let workshop = [share(Fargate, 1, 2), share(FargateSpot, 3, 0)];
        assert_eq!(place(10, &workshop), [4, 6]);
        // Fewer tasks than the base: all on the base provider.
        assert_eq!(place(1, &workshop), [1, 0]);
        // Weight 0 runs only its base.
        let base_only = [share(Fargate, 0, 2), share(FargateSpot, 1, 0)];
        assert_eq!(place(7, &base_only), [2, 5]);
    }

    #[test]
    fn observed_placements() {
        // FARGATE base 1 weight 1, FARGATE_SPOT weight 3, as observed at 2, 4 and 12 tasks.
        let items = [share(Fargate, 1, 1), share(FargateSpot, 3, 0)];
        assert_eq!(place(2, &items), [1, 1]);
        assert_eq!(place(4, &items), [1, 3]);
        assert_eq!(place(12, &items), [3, 9]);
    }

    #[test]
    fn the_seed_guide_mix() {
        // FARGATE_SPOT 70, FARGATE 30 with base 2.
        let seed = [share(FargateSpot, 70, 0), share(Fargate, 30, 2)];
        let at = |n| split(n, &Placement::Strategy(seed.to_vec()));
        assert_eq!(
            at(2),
            Split {
                on_demand: 2,
                spot: 0
            }
        );
        assert_eq!(
            at(3),
            Split {
                on_demand: 2,
                spot: 1
            }
        );
        assert_eq!(
            at(12),
            Split {
                on_demand: 5,
                spot: 7
            }
        );
        assert_eq!(
            at(20),
            Split {
                on_demand: 7,
                spot: 13
            }
        );
        assert_eq!(
            split(4, &Placement::LaunchType),
            Split {
                on_demand: 4,
                spot: 0
            }
        );
    }

    #[test]
    fn whole_shares_first_is_one_at_a_time() {
        let strategies = [
            vec![share(FargateSpot, 70, 0), share(Fargate, 30, 2)],
            vec![share(Fargate, 1, 1), share(FargateSpot, 3, 0)],
            vec![share(Fargate, 3, 0), share(FargateSpot, 7, 5)],
            vec![share(Fargate, 2, 0), share(FargateSpot, 2, 0)],
            vec![share(FargateSpot, 1000, 0), share(Fargate, 1, 0)],
            vec![share(Fargate, 0, 3), share(FargateSpot, 5, 0)],
        ];
        for items in &strategies {
            for n in 0..200 {
                assert_eq!(
                    place(n, items),
                    one_at_a_time(n, items),
                    "{n} tasks, {items:?}"
                );
            }
        }
    }
}
