//! The seed guide's helpers of `gen-tf.libsonnet` (`src/load/gen-tf.libsonnet`) written where a
//! described value equals what one returns, as a person following the guide writes them.

/// `g.memoryReservation(self.memory, STRATEGY[, ENV])` when the main container's reservation is
/// what the strategy gives for the task's `memory` (rounded down, as `std.floor`): 50% for
/// `conservative`, 80% for `aggressive`, and for `dynamic` 70% in `prd` and 50% elsewhere. The
/// strategy that does not depend on the environment is preferred; `dynamic` is written with the
/// environment the import is for (it only differs from `conservative` in `prd`).
pub(super) fn memory_reservation(
    memory: u32,
    reservation: i64,
    env: Option<&str>,
) -> Option<String> {
    // As the library computes it: `std.floor(memory * 0.5)`, in floating point.
    let share = |factor: f64| (f64::from(memory) * factor).floor() as i64;
    if reservation == share(0.5) {
        Some("g.memoryReservation(self.memory, 'conservative')".to_owned())
    } else if reservation == share(0.8) {
        Some("g.memoryReservation(self.memory, 'aggressive')".to_owned())
    } else if env == Some("prd") && reservation == share(0.7) {
        Some("g.memoryReservation(self.memory, 'dynamic', 'prd')".to_owned())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_strategy_is_recognised_and_nothing_else() {
        assert_eq!(
            memory_reservation(2048, 1024, None).as_deref(),
            Some("g.memoryReservation(self.memory, 'conservative')")
        );
        // 80% of 1000 is 800; of 1025, 820 (std.floor of 820.0).
        assert_eq!(
            memory_reservation(1025, 820, Some("stg")).as_deref(),
            Some("g.memoryReservation(self.memory, 'aggressive')")
        );
        // 70% of 3072 is 2150.4: floor 2150, in prd only.
        assert_eq!(
            memory_reservation(3072, 2150, Some("prd")).as_deref(),
            Some("g.memoryReservation(self.memory, 'dynamic', 'prd')")
        );
        assert_eq!(memory_reservation(3072, 2150, Some("dev")), None);
        assert_eq!(memory_reservation(3072, 2150, None), None);
        assert_eq!(memory_reservation(2048, 1536, None), None);
        // Rounded down: 50% of 1025 is 512.5.
        assert_eq!(
            memory_reservation(1025, 512, None).as_deref(),
            Some("g.memoryReservation(self.memory, 'conservative')")
        );
        assert_eq!(memory_reservation(1025, 513, None), None);
    }
}
