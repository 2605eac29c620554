//! What a refusal means for the node: the contracts' and the node's error texts, sorted
//! into kinds with a stable metric label, and whether waiting can change the answer.

/// A refusal the node may meet, recognised from its error text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// synthesis: this actor already submitted for the nonce (it is on the chain).
    AlreadySubmitted,
    /// synthesis, commit–reveal: this worker already committed for the nonce (its
    /// commitment is on the chain, e.g. a retry after a commit whose result was unknown).
    AlreadyCommitted,
    /// synthesis, commit–reveal: no commitment of this worker to reveal (it never landed,
    /// or the chain dropped it).
    NoCommitment,
    /// synthesis, commit–reveal: the revealed payload and salt do not hash to the
    /// commitment.
    CommitmentMismatch,
    /// synthesis: a payload sent in the clear to a commit–reveal topic.
    CommitRevealRequired,
    /// synthesis: a commitment or a reveal sent to a topic without a reveal window.
    CommitRevealOff,
    /// synthesis: a commitment or a salt of the wrong length.
    MalformedCommitment,
    /// synthesis: the payload fee attached is not the topic's (it changed between the
    /// node's read and the inclusion: the next attempt reads it again).
    PayloadFee,
    /// synthesis: the worker, reveal or reputer window is not open.
    WindowNotOpen,
    /// registry or synthesis: the key is not registered for this role.
    NotRegistered,
    /// synthesis: the topic is not active in reward-distribution yet.
    TopicInactive,
    /// synthesis or staking: the reputer's stake is below the minimum.
    StakeBelowMinimum,
    /// synthesis: the nonce has no network inference (nobody submitted).
    NoInference,
    /// synthesis: the worker window ended but nobody closed it yet.
    NotClosedYet,
    /// synthesis: more windows are due than a submission closes.
    ClosesPending,
    /// synthesis: a topic that has had no payload yet.
    TopicNotSeen,
    /// synthesis: a value beyond ±MAX_ABS_VALUE.
    ValueOutOfRange,
    /// synthesis: the topic does not accept negative inferences.
    NegativeInference,
    /// bank / payment: not enough tokens for the fee, the stake or the gas.
    InsufficientFunds,
    /// node: the fee is below the chain's minimum gas price.
    InsufficientFee,
    /// node: the transaction ran out of gas.
    OutOfGas,
    /// node: the account sequence changed under the node.
    SequenceMismatch,
    /// reward-distribution: no epoch to settle.
    NothingToSettle,
    /// reward-distribution: nothing to claim.
    NothingToClaim,
    /// reward-distribution: the topic's weight is below the minimum to activate it.
    WeightBelowMinimum,
    /// reward-distribution: the topic is already active.
    AlreadyActive,
    /// registry: the key already has this registration.
    AlreadyRegistered,
    /// registry: a whitelist is on and the key is not on it.
    NotWhitelisted,
    /// node: the transaction reached the node after its timeout height. A submission's
    /// timeout is its window's last block, so its window has passed.
    TooLate,
    Other,
}

/// (text that identifies it, kind), most specific first.
const PATTERNS: &[(&str, Refusal)] = &[
    ("already submitted for nonce", Refusal::AlreadySubmitted),
    ("already committed for nonce", Refusal::AlreadyCommitted),
    ("has no commitment to reveal", Refusal::NoCommitment),
    ("do not hash to its commitment", Refusal::CommitmentMismatch),
    ("takes committed payloads", Refusal::CommitRevealRequired),
    ("has no reveal window", Refusal::CommitRevealOff),
    ("a commitment is ", Refusal::MalformedCommitment),
    ("a salt is ", Refusal::MalformedCommitment),
    ("takes a payload fee of", Refusal::PayloadFee),
    ("is not open at height", Refusal::WindowNotOpen),
    ("is already registered as", Refusal::AlreadyRegistered),
    ("is not registered as", Refusal::NotRegistered),
    ("is not a registered reputer", Refusal::NotRegistered),
    (
        "is not active in reward-distribution",
        Refusal::TopicInactive,
    ),
    ("is not active: activate it", Refusal::TopicInactive),
    ("has not been used by synthesis yet", Refusal::TopicNotSeen),
    ("has ended but is not closed yet", Refusal::NotClosedYet),
    (
        "more due windows than one message closes",
        Refusal::ClosesPending,
    ),
    ("has no network inference", Refusal::NoInference),
    ("has no payload", Refusal::NoInference),
    ("outside the accepted range", Refusal::ValueOutOfRange),
    ("does not accept negative", Refusal::NegativeInference),
    ("below the minimum stake", Refusal::StakeBelowMinimum),
    ("nothing to settle", Refusal::NothingToSettle),
    ("has nothing to claim", Refusal::NothingToClaim),
    ("is already active", Refusal::AlreadyActive),
    ("fund it or stake in it first", Refusal::WeightBelowMinimum),
    ("whitelist", Refusal::NotWhitelisted),
    ("insufficient fee", Refusal::InsufficientFee),
    ("insufficient funds", Refusal::InsufficientFunds),
    ("insufficient fees", Refusal::InsufficientFee),
    ("out of gas", Refusal::OutOfGas),
    ("account sequence mismatch", Refusal::SequenceMismatch),
    ("sequence of", Refusal::SequenceMismatch),
    ("tx timeout height", Refusal::TooLate),
];

impl Refusal {
    pub fn of(text: &str) -> Refusal {
        let t = text.to_lowercase();
        // The stake refusal of synthesis reads "has stake X in topic T, below the minimum Y".
        if t.contains("has stake") && t.contains("below the minimum") {
            return Refusal::StakeBelowMinimum;
        }
        if t.contains("insufficient fee") && t.contains("required:") {
            // the ante handler: "insufficient fees; got: … required: …"
            return Refusal::InsufficientFee;
        }
        PATTERNS
            .iter()
            .find(|(p, _)| t.contains(p))
            .map_or(Refusal::Other, |(_, r)| *r)
    }

    /// The metric label.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::AlreadySubmitted => "already_submitted",
            Refusal::AlreadyCommitted => "already_committed",
            Refusal::NoCommitment => "no_commitment",
            Refusal::CommitmentMismatch => "commitment_mismatch",
            Refusal::CommitRevealRequired => "commit_reveal_required",
            Refusal::CommitRevealOff => "commit_reveal_off",
            Refusal::MalformedCommitment => "malformed_commitment",
            Refusal::PayloadFee => "payload_fee",
            Refusal::WindowNotOpen => "window_not_open",
            Refusal::NotRegistered => "not_registered",
            Refusal::TopicInactive => "topic_inactive",
            Refusal::StakeBelowMinimum => "stake_below_minimum",
            Refusal::NoInference => "no_inference",
            Refusal::NotClosedYet => "not_closed_yet",
            Refusal::ClosesPending => "closes_pending",
            Refusal::TopicNotSeen => "topic_not_seen",
            Refusal::ValueOutOfRange => "value_out_of_range",
            Refusal::NegativeInference => "negative_inference",
            Refusal::InsufficientFunds => "insufficient_funds",
            Refusal::InsufficientFee => "insufficient_fee",
            Refusal::OutOfGas => "out_of_gas",
            Refusal::SequenceMismatch => "sequence_mismatch",
            Refusal::NothingToSettle => "nothing_to_settle",
            Refusal::NothingToClaim => "nothing_to_claim",
            Refusal::WeightBelowMinimum => "weight_below_minimum",
            Refusal::AlreadyActive => "already_active",
            Refusal::AlreadyRegistered => "already_registered",
            Refusal::NotWhitelisted => "not_whitelisted",
            Refusal::TooLate => "too_late",
            Refusal::Other => "other",
        }
    }

    /// What the message would have put on the chain is there already (sent before a lost
    /// result or a lost state file): the nonce is done, not refused.
    pub fn is_on_chain(self) -> bool {
        matches!(self, Refusal::AlreadySubmitted | Refusal::AlreadyCommitted)
    }

    /// The same submission may succeed later in the same window (someone closes windows,
    /// the topic is activated, a stake or funding arrives): the nonce is tried again on a
    /// later block instead of being given up.
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            Refusal::TopicInactive
                | Refusal::NotClosedYet
                | Refusal::ClosesPending
                | Refusal::TopicNotSeen
                | Refusal::StakeBelowMinimum
                | Refusal::NotRegistered
                | Refusal::InsufficientFunds
                | Refusal::SequenceMismatch
                | Refusal::OutOfGas
                | Refusal::PayloadFee
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contracts_refusals_are_recognised() {
        let cases = [
            ("failed to execute message; message index: 0: actor 3 already submitted for nonce 17 of topic 2: execute wasm contract failed", Refusal::AlreadySubmitted),
            ("the worker window of nonce 9 (topic 1) is not open at height 120; open worker nonce: Some(10)", Refusal::WindowNotOpen),
            ("wasm1abc is not registered as a worker in topic 1", Refusal::NotRegistered),
            ("topic 1 is not active in reward-distribution: nonce 4 is not opened (fund or stake the topic, then ActivateTopic)", Refusal::TopicInactive),
            ("reputer wasm1x has stake 5 in topic 1, below the minimum 100", Refusal::StakeBelowMinimum),
            ("self-stake would be 5, below the minimum stake of 100", Refusal::StakeBelowMinimum),
            ("nonce 4 of topic 1 has no network inference", Refusal::NoInference),
            ("topic 2 takes a payload fee of 7000unous with each payload (or commitment); 0 was attached", Refusal::PayloadFee),
            ("the worker window of nonce 4 (topic 1) has ended but is not closed yet: send CloseWindows", Refusal::NotClosedYet),
            ("topic 1 has more due windows than one message closes: send CloseWindows first", Refusal::ClosesPending),
            ("topic 2 has not been used by synthesis yet", Refusal::TopicNotSeen),
            ("inference = 2000000000 is outside the accepted range (magnitude at most 1000000000)", Refusal::ValueOutOfRange),
            ("topic 1 does not accept negative inferences (got -1)", Refusal::NegativeInference),
            ("spendable balance 10unous is smaller than 1000unous: insufficient funds", Refusal::InsufficientFunds),
            ("insufficient fees; got: 10unous required: 2500unous: insufficient fee", Refusal::InsufficientFee),
            ("out of gas in location: wasm contract; gasWanted: 100, gasUsed: 101: out of gas", Refusal::OutOfGas),
            ("account sequence mismatch, expected 7, got 6: incorrect account sequence", Refusal::SequenceMismatch),
            ("nothing to settle: no active topic has a closed epoch whose scores are ready", Refusal::NothingToSettle),
            ("wasm1abc has nothing to claim", Refusal::NothingToClaim),
            ("topic 1 has weight 3, below the minimum 100: fund it or stake in it first", Refusal::WeightBelowMinimum),
            ("topic 1 is already active", Refusal::AlreadyActive),
            ("wasm1abc is already registered as worker in topic 1", Refusal::AlreadyRegistered),
            ("wasm1abc is not on the worker whitelist", Refusal::NotWhitelisted),
            ("rpc error: code = Unknown desc = block height: 168, timeout height: 167: tx timeout height [cosmos/cosmos-sdk@v0.53.6/x/auth/ante/basic.go:213]", Refusal::TooLate),
            ("worker 3 already committed for nonce 4 (topic 1)", Refusal::AlreadyCommitted),
            ("worker 3 has no commitment to reveal for nonce 4 (topic 1)", Refusal::NoCommitment),
            ("the revealed payload and salt of worker 3 do not hash to its commitment for nonce 4 (topic 1)", Refusal::CommitmentMismatch),
            ("topic 1 takes committed payloads: commit with CommitWorkerPayload in the worker window and reveal with RevealWorkerPayload after it", Refusal::CommitRevealRequired),
            ("topic 1 has no reveal window: submit payloads with SubmitWorkerPayload", Refusal::CommitRevealOff),
            ("a commitment is 32 bytes long (SHA-256), got 31", Refusal::MalformedCommitment),
            ("a salt is 16 to 64 bytes long, got 8", Refusal::MalformedCommitment),
            ("the reveal window of nonce 4 (topic 1) is not open at height 130; open reveal nonce: None", Refusal::WindowNotOpen),
            ("something new", Refusal::Other),
        ];
        for (text, want) in cases {
            assert_eq!(Refusal::of(text), want, "{text}");
        }
    }

    #[test]
    fn only_refusals_that_time_can_change_are_retried() {
        assert!(Refusal::TopicInactive.is_transient());
        assert!(Refusal::NotClosedYet.is_transient());
        assert!(!Refusal::AlreadySubmitted.is_transient());
        // a commitment already there is done, not retried; a reveal that does not match
        // its commitment never will
        assert!(!Refusal::AlreadyCommitted.is_transient());
        assert!(!Refusal::NoCommitment.is_transient());
        assert!(!Refusal::CommitmentMismatch.is_transient());
        assert!(Refusal::AlreadyCommitted.is_on_chain());
        assert!(Refusal::AlreadySubmitted.is_on_chain());
        assert!(!Refusal::NoCommitment.is_on_chain());
        assert!(!Refusal::WindowNotOpen.is_transient());
        assert!(!Refusal::ValueOutOfRange.is_transient());
        assert!(!Refusal::TooLate.is_transient());
        assert!(!Refusal::Other.is_transient());
        assert_eq!(Refusal::InsufficientFee.code(), "insufficient_fee");
    }
}
