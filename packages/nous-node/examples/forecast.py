#!/usr/bin/env python3
"""A forecast source for nous-node: expects each inferer of the newest network inference to
score the mean of its recent network losses (the topic's log10 convention), or -1 when it
has none yet. Prints [{"inferer": <actor index>, "value": <expected loss>}, ...]; an empty
list (no inference yet) makes the node skip the nonce."""

import json
import sys

context = json.load(sys.stdin)
recent = context["recent"]
losses = {}
for r in recent:
    if r["losses"]:
        for w in r["losses"]["inferers"]:
            losses.setdefault(w["worker"], []).append(float(w["value"]))
inferers = [w["worker"] for w in recent[0]["inference"]["inferences"]] if recent else []
forecast = [
    {"inferer": j, "value": round(sum(losses[j]) / len(losses[j]), 6) if j in losses else -1.0}
    for j in inferers
]
print(json.dumps(forecast))
