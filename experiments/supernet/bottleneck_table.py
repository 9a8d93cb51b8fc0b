"""Markdown table of bottleneck_eval.py reports (one or more JSON files, e.g. one per position).

    /usr/bin/python3 experiments/supernet/bottleneck_table.py results/bottleneck/eval-cpu-s*.json [--bn recal]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Dict, List

import numpy as np


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("reports", nargs="+")
    p.add_argument("--bn", default="recal", choices=["recal", "trained"])
    a = p.parse_args()
    rows: List[Dict[str, Any]] = []
    for f in a.reports:
        r = json.loads(Path(f).read_text())
        names = list(r["archs"])
        largest = next(n for n in names if r["archs"][n]["arch"] == "7" * 22)
        training = r.get("training", {})
        for s, shape in r["shapes"].items():
            c, h, w = shape
            keys = sorted({k.split("/")[1] for n in names for k in r["archs"][n]["accuracy"]
                           if k.startswith(f"{a.bn}@{s}/")}, key=lambda x: -int(x))
            for width in keys:
                key = f"{a.bn}@{s}/{width}"
                d = {n: 100 * (r["archs"][n]["accuracy"][key] - r["archs"][n]["accuracy"]["unsplit"]) for n in names}
                rand = [d[n] for n in names if n != largest]
                t = training.get(s, {})
                rows.append({"s": int(s), "shape": f"{c}×{h}×{w}", "c": int(width), "div": c // int(width),
                             "bytes": int(width) * h * w + 8, "fp32": 4 * c * h * w, "largest": d[largest],
                             "rand": float(np.mean(rand)), "min": min(d.values()), "all": float(np.mean(list(d.values()))),
                             "n": len(rand), "images": r["images"], "steps": t.get("steps"),
                             "minutes": None if t.get("seconds") is None else t["seconds"] / 60})
    rows.sort(key=lambda x: (x["s"], -x["c"]))
    print(f"| s | tensor (fp32 B) | c | payload B | largest | mean of {rows[0]['n'] if rows else 0} random | worst subnet | mean of all | steps (all cycles) | train-min |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for x in rows:
        steps = "" if x["steps"] is None else str(x["steps"])
        mins = "" if x["minutes"] is None else f"{x['minutes']:.1f}"
        print(f"| {x['s']} | {x['shape']} ({x['fp32']:,}) | {x['c']} (C/{x['div']}) | {x['bytes']:,} | {x['largest']:+.1f} | "
              f"{x['rand']:+.1f} | {x['min']:+.1f} | {x['all']:+.1f} | {steps} | {mins} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
