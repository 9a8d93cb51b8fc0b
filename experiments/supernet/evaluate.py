"""Accuracy of subnets in PyTorch under three BatchNorm choices, to pick the one to trust.

BN modes: ``running`` (the stored statistics, what an ONNX graph from the store computes),
``recal`` (per-subnet recalibration: exact statistics of that subnet on --recal-images
training images), ``batch`` (statistics of each evaluation batch). Reports accuracies and
rank agreement (Kendall tau, Spearman rho) between the modes.

    /usr/bin/python3 experiments/supernet/evaluate.py --weights experiments/supernet/store/fbnet-cifar10.json \
        --data-dir DATA --archs largest smallest random:8 --split test --images 2000
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bn import BatchStatsBN, recalibrate_bn, restore_bn, snapshot_bn  # noqa: E402
from data import batches, load_cifar, normalise, resolve_data_dir  # noqa: E402
from model import LARGEST, NUM_CANDIDATES, Supernet, arch_str  # noqa: E402
from store import load_store_model  # noqa: E402


def parse_archs(specs: Sequence[str], n: int) -> Dict[str, List[int]]:
    """'largest', 'smallest' (all k3_e1_g2), 'skip', 'random:N[:seed]' or 22 digits 0-8."""
    out: Dict[str, List[int]] = {}
    for s in specs:
        if s == "largest":
            out[s] = [LARGEST] * n
        elif s == "smallest":
            out[s] = [1] * n
        elif s == "skip":
            out[s] = [8] * n
        elif s.startswith("random:"):
            parts = s.split(":")
            g = torch.Generator().manual_seed(int(parts[2]) if len(parts) > 2 else 1)
            for _ in range(int(parts[1])):
                a = torch.randint(0, NUM_CANDIDATES, (n,), generator=g).tolist()
                out[arch_str(a)] = a
        else:
            digits = s.replace(",", "")
            if len(digits) != n or not all(c in "012345678" for c in digits):
                raise SystemExit(f"bad arch {s!r}: need {n} digits 0-8")
            out[s] = [int(c) for c in digits]
    return out


def accuracy(model: Supernet, arch: Sequence[int], x: np.ndarray, y: np.ndarray,
             batch: int) -> float:
    correct = 0
    with torch.no_grad():
        for xb, yb in batches(x, y, batch):
            xb = xb.contiguous(memory_format=torch.channels_last)
            correct += int((model(xb, arch).argmax(1) == yb).sum())
    return correct / len(y)


def kendall_tau(a: Sequence[float], b: Sequence[float]) -> float:
    """Tau-b (ties counted as neither concordant nor discordant)."""
    conc = disc = ta = tb = 0
    for i, j in itertools.combinations(range(len(a)), 2):
        da, db = np.sign(a[i] - a[j]), np.sign(b[i] - b[j])
        if da == 0 and db == 0:
            continue
        if da == 0:
            ta += 1
        elif db == 0:
            tb += 1
        elif da == db:
            conc += 1
        else:
            disc += 1
    denom = ((conc + disc + ta) * (conc + disc + tb)) ** 0.5
    return float((conc - disc) / denom) if denom else float("nan")


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    ra = np.argsort(np.argsort(a)).astype(float)
    rb = np.argsort(np.argsort(b)).astype(float)
    if ra.std() == 0 or rb.std() == 0:
        return float("nan")
    return float(np.corrcoef(ra, rb)[0, 1])


def load_model(args: argparse.Namespace) -> Tuple[str, Supernet]:
    if args.weights:
        _, model = load_store_model(args.weights)
        return f"store {args.weights}", model
    from export import load_checkpoint_model
    ckpt = Path(args.checkpoint)
    _, model = load_checkpoint_model(ckpt)
    return f"checkpoint {ckpt}", model


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--weights", help="weight store (.json or .bin)")
    src.add_argument("--checkpoint", help="training checkpoint.pt")
    p.add_argument("--data-dir", help="default $NASC_DATA")
    p.add_argument("--archs", nargs="+", default=["largest", "smallest", "random:8"])
    p.add_argument("--split", choices=["test", "val"], default="test")
    p.add_argument("--images", type=int, default=10000, help="first N images of the split "
                   "(class-balanced prefixes for test; evenly spaced for val)")
    p.add_argument("--bn", nargs="+", default=["running", "recal", "batch"],
                   choices=["running", "recal", "batch"])
    p.add_argument("--recal-images", type=int, default=2000)
    p.add_argument("--batch", type=int, default=200)
    p.add_argument("--split-seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", help="write the report as JSON here")
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)

    source, model = load_model(a)
    model = model.to(memory_format=torch.channels_last).eval()
    splits = load_cifar(resolve_data_dir(a.data_dir), a.split_seed, 500, with_test=a.split == "test")
    if a.split == "test":
        assert splits.test_x is not None and splits.test_y is not None
        x, y = splits.test_x[: a.images], splits.test_y[: a.images]
    else:
        sel = np.linspace(0, len(splits.val_y) - 1, min(a.images, len(splits.val_y))).astype(int)
        x, y = splits.val_x[sel], splits.val_y[sel]
    g = torch.Generator().manual_seed(12345)
    ridx = torch.randperm(len(splits.train_y), generator=g)[: a.recal_images].numpy()
    recal_x = splits.train_x[ridx]
    archs = parse_archs(a.archs, len(model.layers))

    results: Dict[str, Dict[str, float]] = {m: {} for m in a.bn}
    base = snapshot_bn(model)
    for name, arch in archs.items():
        t0 = time.time()
        for mode in a.bn:
            if mode == "running":
                model.eval()
                results[mode][name] = accuracy(model, arch, x, y, a.batch)
            elif mode == "batch":
                with BatchStatsBN(model):
                    results[mode][name] = accuracy(model, arch, x, y, a.batch)
            else:
                imgs = [normalise(torch.from_numpy(recal_x[i:i + a.batch]))
                        .contiguous(memory_format=torch.channels_last)
                        for i in range(0, len(recal_x), a.batch)]
                recalibrate_bn(model, imgs, lambda k: arch)
                model.eval()
                results[mode][name] = accuracy(model, arch, x, y, a.batch)
                restore_bn(model, base)
        print(f"{name:>24} " + " ".join(f"{m}={results[m][name]:.4f}" for m in a.bn) +
              f"  ({time.time() - t0:.0f}s)", flush=True)

    names = list(archs)
    summary: Dict[str, object] = {
        "mean": {m: float(np.mean([results[m][n] for n in names])) for m in a.bn},
        "kendall": {}, "spearman": {},
    }
    for m1, m2 in itertools.combinations(a.bn, 2):
        v1 = [results[m1][n] for n in names]
        v2 = [results[m2][n] for n in names]
        summary["kendall"][f"{m1}~{m2}"] = kendall_tau(v1, v2)  # type: ignore[index]
        summary["spearman"][f"{m1}~{m2}"] = spearman(v1, v2)  # type: ignore[index]
    report = {"source": source, "split": a.split, "images": len(y),
              "recalImages": a.recal_images, "archs": {n: arch_str(v) for n, v in archs.items()},
              "accuracy": results, "summary": summary}
    print(json.dumps(summary, indent=1))
    if a.out:
        Path(a.out).parent.mkdir(parents=True, exist_ok=True)
        Path(a.out).write_text(json.dumps(report, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
