#!/usr/bin/env python3
"""Writes one nous-node config for the end-to-end test, derived from the complete example of
docs/OPERATING.md (the TOML block after the line `<!-- example: nous-node.toml -->`), so the
documented example is the one the test runs. It keeps [chain], [key], [node] and the first
table of one role, then applies `--set section.key=JSON` (`--set worker.forecast=null`
removes a key). The result goes to stdout.

  e2e-node-config.py --doc docs/OPERATING.md --role worker \
      --set chain.rpc='["http://127.0.0.1:26757"]' --set key.index=202 ..."""

import argparse
import json
import re
import sys
import tomllib

MARKER = "<!-- example: nous-node.toml -->"


def example(doc: str) -> dict:
    text = open(doc, encoding="utf-8").read()
    at = text.find(MARKER)
    if at < 0:
        sys.exit(f"{doc}: no line {MARKER!r}")
    block = re.search(r"```toml\n(.*?)```", text[at:], re.S)
    if not block:
        sys.exit(f"{doc}: no ```toml block after {MARKER!r}")
    return tomllib.loads(block.group(1))


def value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + " }"
    sys.exit(f"cannot write {v!r} as TOML")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--doc", required=True)
    p.add_argument("--role", required=True, choices=["worker", "reputer", "keeper"])
    p.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=JSON")
    a = p.parse_args()
    full = example(a.doc)
    roles = full.get(a.role)
    if not roles:
        sys.exit(f"the example has no [[{a.role}]]")
    config = {s: dict(full.get(s, {})) for s in ("chain", "key", "node")}
    config[a.role] = dict(roles[0])
    for s in a.set:
        path, _, raw = s.partition("=")
        section, _, key = path.partition(".")
        if section not in config or not key:
            sys.exit(f"--set {s}: expected chain|key|node|{a.role}.KEY=JSON")
        v = json.loads(raw)
        if v is None:
            config[section].pop(key, None)
        else:
            config[section][key] = v
    out = []
    for section in ("chain", "key", "node"):
        out.append(f"[{section}]")
        out += [f"{k} = {value(v)}" for k, v in config[section].items()]
        out.append("")
    out.append(f"[[{a.role}]]")
    out += [f"{k} = {value(v)}" for k, v in config[a.role].items()]
    print("\n".join(out))


main()
