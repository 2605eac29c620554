"""The deterministic world of the nous-node examples: the value a topic asks about, as a
function of the nonce alone (no clock, no randomness), so that every run of the end-to-end
test sees the same numbers. A real topic's truth comes from the outside world."""

import math


def truth(nonce: int) -> float:
    """The ground truth of `nonce`: a slow wave, a faster one and a drift."""
    return 100.0 + 8.0 * math.sin(nonce / 4.0) + 3.0 * math.sin(nonce / 1.7) + 0.05 * nonce
