#!/usr/bin/env python3
"""An inference source for nous-node: a model that knows the world with a small, slowly
varying error. Reads the context JSON on stdin, prints one number."""

import json
import math
import sys

from world import truth

context = json.load(sys.stdin)
nonce = int(context["nonce"])
print(f"{truth(nonce) + 0.4 + 0.3 * math.cos(nonce):.6f}")
