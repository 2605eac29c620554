//! The epoch clock (docs/PROTOCOL.md §4): every window is a half-open height interval
//! `[start, end)`, defined here once and used by every submit check and every close.

use cosmwasm_schema::cw_serde;

/// A half-open block-height interval `[start, end)`.
#[cw_serde]
#[derive(Copy, Eq)]
pub struct HeightWindow {
    pub start: u64,
    pub end: u64,
}

impl HeightWindow {
    /// True when `height` is inside the window: `start <= height < end`.
    pub fn contains(&self, height: u64) -> bool {
        self.start <= height && height < self.end
    }

    /// True once the window can no longer accept anything: `height >= end`.
    pub fn is_closed_at(&self, height: u64) -> bool {
        height >= self.end
    }
}

/// The timing parameters of one topic. Epoch `k` starts at `start_height + k * epoch_length`.
#[cw_serde]
#[derive(Copy, Eq)]
pub struct EpochClock {
    /// First block of epoch 0.
    pub start_height: u64,
    /// Blocks per epoch (> 0).
    pub epoch_length: u64,
    /// Blocks at the start of an epoch during which workers submit (`0 < window <= epoch_length`).
    pub worker_window: u64,
    /// Blocks from an epoch's start until its ground truth is known (`>= epoch_length`).
    pub ground_truth_lag: u64,
    /// Blocks after the worker window during which committed payloads are revealed; 0 (the
    /// default) means workers send their payloads in the clear (`worker_window +
    /// reveal_window <= epoch_length`). On a commit–reveal topic the worker window takes
    /// commitments only, so no payload of an epoch is public before every worker has
    /// committed to its own.
    #[serde(default)]
    pub reveal_window: u64,
}

impl EpochClock {
    /// The epoch whose span `[start_k, start_k + epoch_length)` holds `height`;
    /// `None` before the topic's first block.
    pub fn epoch_at(&self, height: u64) -> Option<u64> {
        if height < self.start_height || self.epoch_length == 0 {
            return None;
        }
        Some((height - self.start_height) / self.epoch_length)
    }

    /// First block of epoch `k`, `None` on overflow.
    pub fn epoch_start(&self, epoch: u64) -> Option<u64> {
        epoch
            .checked_mul(self.epoch_length)
            .and_then(|off| off.checked_add(self.start_height))
    }

    /// `[start_k, start_k + worker_window)`.
    pub fn worker_window(&self, epoch: u64) -> Option<HeightWindow> {
        let start = self.epoch_start(epoch)?;
        Some(HeightWindow {
            start,
            end: start.checked_add(self.worker_window)?,
        })
    }

    /// True when the topic's workers commit to a payload in the worker window and reveal it
    /// in the reveal window.
    pub fn commit_reveal(&self) -> bool {
        self.reveal_window > 0
    }

    /// `[end of the worker window, + reveal_window)`; `None` on a topic without commit–reveal.
    pub fn reveal_window(&self, epoch: u64) -> Option<HeightWindow> {
        if !self.commit_reveal() {
            return None;
        }
        let start = self.worker_window(epoch)?.end;
        Some(HeightWindow {
            start,
            end: start.checked_add(self.reveal_window)?,
        })
    }

    /// Every block in which the epoch's payloads reach the contract: the worker window, and
    /// on a commit–reveal topic the reveal window after it. The worker close (the network
    /// inference) runs at its end, and an inference's age counts from there.
    pub fn payload_window(&self, epoch: u64) -> Option<HeightWindow> {
        let worker = self.worker_window(epoch)?;
        Some(HeightWindow {
            start: worker.start,
            end: worker.end.checked_add(self.reveal_window)?,
        })
    }

    /// `[start_k + lag, start_k + lag + epoch_length)`.
    pub fn reputer_window(&self, epoch: u64) -> Option<HeightWindow> {
        let start = self
            .epoch_start(epoch)?
            .checked_add(self.ground_truth_lag)?;
        Some(HeightWindow {
            start,
            end: start.checked_add(self.epoch_length)?,
        })
    }

    /// The epoch whose worker window is open at `height`, if any.
    pub fn open_worker_epoch(&self, height: u64) -> Option<u64> {
        let epoch = self.epoch_at(height)?;
        self.worker_window(epoch)
            .filter(|w| w.contains(height))
            .map(|_| epoch)
    }

    /// The epoch whose reveal window is open at `height`, if any.
    pub fn open_reveal_epoch(&self, height: u64) -> Option<u64> {
        let epoch = self.epoch_at(height)?;
        self.reveal_window(epoch)
            .filter(|w| w.contains(height))
            .map(|_| epoch)
    }

    /// The epoch whose reputer window is open at `height`, if any. Reputer windows of
    /// consecutive epochs tile the chain (each is one epoch long), so at most one is open.
    pub fn open_reputer_epoch(&self, height: u64) -> Option<u64> {
        let shifted = height.checked_sub(self.ground_truth_lag)?;
        let epoch = self.epoch_at(shifted)?;
        self.reputer_window(epoch)
            .filter(|w| w.contains(height))
            .map(|_| epoch)
    }

    /// The newest epoch whose reputer window has closed at `height` (its losses are final).
    pub fn last_closed_reputer_epoch(&self, height: u64) -> Option<u64> {
        // reputer window of k ends at start + k*len + lag + len <= height
        let shifted = height
            .checked_sub(self.ground_truth_lag)?
            .checked_sub(self.epoch_length)?;
        self.epoch_at(shifted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock() -> EpochClock {
        EpochClock {
            start_height: 100,
            epoch_length: 10,
            worker_window: 4,
            ground_truth_lag: 20,
            reveal_window: 0,
        }
    }

    #[test]
    fn worker_window_boundaries_are_half_open() {
        let c = clock();
        let w = c.worker_window(2).unwrap();
        assert_eq!(
            w,
            HeightWindow {
                start: 120,
                end: 124
            }
        );
        assert!(!w.contains(119));
        assert!(w.contains(120));
        assert!(w.contains(123));
        assert!(!w.contains(124));
        assert!(w.is_closed_at(124));
        assert!(!w.is_closed_at(123));
        assert_eq!(c.open_worker_epoch(119), None);
        assert_eq!(c.open_worker_epoch(120), Some(2));
        assert_eq!(c.open_worker_epoch(123), Some(2));
        assert_eq!(c.open_worker_epoch(124), None);
    }

    #[test]
    fn reputer_window_follows_the_lag() {
        let c = clock();
        let w = c.reputer_window(2).unwrap();
        assert_eq!(
            w,
            HeightWindow {
                start: 140,
                end: 150
            }
        );
        assert_eq!(c.open_reputer_epoch(139), Some(1));
        assert_eq!(c.open_reputer_epoch(140), Some(2));
        assert_eq!(c.open_reputer_epoch(149), Some(2));
        assert_eq!(c.open_reputer_epoch(150), Some(3));
        assert_eq!(c.open_reputer_epoch(119), None);
        assert_eq!(c.last_closed_reputer_epoch(149), Some(1));
        assert_eq!(c.last_closed_reputer_epoch(150), Some(2));
        assert_eq!(c.last_closed_reputer_epoch(129), None);
    }

    #[test]
    fn the_reveal_window_follows_the_worker_window() {
        let plain = clock();
        assert!(!plain.commit_reveal());
        assert_eq!(plain.reveal_window(2), None);
        assert_eq!(plain.open_reveal_epoch(124), None);
        assert_eq!(plain.payload_window(2), plain.worker_window(2));

        let c = EpochClock {
            reveal_window: 3,
            ..clock()
        };
        assert!(c.commit_reveal());
        assert_eq!(c.worker_window(2), plain.worker_window(2));
        assert_eq!(
            c.reveal_window(2),
            Some(HeightWindow {
                start: 124,
                end: 127
            })
        );
        assert_eq!(
            c.payload_window(2),
            Some(HeightWindow {
                start: 120,
                end: 127
            })
        );
        assert_eq!(c.open_reveal_epoch(123), None);
        assert_eq!(c.open_reveal_epoch(124), Some(2));
        assert_eq!(c.open_reveal_epoch(126), Some(2));
        assert_eq!(c.open_reveal_epoch(127), None);
        assert_eq!(c.open_worker_epoch(124), None);
        // an old record without the field reads as a plain topic
        let old =
            r#"{"start_height":100,"epoch_length":10,"worker_window":4,"ground_truth_lag":20}"#;
        assert_eq!(cosmwasm_std::from_json::<EpochClock>(old).unwrap(), plain);
    }

    #[test]
    fn before_start_there_is_no_epoch() {
        let c = clock();
        assert_eq!(c.epoch_at(99), None);
        assert_eq!(c.epoch_at(100), Some(0));
        assert_eq!(c.epoch_start(u64::MAX), None);
    }
}
