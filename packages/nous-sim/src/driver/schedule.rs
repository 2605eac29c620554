//! When things happen in a topic: at each height, which epoch's windows close, whose
//! ground truth is out, whose payloads are revealed and which epoch opens. The one place
//! the driver reads a topic's timing (the contracts' own windows are defined in
//! `nous_types::clock`).

use crate::record::TopicRun;

/// What is due for one topic at one height, in the order the driver runs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The reputer window of epoch k closed: the keeper closes it (scores) and settles.
    CloseReputerWindow(u64),
    /// The payloads of epoch k are all in (the worker window closed, and on a commit–reveal
    /// topic the reveal window after it): the keeper closes the worker window (the network
    /// inference is stored) and the dApp reads.
    CloseWorkerWindow(u64),
    /// The ground truth of epoch k is out: forecasters learn, reputers report.
    RevealTruth(u64),
    /// Commit–reveal topics: the worker window of epoch k closed and its reveal window
    /// opens: workers reveal the payloads they committed to.
    RevealPayloads(u64),
    /// The worker window of epoch k opens: consumers pay, workers submit (on a
    /// commit–reveal topic: commit).
    OpenEpoch(u64),
}

/// A topic's timing in blocks.
#[derive(Clone, Copy, Debug)]
pub struct Schedule {
    /// Height at which the simulation's epoch 0 starts.
    pub start: u64,
    pub epoch_length: u64,
    pub window: u64,
    /// Blocks of the reveal window after the worker window (0: no commit–reveal).
    pub reveal: u64,
    /// Ground-truth lag.
    pub lag: u64,
    pub epochs: u64,
}

impl Schedule {
    pub fn of(t: &TopicRun) -> Schedule {
        Schedule {
            start: t.start,
            epoch_length: t.epoch_length,
            window: t.window,
            reveal: t.reveal_window,
            lag: t.lag,
            epochs: t.epochs,
        }
    }

    /// The epoch whose event `offset` blocks after its start falls at `rel` blocks after
    /// the start, if it is one of the run's epochs.
    fn epoch_at(&self, rel: u64, offset: u64) -> Option<u64> {
        let len = self.epoch_length;
        let since = rel.checked_sub(offset)?;
        (since % len == 0)
            .then_some(since / len)
            .filter(|k| *k < self.epochs)
    }

    /// The steps due at `height`.
    pub fn due_at(&self, height: u64) -> Vec<Step> {
        let Some(rel) = height.checked_sub(self.start) else {
            return vec![];
        };
        let len = self.epoch_length;
        let reveals = self.reveal > 0;
        [
            self.epoch_at(rel, self.lag + len)
                .map(Step::CloseReputerWindow),
            self.epoch_at(rel, self.window + self.reveal)
                .map(Step::CloseWorkerWindow),
            self.epoch_at(rel, self.lag).map(Step::RevealTruth),
            self.epoch_at(rel, self.window)
                .filter(|_| reveals)
                .map(Step::RevealPayloads),
            self.epoch_at(rel, 0).map(Step::OpenEpoch),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// The last height at which anything of the run happens (its last reputer window
    /// closed, plus one block).
    pub fn last_height(&self) -> u64 {
        self.start + (self.epochs + 1) * self.epoch_length + self.lag + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_epoch_opens_closes_reveals_and_is_scored_in_order() {
        let s = Schedule {
            start: 100,
            epoch_length: 12,
            window: 5,
            reveal: 0,
            lag: 12,
            epochs: 3,
        };
        assert_eq!(s.due_at(99), vec![]);
        assert_eq!(s.due_at(100), vec![Step::OpenEpoch(0)]);
        assert_eq!(s.due_at(105), vec![Step::CloseWorkerWindow(0)]);
        assert_eq!(
            s.due_at(112),
            vec![Step::RevealTruth(0), Step::OpenEpoch(1)]
        );
        assert_eq!(
            s.due_at(124),
            vec![
                Step::CloseReputerWindow(0),
                Step::RevealTruth(1),
                Step::OpenEpoch(2)
            ]
        );
        // Epoch 3 does not exist: only the earlier epochs' steps.
        assert_eq!(
            s.due_at(136),
            vec![Step::CloseReputerWindow(1), Step::RevealTruth(2)]
        );
        assert_eq!(s.due_at(160), vec![]);
        assert_eq!(s.last_height(), 100 + 4 * 12 + 12 + 1);
    }

    #[test]
    fn on_a_commit_reveal_topic_workers_reveal_after_the_window_and_it_closes_after_that() {
        let s = Schedule {
            start: 100,
            epoch_length: 12,
            window: 5,
            reveal: 3,
            lag: 12,
            epochs: 3,
        };
        // commit at the open, reveal when the worker window ends (the reveal window
        // [105, 108) opens), close when the reveal window ends
        assert_eq!(s.due_at(100), vec![Step::OpenEpoch(0)]);
        assert_eq!(s.due_at(105), vec![Step::RevealPayloads(0)]);
        assert_eq!(s.due_at(107), vec![]);
        assert_eq!(s.due_at(108), vec![Step::CloseWorkerWindow(0)]);
        assert_eq!(
            s.due_at(112),
            vec![Step::RevealTruth(0), Step::OpenEpoch(1)]
        );
        assert_eq!(s.due_at(117), vec![Step::RevealPayloads(1)]);
        // the same windows as the contracts' clock
        let clock = nous_types::EpochClock {
            start_height: s.start,
            epoch_length: s.epoch_length,
            worker_window: s.window,
            ground_truth_lag: s.lag,
            reveal_window: s.reveal,
        };
        for k in 0..s.epochs {
            let reveal = clock.reveal_window(k).expect("a reveal window");
            assert!(s.due_at(reveal.start).contains(&Step::RevealPayloads(k)));
            let payloads = clock.payload_window(k).expect("a payload window");
            assert!(s.due_at(payloads.end).contains(&Step::CloseWorkerWindow(k)));
        }
        // a reveal window that fills the rest of the epoch: the close comes before the
        // next epoch opens and before the truth of a one-epoch lag is out
        let full = Schedule { reveal: 7, ..s };
        assert_eq!(
            full.due_at(112),
            vec![
                Step::CloseWorkerWindow(0),
                Step::RevealTruth(0),
                Step::OpenEpoch(1)
            ]
        );
        assert_eq!(full.last_height(), s.last_height());
    }
}
