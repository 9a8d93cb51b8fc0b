"""Merge bottleneck.py checkpoints trained side by side (one process per position, each in its own
--run, so that two cores train two positions at once) into one resumable checkpoint.

    /usr/bin/python3 experiments/supernet/merge_bottleneck.py --out store/bottleneck-cpu.pt \
        store/bottleneck-cpu.pt checkpoints/bottleneck/cpu-s1b128/checkpoint.pt:1 ...

Each input is PATH or PATH:POSITIONS (comma-separated); later inputs replace earlier ones'
positions. All inputs must have been trained on the same supernet (their store sha256).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bottleneck import atomic_save, load_state  # noqa: E402


def fail(message: str) -> "SystemExit":
    """Bad input: one line on stderr, exit code 2 (the project's rule)."""
    print(f"merge_bottleneck: {message}", file=sys.stderr)
    return SystemExit(2)


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="+", help="checkpoint.pt[:positions]")
    p.add_argument("--out", required=True)
    p.add_argument("--slim", action="store_true",
                   help="drop the optimizer state and keep the modules as float16 (a checkpoint small "
                        "enough to commit: finished positions continue with --new-cycle, which starts "
                        "a fresh optimizer anyway; an unfinished one would restart its Adam state)")
    a = p.parse_args(argv)
    merged: Dict[str, Any] = {"positions": {}}
    sources: List[str] = []
    for spec in a.inputs:
        path, _, pos = spec.partition(":")
        if not Path(path).is_file():
            raise fail(f"{path}: no such checkpoint")
        state = load_state(Path(path))
        if "positions" not in state or "store_sha256" not in state:
            raise fail(f"{path}: not a bottleneck.py checkpoint")
        if merged.get("store_sha256") not in (None, state["store_sha256"]):
            raise fail(f"{path} was trained on another supernet (sha256 {state['store_sha256']})")
        merged["store_sha256"] = state["store_sha256"]
        try:
            keys = [str(int(x)) for x in pos.split(",") if x.strip()] if pos else list(state["positions"])
        except ValueError:
            raise fail(f"{spec}: positions must be comma-separated integers")
        for k in keys:
            if k not in state["positions"]:
                raise fail(f"{path} holds no position {k} (it has {sorted(state['positions'], key=int)})")
            rec = dict(state["positions"][k])
            # A position's first training settings (batch, threads, …) go with it: the merged
            # checkpoint's one "config" is the last input's, which later cycles (another batch) wrote.
            earlier = merged["positions"].get(k)
            rec.setdefault("config", earlier.get("config", merged.get("config")) if earlier else state["config"])
            merged["positions"][k] = rec
        merged["config"] = state["config"]
        sources.append(f"{path}: {','.join(keys)}")
    # Where the data and checkpoints were on the training machine means nothing elsewhere, and a
    # committed checkpoint carries no machine paths (bottleneck.py ignores both on resume).
    for cfg in [merged.get("config")] + [rec.get("config") for rec in merged["positions"].values()]:
        if isinstance(cfg, dict):
            cfg.update({k: None for k in ("data_dir", "checkpoint_dir") if k in cfg})
    if a.slim:
        for rec in merged["positions"].values():
            rec["optimizer"] = None
            rec["modules"] = [{k: v.half() if v.is_floating_point() else v for k, v in sd.items()}
                              for sd in rec["modules"]]
    atomic_save(merged, Path(a.out))
    for s in sources:
        print(s)
    summary = ", ".join(f"s={k} {r['step']} steps{' (done)' if r['done'] else ''}"
                        for k, r in sorted(merged["positions"].items(), key=lambda kv: int(kv[0])))
    print(f"{a.out}: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
