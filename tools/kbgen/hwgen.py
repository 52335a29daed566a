#!/usr/bin/env python3
"""hwgen: build trtlens' hardware knowledge base (data/hardware/hardware.json) from tools/kbgen/hardware.json.

Release ranges in the source ("8.4..8.6", ">=10.0", "all") are expanded against tools/kbgen/releases.json, so the
C++ side reads plain per-release facts. Every fact keeps its confidence tag (code, doc, report, uncertain).

Usage:
  python3 tools/kbgen/hwgen.py            # (re)write data/hardware/hardware.json
  python3 tools/kbgen/hwgen.py --check    # verify the checked-in file equals what would be generated
"""

import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kbgen  # noqa: E402  (release ranges and error type are shared with the operator knowledge base)

HERE = kbgen.HERE
OUT = os.path.join(kbgen.REPO, "data", "hardware", "hardware.json")
CONFIDENCE = {"code", "doc", "report", "uncertain"}
SM_RE = re.compile(r"^\d+\.\d$")


def sm_key(sm):
    major, minor = sm.split(".")
    return int(major) * 10 + int(minor)


def need(cond, msg):
    if not cond:
        raise kbgen.KbError("hardware.json: " + msg)


def check_confidence(entry, where):
    need(entry.get("confidence") in CONFIDENCE, "%s: confidence must be one of %s" % (where, sorted(CONFIDENCE)))


def build():
    src = kbgen.load_json("hardware.json")
    rels = [e["release"] for e in kbgen.load_json("releases.json")["releases"]]
    ranges = kbgen.Ranges(rels)

    gpus = []
    names = {}
    for g in src["gpus"]:
        need(SM_RE.match(g["sm"]), "bad sm %r" % g["sm"])
        check_confidence(g, "gpu " + g["sm"])
        for p in g["products"]:
            key = p.lower()
            need(key not in names, "product %r listed twice" % p)
            names[key] = g["sm"]
        gpus.append(g)
    known_sms = {g["sm"] for g in gpus} | {a for g in gpus for a in g.get("aliases", [])}

    per = {r: {} for r in rels}
    for r, e in kbgen.one_per_release("release_gpus", src["release_gpus"], ranges, "release_gpus").items():
        check_confidence(e, "release_gpus " + e["releases"])
        for sm in e["known"] + [e["floor"]] + e.get("uncertain_sms", []):
            need(sm in known_sms, "release_gpus %s: SM %s has no gpus entry" % (e["releases"], sm))
        per[r]["gpu"] = {"floor": e["floor"], "known": sorted(e["known"], key=sm_key),
                         "uncertain": sorted(e.get("uncertain_sms", []), key=sm_key),
                         "confidence": e["confidence"], "note": e.get("note", "")}
    for r, e in kbgen.one_per_release("dla_releases", src["dla_releases"], ranges, "dla_releases").items():
        check_confidence(e, "dla_releases " + e["releases"])
        per[r]["dla"] = {"generations": e["generations"], "confidence": e["confidence"], "note": e.get("note", "")}
    for r, e in kbgen.one_per_release("dla_loadables", src["dla_loadables"], ranges, "dla_loadables").items():
        check_confidence(e, "dla_loadables " + e["releases"])
        need(isinstance(e["max_per_core"], int) and e["max_per_core"] > 0, "dla_loadables %s: bad max_per_core" % e["releases"])
        per[r]["dla"]["loadables"] = {"max_per_core": e["max_per_core"], "confidence": e["confidence"], "note": e["note"]}

    limits = src["dla_limits"]
    for r in rels:
        per[r]["dla"]["ops"] = {}
    for e in limits["native_ops"]:
        check_confidence(e, "native_ops " + "/".join(e["ops"]))
        for r in ranges.match(e["releases"]):
            for op in e["ops"]:
                need(op not in per[r]["dla"]["ops"], "native_ops: %s listed twice for %s" % (op, r))
                per[r]["dla"]["ops"][op] = {"confidence": e["confidence"], "note": e.get("note", "")}
    for e in limits["resize"]["modes"]:
        check_confidence(e, "resize modes " + e["releases"])
        for r in ranges.match(e["releases"]):
            per[r]["dla"]["resize_modes"] = e["allowed"]
    for e in limits["conv_cbuf"]["per_release"]:
        check_confidence(e, "conv_cbuf " + e["releases"])
        for r in ranges.match(e["releases"]):
            need("cbuf" not in per[r]["dla"], "conv_cbuf: %s listed twice" % r)
            per[r]["dla"]["cbuf"] = {"confidence": e["confidence"], "note": e["note"]}
    qdq = set(ranges.match(limits["qdq"]["releases"]))
    for r in rels:
        per[r]["dla"]["qdq_runs_on_gpu"] = r in qdq

    embedded = []
    for e in src["embedded_releases"]:
        check_confidence(e, "embedded_releases " + e["sm"])
        need(e["sm"] in known_sms, "embedded_releases: unknown SM %s" % e["sm"])
        embedded.append({"sm": e["sm"], "releases": [r for r in rels if r in ranges.match(e["releases"])],
                         "confidence": e["confidence"], "note": e["note"]})
    for p in src["precisions"]:
        check_confidence(p, "precision " + p["precision"])
        need(p["without"] in ("ignored", "slow"), "precision %s: bad 'without'" % p["precision"])
        need(p.get("qdq_without", "build_error") == "build_error", "precision %s: bad 'qdq_without'" % p["precision"])

    static_limits = {k: v for k, v in limits.items() if k not in ("native_ops", "_doc")}
    static_limits["resize"] = {k: v for k, v in limits["resize"].items() if k != "modes"}
    static_limits["conv_cbuf"] = {k: v for k, v in limits["conv_cbuf"].items() if k != "per_release"}
    static_limits.pop("qdq")
    return {
        "_generated": "by tools/kbgen/hwgen.py from tools/kbgen/hardware.json; do not edit",
        "gpus": gpus,
        "embedded_releases": embedded,
        "precisions": src["precisions"],
        "dla_limits": static_limits,
        "releases": per,
    }


def render(doc):
    return json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=False) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="verify the checked-in file; write nothing")
    args = ap.parse_args(argv)
    try:
        text = render(build())
    except (kbgen.KbError, KeyError) as e:
        print("hwgen: error: %s" % e, file=sys.stderr)
        return 2
    if args.check:
        try:
            with open(OUT, encoding="utf-8") as f:
                same = f.read() == text
        except FileNotFoundError:
            same = False
        if not same:
            print("hwgen --check: FAILED (re-run python3 tools/kbgen/hwgen.py)", file=sys.stderr)
            return 1
        print("hwgen --check: OK")
        return 0
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    print("hwgen: wrote %s" % os.path.relpath(OUT, kbgen.REPO))
    return 0


if __name__ == "__main__":
    sys.exit(main())
