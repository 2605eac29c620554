#!/usr/bin/env python3
"""A reputer's ground-truth source for nous-node: reads the context JSON on stdin
({"topic_id", "nonce", "height", "epoch_start", "worker_window", "reputer_window"}) and
prints the truth of the nonce. `--jitter J` adds a small deterministic measurement error
(J * sin(7 * nonce)), so that two reputers do not report identical losses."""

import argparse
import json
import math
import sys

from world import truth

parser = argparse.ArgumentParser()
parser.add_argument("--jitter", type=float, default=0.0)
args = parser.parse_args()
context = json.load(sys.stdin)
nonce = int(context["nonce"])
print(f"{truth(nonce) + args.jitter * math.sin(7 * nonce):.6f}")
