"""Test accuracy of split subnets with learned bottlenecks against the unsplit subnet.

For each subnet: per-subnet BN recalibration on --recal-images training images (all BNs in
batch-statistics mode, averaged over batches as bn.py / workers/bn_statistics.ts do; the
bottleneck's BNs are recalibrated in the same pass, fed the clean split tensor), then on the
first --images CIFAR-10 test images (or, with --image-set validation, the first --images of the
store's held-out validation images, which no trainer sees: for choosing which modules to ship
without looking at test images): the unsplit accuracy, the plain int8 payload at each
position (c = C) and every bottleneck under two choices for its own BNs — ``trained`` (the
running statistics stored with it) and ``recal`` (recalibrated with the subnet).

    /usr/bin/python3 experiments/supernet/bottleneck_eval.py --store experiments/supernet/store/fbnet-cifar10.json \\
        --images 2000 --out experiments/supernet/results/bottleneck/eval-cpu.json
    (or --checkpoint experiments/supernet/checkpoints/bottleneck/cpu/checkpoint.pt: the fp32 modules)
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bn import batchnorms, restore_bn, snapshot_bn  # noqa: E402
from bottleneck_model import Bottleneck, int8_roundtrip  # noqa: E402
from data import load_cifar, normalise, resolve_data_dir  # noqa: E402
from evaluate import parse_archs  # noqa: E402
from model import Supernet, arch_str  # noqa: E402
from store import load_store_bottlenecks, load_store_model  # noqa: E402

HERE = Path(__file__).resolve().parent
# largest + the three random subnets of ../shared/BOTTLENECK.md + two more (seed 7)
DEFAULT_ARCHS = ["largest", "8771574252003787110601", "2440435864172872288622",
                 "4123123633457654754426", "random:2:7"]
Key = Tuple[int, int]  # (split, width)


def repo_relative(path: str) -> str:
    """A path inside the repository as relative to its root (no machine paths in reports)."""
    p = Path(path).resolve()
    root = HERE.parents[1]
    return str(p.relative_to(root)) if p.is_relative_to(root) else str(path)


def load_bottlenecks(args: argparse.Namespace) -> Tuple[Dict[Key, Bottleneck], Dict[str, Any]]:
    if args.checkpoint:
        from bottleneck import load_state
        state = load_state(Path(args.checkpoint))
        out: Dict[Key, Bottleneck] = {}
        info: Dict[str, Any] = {}
        for key, rec in state["positions"].items():
            for d, sd in zip(rec["divisors"], rec["modules"]):
                w = max(1, rec["channels"] // d)
                b = Bottleneck(rec["channels"], w, patch=rec.get("patch", 1))
                b.load_state_dict(sd)
                out[(int(key), w)] = b.eval()
            info[key] = {"steps": rec["step"], "seconds": round(rec["seconds"], 1), "done": rec["done"], "patch": rec.get("patch", 1)}
        return out, info
    return load_store_bottlenecks(args.store), {}


def tail(model: Supernet, x: torch.Tensor, arch: Sequence[int], split: int) -> torch.Tensor:
    return model.forward_head(model.forward_layers(x, arch, split))


@torch.no_grad()
def recalibrate(model: Supernet, bns: Dict[Key, Bottleneck], arch: Sequence[int],
                images: List[torch.Tensor]) -> None:
    """Per-subnet recalibration of the supernet's BNs and, fed the clean split tensor, the
    bottlenecks' BNs; BNs the subnet does not use keep their statistics."""
    mods: List[nn.Module] = [model, *bns.values()]
    all_bn = [m for mod in mods for m in batchnorms(mod)]
    saved = [snapshot_bn(mod) for mod in mods]
    momenta = [m.momentum for m in all_bn]
    for m in all_bn:
        m.reset_running_stats()
        m.momentum = None
    for mod in mods:
        mod.train()
    positions = sorted({s for s, _ in bns})
    for xb in images:
        x = model.forward_stem(xb)
        for i in range(len(model.layers)):
            if i in positions:
                for (s, _), b in bns.items():
                    if s == i:
                        b(x)
            x = model.layers[i].forward_candidate(x, int(arch[i]))
        model.forward_head(x)
    for m, mom in zip(all_bn, momenta):
        m.momentum = mom
    for mod, snap in zip(mods, saved):
        bufs = dict(mod.named_buffers())
        for name, buf in bufs.items():
            if name.endswith("num_batches_tracked") and int(buf) == 0:
                p = name[: -len("num_batches_tracked")]
                for suf in ("running_mean", "running_var", "num_batches_tracked"):
                    bufs[p + suf].copy_(snap[p + suf])
        mod.eval()


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--store", default=str(HERE / "store" / "fbnet-cifar10.json"),
                   help="weight store (the supernet; and the bottlenecks unless --checkpoint)")
    p.add_argument("--checkpoint", help="bottleneck.py checkpoint.pt (fp32 modules)")
    p.add_argument("--data-dir")
    p.add_argument("--archs", nargs="+", default=DEFAULT_ARCHS)
    p.add_argument("--positions", help="comma-separated subset of the trained positions")
    p.add_argument("--images", type=int, default=2000)
    p.add_argument("--image-set", choices=["test", "validation"], default="test",
                   help="test images (for reports) or the held-out validation images (for choices)")
    p.add_argument("--recal-images", type=int, default=500)
    p.add_argument("--batch", type=int, default=250,
                   help="images per recalibration batch (BN statistics are averaged over batches, so "
                        "this changes them: `nasc accuracy` calibrates in batches of 100)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--bottleneck-bn", nargs="+", choices=["trained", "recal"], default=["trained", "recal"],
                   help="statistics of the bottleneck's own BNs: stored (trained) and/or recalibrated")
    p.add_argument("--no-int8-reference", action="store_true", help="skip the plain int8 payload (c = C)")
    p.add_argument("--calibration", choices=["random", "first"], default="random",
                   help="random: --recal-images random training images (seed 12345); first: the first "
                        "ones outside the validation split in record order, in batches of --batch "
                        "(what `nasc accuracy` uses: for a parity check pass --recal-images 250 --batch 100)")
    p.add_argument("--out", help="JSON report")
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)

    manifest, model = load_store_model(a.store)
    model = model.to(memory_format=torch.channels_last).eval()
    for prm in model.parameters():
        prm.requires_grad_(False)
    bns, train_info = load_bottlenecks(a)
    if a.positions:
        keep = {int(s) for s in a.positions.split(",")}
        bns = {k: v for k, v in bns.items() if k[0] in keep}
    if not bns:
        raise SystemExit("no bottlenecks to evaluate")
    positions = sorted({s for s, _ in bns})
    splits = load_cifar(resolve_data_dir(a.data_dir), int(manifest["split"]["seed"]),
                        int(manifest["split"]["validationPerClass"]), with_test=True)
    assert splits.test_x is not None and splits.test_y is not None
    if a.image_set == "test":
        tx, ty = splits.test_x[: a.images], torch.from_numpy(splits.test_y[: a.images])
    else:
        tx, ty = splits.val_x[: a.images], torch.from_numpy(splits.val_y[: a.images])
    if a.calibration == "random":
        g = torch.Generator().manual_seed(12345)
        ridx = torch.randperm(len(splits.train_y), generator=g)[: a.recal_images].numpy()
    else:  # train_x is the training file without the validation records, in record order
        ridx = np.arange(a.recal_images)
    cal = [normalise(torch.from_numpy(splits.train_x[ridx[i:i + a.batch]]))
           .contiguous(memory_format=torch.channels_last) for i in range(0, len(ridx), a.batch)]
    test = [(normalise(torch.from_numpy(tx[i:i + a.batch])).contiguous(memory_format=torch.channels_last),
             ty[i:i + a.batch]) for i in range(0, len(ty), a.batch)]
    archs = parse_archs(a.archs, len(model.layers))
    base_model = snapshot_bn(model)
    trained = {k: copy.deepcopy(b) for k, b in bns.items()}
    shapes = {s: tuple(model.split_head(cal[0][:1], [0] * len(model.layers), s).shape[1:]) for s in positions}

    report: Dict[str, Any] = {"store": repo_relative(a.store), "checkpoint": a.checkpoint and repo_relative(a.checkpoint), "images": len(ty),
                              "imageSet": a.image_set, "recalImages": len(ridx), "calibration": a.calibration, "training": train_info,
                              "archs": {}, "shapes": {str(s): list(shapes[s]) for s in positions}}
    for name, arch in archs.items():
        t0 = time.time()
        restore_bn(model, base_model)
        recal = {k: copy.deepcopy(b) for k, b in trained.items()}
        recalibrate(model, recal, arch, cal)
        correct: Dict[str, int] = {}
        agree: Dict[str, int] = {}

        def count(key: str, logits: torch.Tensor, y: torch.Tensor, ref: torch.Tensor) -> None:
            pred = logits.argmax(1)
            correct[key] = correct.get(key, 0) + int((pred == y).sum())
            agree[key] = agree.get(key, 0) + int((pred == ref).sum())

        with torch.no_grad():
            for xb, yb in test:
                heads: Dict[int, torch.Tensor] = {}
                x = model.forward_stem(xb)
                for i in range(len(model.layers)):
                    if i in positions:
                        heads[i] = x
                    x = model.layers[i].forward_candidate(x, int(arch[i]))
                full = model.forward_head(x)
                ref = full.argmax(1)
                count("unsplit", full, yb, ref)
                for s in positions:
                    h = heads[s]
                    if not a.no_int8_reference:
                        count(f"int8@{s}", tail(model, int8_roundtrip(h), arch, s), yb, ref)
                    for (bs, w), b in trained.items():
                        if bs != s:
                            continue
                        if "trained" in a.bottleneck_bn:
                            count(f"trained@{s}/{w}", tail(model, b(h), arch, s), yb, ref)
                        if "recal" in a.bottleneck_bn:
                            count(f"recal@{s}/{w}", tail(model, recal[(bs, w)](h), arch, s), yb, ref)
        n = len(ty)
        acc = {k: v / n for k, v in correct.items()}
        report["archs"][name] = {"arch": arch_str(arch), "accuracy": acc,
                                 "agreement": {k: v / n for k, v in agree.items()},
                                 "seconds": round(time.time() - t0, 1)}
        mode0 = a.bottleneck_bn[-1]
        print(f"{name}: unsplit {acc['unsplit']:.4f} | {mode0} " + " ".join(
            f"s{s}:" + ",".join(f"{100 * (acc[f'{mode0}@{s}/{w}'] - acc['unsplit']):+.1f}"
                                for (bs, w) in sorted(trained) if bs == s)
            for s in positions) + f" ({time.time() - t0:.0f}s)", flush=True)

    summary = []
    names = list(archs)
    for s in positions:
        c, h, w_ = shapes[s]
        rows = ([] if a.no_int8_reference else [("int8", c, f"int8@{s}")]) + [
            (mode, w, f"{mode}@{s}/{w}") for (bs, w) in sorted(trained, key=lambda k: -k[1])
            if bs == s for mode in a.bottleneck_bn]
        for mode, width, key in rows:
            d = [100 * (report["archs"][nm]["accuracy"][key] - report["archs"][nm]["accuracy"]["unsplit"]) for nm in names]
            summary.append({"split": s, "channels": c, "width": width, "bn": mode,
                            "payloadBytes": width * h * w_ + 8,
                            "meanChange": round(float(np.mean(d)), 2), "minChange": round(float(np.min(d)), 2),
                            "maxChange": round(float(np.max(d)), 2), "largestChange": round(d[0], 2),
                            "meanAgreement": round(float(np.mean([report["archs"][nm]["agreement"][key] for nm in names])), 4)})
    report["summary"] = summary
    for r in summary:
        print(f"s={r['split']:>2} c={r['width']:>3} {r['bn']:>7} {r['payloadBytes']:>6} B  mean {r['meanChange']:+.2f} "
              f"[{r['minChange']:+.1f}, {r['maxChange']:+.1f}] largest {r['largestChange']:+.2f} agree {r['meanAgreement']:.3f}")
    if a.out:
        out = Path(a.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text(json.dumps(report, indent=1) + "\n")
        os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
