"""Make test/fixtures/supernet-tiny: a narrow random supernet store plus PyTorch reference outputs.

The TypeScript graph builder is checked against these numbers: it builds an ONNX graph per
genome from ``tiny.json``/``tiny.bin``, feeds ``images.bin`` normalised with the manifest's
``normalization``, and must reproduce ``expected.json`` (logits of all images; for some split
points the head tensor of image 0; through the store's learned-bottleneck modules at a few
splits: the int8 codes and the logits). Everything is seeded, no CIFAR data is involved.

    /usr/bin/python3 experiments/supernet/make_fixture.py [--out test/fixtures/supernet-tiny]
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bn import recalibrate_bn  # noqa: E402
from data import normalise, splitmix64_int, validation_indices  # noqa: E402
from model import (CANDIDATES, LARGEST, NUM_CANDIDATES, SKIP, SpaceConfig, Supernet,  # noqa: E402
                   arch_str)  # noqa: E402
from bottleneck_model import Bottleneck, int8_roundtrip, store_prefix  # noqa: E402
from store import load_store_bottlenecks, load_store_model, write_store  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
# genome k's split point besides s = 22: every s in 1..21 occurs, except the
# full-resolution s = 2, 3 (kept out to stay under 1 MB; s = 1 and 4 cover that shape)
SPLIT_POINTS = [1, 4] + list(range(5, 22)) + [9, 12, 16, 20, 13, 17, 21]
# (split, width) of the fixture's bottlenecks: every tensor shape group but the first,
# widths from 1 to C/2 (the tiny space's C are 4..8)
BOTTLENECKS = [(1, 2), (5, 1), (6, 3), (13, 2), (17, 4), (21, 4)]
# 2x2-patch bottlenecks (format 3), after the 1x1 ones so those keep their random values
PATCH_BOTTLENECKS = [(4, 1), (10, 2), (19, 2)]


def random_bottlenecks(space: SpaceConfig, gen: torch.Generator) -> List[Bottleneck]:
    """Random encoder/decoder pairs with non-trivial BN statistics (own generator, so the rest
    of the fixture is what it was before bottlenecks existed)."""
    specs = space.layer_specs()
    out = []
    for (s, w), patch in [(sw, 1) for sw in BOTTLENECKS] + [(sw, 2) for sw in PATCH_BOTTLENECKS]:
        c = specs[s - 1][1]
        b = Bottleneck(c, w, space.bn_eps, patch)
        with torch.no_grad():
            for conv in (b.enc, b.dec):
                conv.weight.copy_(torch.randn(conv.weight.shape, generator=gen) / conv.weight.shape[1] ** 0.5)
            for bn in (b.enc_bn, b.dec_bn):
                n = bn.weight.shape[0]
                bn.weight.copy_(0.5 + torch.rand(n, generator=gen))
                bn.bias.copy_(0.3 * torch.randn(n, generator=gen))
                bn.running_mean.copy_(0.3 * torch.randn(n, generator=gen))
                bn.running_var.copy_(0.5 + torch.rand(n, generator=gen))
        out.append(b.eval())
    return out


def tiny_space() -> SpaceConfig:
    """Narrow but shape-rich: conv skips with stride only (6->6), channels only (6->8, 8->10),
    both (4->6); identity skips; every g2 group holds >= 2 channels so the shuffle is a real
    permutation; all widths even."""
    return SpaceConfig(stem_channels=4, stage_channels=(4, 4, 6, 6, 8, 8, 10), head_channels=16)


def sig(v: float, digits: int = 7) -> float:
    """Round for JSON size; 7 significant digits are float32 resolution to ~1 ulp."""
    return float(f"{v:.{digits}g}")


def randomise(model: Supernet, gen: torch.Generator) -> None:
    """Random weights incl. BN affine parameters (so zero-init gammas do not hide bugs)."""
    model.reset_parameters(gen)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.copy_(0.5 + torch.rand(m.weight.shape, generator=gen))
                m.bias.copy_(0.2 * torch.randn(m.bias.shape, generator=gen))
        model.classifier.weight.copy_(torch.randn(model.classifier.weight.shape, generator=gen)
                                      * 0.3)
        model.classifier.bias.copy_(torch.randn(model.classifier.bias.shape, generator=gen) * 0.1)


def split_vectors() -> Dict[str, Any]:
    """Test vectors for the STORE.md validation split (no CIFAR needed: labels = k % 10)."""
    out: Dict[str, Any] = {
        "description": "splitmix64 values and validation indices for 50,000 records whose label "
                       "is recordIndex % 10 (the record order of train.bin)",
        "splitmix64": [{"x": str(x), "out": str(splitmix64_int(x))}
                       for x in (0, 1, 12345, (1 << 32) | 7, (1 << 64) - 1)],
        "cases": [],
    }
    labels = np.arange(50000) % 10
    for seed, per_class in ((0, 500), (1, 500), (0, 3)):
        vi = validation_indices(labels, seed, per_class)
        out["cases"].append({
            "seed": seed, "validationPerClass": per_class, "count": int(len(vi)),
            "first": [int(v) for v in vi[:20]], "last": [int(v) for v in vi[-5:]],
            "sha256OfUint32LE": hashlib.sha256(vi.astype("<u4").tobytes()).hexdigest(),
        })
    return out


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--out", default=str(REPO / "test" / "fixtures" / "supernet-tiny"))
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--genomes", type=int, default=24, help="random genomes (plus 2 fixed)")
    p.add_argument("--images", type=int, default=8)
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    gen = torch.Generator().manual_seed(a.seed)

    space = tiny_space()
    model = Supernet(space, sharing="separate")
    randomise(model, gen)
    n = len(model.layers)
    # Non-trivial running stats: train-mode forwards of random data over random paths;
    # every candidate BN averages the batches that used it (exact mean, momentum None).
    calib_archs = [torch.randint(0, NUM_CANDIDATES, (n,), generator=gen).tolist()
                   for _ in range(60)]
    calib_archs += [[j] * n for j in range(NUM_CANDIDATES)]  # every candidate seen at least once
    calib = [torch.randn(16, 3, 32, 32, generator=gen) * 1.2 + 0.1 for _ in calib_archs]
    recalibrate_bn(model, calib, lambda k: calib_archs[k])
    model.eval()

    training = {"steps": 0, "epochs": 0.0, "seed": a.seed,
                "recipe": "none: random weights and BN affine parameters; running statistics "
                          "from train-mode forwards of random normal data over random paths",
                "data": "none", "device": "cpu", "seconds": 0, "accuracies": {}}
    bottlenecks = random_bottlenecks(space, torch.Generator().manual_seed(a.seed + 1000))
    tensors = list(model.materialise())
    entries = []
    for (s, w), b in zip(BOTTLENECKS + PATCH_BOTTLENECKS, bottlenecks):
        entries.append({"split": s, "channels": b.channels, "width": w, "prefix": store_prefix(s, w),
                        **({} if b.patch == 1 else {"patch": b.patch})})
        tensors += list(b.store_tensors(store_prefix(s, w)))
    write_store(tensors, space, out / "tiny", "float32", training, indent=None, bottlenecks=entries)
    _, ref = load_store_model(out / "tiny.json")  # round trip: expected values use the store
    ref_bn = load_store_bottlenecks(out / "tiny.json")

    images = torch.randint(0, 256, (a.images, 3, 32, 32), generator=gen, dtype=torch.int64)
    images_u8 = images.to(torch.uint8)
    (out / "images.bin").write_bytes(images_u8.numpy().tobytes())
    x = normalise(images_u8)

    genomes: List[Dict[str, Any]] = [
        {"name": "all-k5_e6", "arch": [LARGEST] * n},
        {"name": "all-skip", "arch": [SKIP] * n},
    ]
    for k in range(a.genomes):
        genomes.append({"name": f"random{k}",
                        "arch": torch.randint(0, NUM_CANDIDATES, (n,), generator=gen).tolist()})
    for k, g in enumerate(genomes):
        arch = g["arch"]
        with torch.no_grad():
            logits = ref(x, arch)
            full = model(x, arch)
        assert torch.equal(logits, full), "store round trip changed the outputs"
        g["logits"] = [[sig(v) for v in row] for row in logits.tolist()]
        points = {SPLIT_POINTS[k % len(SPLIT_POINTS)], 22}
        splits = []
        for s in sorted(points):
            with torch.no_grad():
                h = ref.split_head(x[:1], arch, s)[0]
            raw = h.contiguous().numpy().astype("<f4").tobytes()
            splits.append({"s": s, "image": 0, "shape": list(h.shape),
                           "float32Base64": base64.b64encode(raw).decode("ascii")})
        g["splits"] = splits
        # each bottleneck with two genomes: the 1x1 ones with genomes 0..11 (as before patches existed), then the patch ones
        nb = len(BOTTLENECKS)
        if k < 2 * (nb + len(PATCH_BOTTLENECKS)):
            s, w = BOTTLENECKS[k % nb] if k < 2 * nb else PATCH_BOTTLENECKS[(k - 2 * nb) % len(PATCH_BOTTLENECKS)]
            b = ref_bn[(s, w)]
            with torch.no_grad():
                z = b.encode(ref.split_head(x, arch, s))
                deq = int8_roundtrip(z)
                logits_b = ref.forward_head(ref.forward_layers(b.decode(deq), arch, s))
            n_img = z.shape[0]
            flat = z.reshape(n_img, -1)
            lo = torch.clamp(flat.min(1).values, max=0.0)
            hi = torch.clamp(flat.max(1).values, min=0.0)
            scale = torch.clamp((hi - lo) / 255.0, min=1e-30)
            zp = torch.round(-lo / scale)
            q = torch.clamp(torch.round(z / scale.view(-1, 1, 1, 1)) + zp.view(-1, 1, 1, 1), 0, 255)
            assert torch.equal((q - zp.view(-1, 1, 1, 1)) * scale.view(-1, 1, 1, 1), deq)
            g["bottleneck"] = {
                "s": s, "width": w, "prefix": store_prefix(s, w), "patch": b.patch,
                "logits": [[sig(v) for v in row] for row in logits_b.tolist()],
                "codeBase64": base64.b64encode(q.to(torch.uint8).numpy().tobytes()).decode("ascii"),
                "scale": [float(v) for v in scale.tolist()], "zeroPoint": [int(v) for v in zp.tolist()],
            }
        g["archString"] = arch_str(arch)
        g["numSkips"] = sum(1 for v in arch if v == SKIP)
        g["numG2"] = sum(1 for v in arch if CANDIDATES[v].groups == 2)

    expected = {
        "description": "PyTorch eval-mode outputs (running BN statistics) of the tiny store",
        "generator": "experiments/supernet/make_fixture.py --seed %d --genomes %d --images %d"
                     % (a.seed, a.genomes, a.images),
        "store": "tiny.json",
        "images": {"file": "images.bin", "count": a.images, "shape": [3, 32, 32],
                   "dtype": "uint8", "layout": "NCHW, RGB planes",
                   "preprocess": "x/255, then (x - mean)/std per channel, mean/std from the "
                                 "store manifest's normalization"},
        "splitSemantics": "splits[]: tensor after the stem and the first s layers (layers "
                          "0..s-1) for image 0; float32Base64 = base64 of its little-endian "
                          "float32 values in C,H,W order; s = 22 is the input of the head",
        "bottleneckSemantics": "genomes[].bottleneck (first 18 genomes): the store's bottleneck "
                               "<prefix> at split s: encoder (1x1 conv + BN; patch 2: 2x2 conv, "
                               "stride 2, to 4c channels, + BN), per-image affine int8 "
                               "(codeBase64 = uint8 codes q, N,c,H,W order, patch 2: N,4c,H/2,W/2; "
                               "value = (q - zeroPoint) * scale per image), decoder (1x1 conv + BN; "
                               "patch 2: 2x2 transposed conv, stride 2, + BN), the rest of the net; "
                               "logits in eval mode",
        "tolerance": "PyTorch float32 values; a float64 NumPy re-implementation of STORE.md "
                     "(check_store.py) stays within 1e-4 + 1e-4*|expected|; for onnxruntime "
                     "float32 use abs diff <= 1e-3 + 1e-3*|expected|",
        "genomes": genomes,
    }
    (out / "expected.json").write_text(json.dumps(expected, separators=(",", ":")) + "\n")
    (out / "split.json").write_text(json.dumps(split_vectors(), indent=1) + "\n")
    sizes = {f.name: f.stat().st_size for f in sorted(out.iterdir()) if f.is_file()}
    print(json.dumps(sizes), "total", sum(sizes.values()))
    mags = [max(abs(v) for row in g["logits"] for v in row) for g in genomes]
    print("max |logit| per genome: min %.3g max %.3g" % (min(mags), max(mags)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
