"""Which bottleneck form to train at a split position: per-pixel (1x1 conv C->c, the store's) or
per-patch (2x2 conv with stride 2, C->c', i.e. the PCA of 2x2 patches, and a 2x2 transposed conv
back), compared at equal int8 payload from their PCA start alone (no training).

A 2x2 patch projection contains the per-pixel one (a block-diagonal patch matrix), so its rank-c'
PCA reconstructs the split tensor at least as well at the same payload: c' = 4C/d channels at
H/2 x W/2 against c = C/d at H x W. Whether that shows in accuracy is what this measures.

    /usr/bin/python3 experiments/supernet/bottleneck_form_probe.py --positions 1 --images 1000 \\
        --out experiments/supernet/results/bottleneck/form-probe-s1.json
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
from bn import restore_bn, snapshot_bn  # noqa: E402
from bottleneck import load_frozen, split_channels  # noqa: E402
from bottleneck_eval import DEFAULT_ARCHS, recalibrate, repo_relative, tail  # noqa: E402
from bottleneck_model import DIVISORS, Bottleneck, pca_init  # noqa: E402
from data import load_cifar, normalise, resolve_data_dir  # noqa: E402
from evaluate import parse_archs  # noqa: E402
from model import arch_str  # noqa: E402
from store import load_store_model  # noqa: E402

HERE = Path(__file__).resolve().parent
Tensor = torch.Tensor


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--store", default=str(HERE / "store" / "fbnet-cifar10.json"))
    p.add_argument("--data-dir")
    p.add_argument("--positions", default="1")
    p.add_argument("--archs", nargs="+", default=DEFAULT_ARCHS[:4])
    p.add_argument("--images", type=int, default=1000)
    p.add_argument("--recal-images", type=int, default=500)
    p.add_argument("--pca-batches", type=int, default=8)
    p.add_argument("--batch", type=int, default=250)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out")
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    device = torch.device("cpu")
    manifest, frozen, fbn = load_frozen(Path(a.store), device)
    _, model = load_store_model(a.store)
    model = model.to(memory_format=torch.channels_last).eval()
    for prm in model.parameters():
        prm.requires_grad_(False)
    space = frozen.space
    n = len(model.layers)
    splits = load_cifar(resolve_data_dir(a.data_dir), int(manifest["split"]["seed"]),
                        int(manifest["split"]["validationPerClass"]), with_test=True)
    assert splits.test_x is not None and splits.test_y is not None
    g = torch.Generator().manual_seed(12345)
    ridx = torch.randperm(len(splits.train_y), generator=g)[: a.recal_images].numpy()
    cal = [normalise(torch.from_numpy(splits.train_x[ridx[i:i + a.batch]])).contiguous(memory_format=torch.channels_last)
           for i in range(0, len(ridx), a.batch)]
    ty = torch.from_numpy(splits.test_y[: a.images])
    test = [(normalise(torch.from_numpy(splits.test_x[i:i + a.batch])).contiguous(memory_format=torch.channels_last),
             ty[i:i + a.batch]) for i in range(0, a.images, a.batch)]
    positions = [int(s) for s in a.positions.split(",")]
    archs = parse_archs(a.archs, n)

    # PCA samples: split tensors of random subnets on training images under batch statistics (as bottleneck.py)
    pg = torch.Generator().manual_seed(4242)
    modules: Dict[Tuple[int, str, int], nn.Module] = {}
    fbn.mode = "batch"
    for s in positions:
        c = split_channels(space, s)
        samples = []
        with torch.no_grad():
            for k in range(a.pca_batches):
                idx = torch.randint(0, len(splits.train_y), (64,), generator=pg).numpy()
                arch = torch.randint(0, 9, (n,), generator=pg).tolist()
                x = normalise(torch.from_numpy(splits.train_x[idx])).contiguous(memory_format=torch.channels_last)
                samples.append(frozen.split_head(x, arch, s).float())
        xs = torch.cat(samples)
        pix = [Bottleneck(c, max(1, c // d), space.bn_eps) for d in DIVISORS]
        pca_init(pix, xs, space.bn_eps)
        patch = [Bottleneck(c, max(1, c // d), space.bn_eps, patch=2) for d in DIVISORS]
        pca_init(patch, xs, space.bn_eps)
        for d, b in zip(DIVISORS, pix):
            modules[(s, "pixel", d)] = b.eval()
        for d, b in zip(DIVISORS, patch):
            modules[(s, "patch", d)] = b.eval()
        print(f"s={s}: C={c}, {xs.shape[0]} PCA samples, pixel widths {[b.width for b in pix]}, "
              f"patch channels sent {[b.sent for b in patch]}", flush=True)

    base = snapshot_bn(model)
    report: Dict[str, Any] = {"store": repo_relative(a.store), "images": a.images, "recalImages": len(ridx),
                              "note": "PCA start only, no training; BN of the modules recalibrated per subnet", "archs": {}}
    keyed = {(s, 1000 * (form == "patch") + d): m for (s, form, d), m in modules.items()}
    for name, arch in archs.items():
        t0 = time.time()
        restore_bn(model, base)
        recal = {k: copy.deepcopy(m) for k, m in keyed.items()}
        recalibrate(model, recal, arch, cal)
        correct: Dict[str, int] = {}
        with torch.no_grad():
            for xb, yb in test:
                heads: Dict[int, Tensor] = {}
                x = model.forward_stem(xb)
                for i in range(n):
                    if i in positions:
                        heads[i] = x
                    x = model.layers[i].forward_candidate(x, int(arch[i]))
                correct["unsplit"] = correct.get("unsplit", 0) + int((model.forward_head(x).argmax(1) == yb).sum())
                for (s, form, d) in modules:
                    k = f"{form}@{s}/C{d}"
                    out = tail(model, recal[(s, 1000 * (form == 'patch') + d)](heads[s]), arch, s)
                    correct[k] = correct.get(k, 0) + int((out.argmax(1) == yb).sum())
        acc = {k: v / a.images for k, v in correct.items()}
        report["archs"][name] = {"arch": arch_str(arch), "accuracy": acc, "seconds": round(time.time() - t0, 1)}
        print(f"{name}: unsplit {acc['unsplit']:.3f} " + " ".join(f"{k} {100 * (v - acc['unsplit']):+.1f}"
                                                           for k, v in acc.items() if k != "unsplit"), flush=True)
    summary = []
    for (s, form, d) in modules:
        k = f"{form}@{s}/C{d}"
        ch = [100 * (r["accuracy"][k] - r["accuracy"]["unsplit"]) for r in report["archs"].values()]
        m = modules[(s, form, d)]
        c = split_channels(space, s)
        summary.append({"split": s, "form": form, "payloadFraction": f"C/{d}", "width": m.width, "sent": m.sent,
                        "meanChange": round(float(np.mean(ch)), 2), "minChange": round(float(np.min(ch)), 2)})
        print(f"s={s} {form:>5} C/{d:<2} (sends {m.sent:>3} ch) mean {np.mean(ch):+.2f} worst {np.min(ch):+.1f}")
    report["summary"] = summary
    if a.out:
        out = Path(a.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text(json.dumps(report, indent=1) + "\n")
        os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
