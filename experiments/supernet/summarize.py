"""Summarise training runs: loss against training seconds (binned), step times, validation.

    /usr/bin/python3 experiments/supernet/summarize.py trialA trialB ... [--plot out.png]

Loss is the cross-entropy of the sampled path(s) of each step, so it is comparable between
recipes only roughly (different paths); the validation accuracies of the fixed subnets are
the fair comparison at equal CPU time.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

HERE = Path(__file__).resolve().parent


def read_jsonl(p: Path) -> List[dict]:
    return [json.loads(line) for line in p.read_text().splitlines() if line.strip()]


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--checkpoint-dir", default=str(HERE / "checkpoints"))
    ap.add_argument("--bin-seconds", type=float, default=60.0)
    ap.add_argument("--plot", help="write a PNG of loss vs training minutes")
    a = ap.parse_args(argv)
    curves: Dict[str, tuple] = {}
    for run in a.runs:
        d = Path(a.checkpoint_dir) / run
        log = read_jsonl(d / "log.jsonl")
        cfg = json.loads((d / "config.json").read_text())
        sec = np.array([r["seconds"] for r in log])
        # mean CE over all paths of a step (the last path is the random one for sandwich)
        loss = np.array([np.mean(r["losses"]) if r["losses"] else np.nan for r in log])
        last = np.array([r["loss"] if r["loss"] is not None else np.nan for r in log])
        dt = np.array([r["dt"] for r in log])
        bins = np.floor(sec / a.bin_seconds).astype(int)
        row = []
        for b in range(bins.max() + 1):
            m = bins == b
            if m.any():
                row.append(f"{np.nanmean(last[m]):.3f}")
        val = read_jsonl(d / "val.jsonl") if (d / "val.jsonl").is_file() else []
        print(f"## {run}: sharing={cfg['sharing']} recipe={cfg['recipe']} lr={cfg['lr']} "
              f"warmup={cfg['warmup']} steps={len(log)} train-s={sec[-1]:.0f} "
              f"mean s/step={dt.mean():.2f} (median {np.median(dt):.2f})")
        print(f"   loss of the sampled (last) path, mean per {a.bin_seconds:.0f}s bin: "
              + " ".join(row))
        for v in val[-1:]:
            acc = v["acc"]
            print(f"   val@{v['step']} ({v['images']} img, {v['bn']} BN): "
                  + " ".join(f"{k}={x:.3f}" for k, x in acc.items())
                  + f" | mean={np.mean(list(acc.values())):.3f}")
        curves[run] = (sec / 60, last, loss)
    if a.plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(7, 4))
        for run, (mins, last, _) in curves.items():
            k = 15
            sm = np.convolve(np.nan_to_num(last, nan=2.3), np.ones(k) / k, mode="valid")
            ax.plot(mins[k - 1:], sm, label=run)
        ax.axhline(np.log(10), color="grey", lw=0.5, ls="--")
        ax.set_xlabel("training minutes (1 thread)")
        ax.set_ylabel("CE of sampled path (15-step mean)")
        ax.legend()
        fig.tight_layout()
        fig.savefig(a.plot, dpi=90)
        print(f"wrote {a.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
