"""Independent NumPy reading of STORE.md, checked against a fixture's expected.json.

Written from the spec text only (no import of model.py), so it catches places where the
PyTorch supernet and the spec disagree (grouped 1x1 layout, shuffle order, padding, skip
rules). It is also a readable reference for the TypeScript graph builder.

    /usr/bin/python3 experiments/supernet/check_store.py test/fixtures/supernet-tiny
"""
from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from typing import Dict, List, Sequence

import numpy as np

Array = np.ndarray


def load(store_json: Path) -> tuple[dict, Dict[str, Array]]:
    man = json.loads(store_json.read_text())
    raw = store_json.with_suffix(".bin").read_bytes()
    out: Dict[str, Array] = {}
    for e in man["tensors"]:
        dt = np.dtype("<f2" if e["dtype"] == "float16" else "<f4")
        a = np.frombuffer(raw, dt, e["byteLength"] // dt.itemsize, e["offset"])
        out[e["name"]] = a.astype(np.float64).reshape(e["shape"])
    return man, out


def conv(x: Array, w: Array, stride: int = 1, groups: int = 1, pad: int | None = None) -> Array:
    """NCHW convolution, pad k//2 unless given, via explicit loops over kernel taps (clarity over speed)."""
    n, c, h, wd = x.shape
    o, cg, k, _ = w.shape
    p = k // 2 if pad is None else pad
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    ho, wo = (h + 2 * p - k) // stride + 1, (wd + 2 * p - k) // stride + 1
    og = o // groups
    y = np.zeros((n, o, ho, wo))
    for g in range(groups):
        xs = xp[:, g * cg:(g + 1) * cg]
        ws = w[g * og:(g + 1) * og]
        for i in range(k):
            for j in range(k):
                patch = xs[:, :, i:i + stride * ho:stride, j:j + stride * wo:stride]
                y[:, g * og:(g + 1) * og] += np.einsum("nchw,oc->nohw", patch, ws[:, :, i, j])
    return y


def patch_transposed_conv(z: Array, w: Array) -> Array:
    """STORE.md v3 decoder: transposed conv, kernel = stride = P, no padding; w [c_in, C, P, P]:
    y[n, o, P*i + a, P*j + b] = sum_k z[n, k, i, j] * w[k, o, a, b]."""
    n, _, h, wd = z.shape
    _, o, k, _ = w.shape
    y = np.einsum("nkij,koab->noiajb", z, w)
    return y.reshape(n, o, h * k, wd * k)


def dwconv(x: Array, w: Array, stride: int) -> Array:
    n, c, h, wd = x.shape
    k = w.shape[-1]
    p = k // 2
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    ho, wo = (h + 2 * p - k) // stride + 1, (wd + 2 * p - k) // stride + 1
    y = np.zeros((n, c, ho, wo))
    for i in range(k):
        for j in range(k):
            y += xp[:, :, i:i + stride * ho:stride, j:j + stride * wo:stride] * w[None, :, 0, i, j, None, None]
    return y


def bn(x: Array, t: Dict[str, Array], p: str, eps: float) -> Array:
    s = t[p + ".weight"] / np.sqrt(t[p + ".running_var"] + eps)
    return (x - t[p + ".running_mean"][None, :, None, None]) * s[None, :, None, None] \
        + t[p + ".bias"][None, :, None, None]


def relu(x: Array) -> Array:
    return np.maximum(x, 0)


def forward(man: dict, t: Dict[str, Array], images_u8: Array, arch: Sequence[int],
            stop: int | None = None) -> Array:
    """The logits, or with ``stop`` the tensor after that many layers."""
    mean = np.array(man["normalization"]["mean"])[None, :, None, None]
    std = np.array(man["normalization"]["std"])[None, :, None, None]
    x = (images_u8.astype(np.float64) / 255 - mean) / std
    x = relu(bn(conv(x, t["stem.conv.weight"]), t, "stem.bn", man["space"]["bnEps"]))
    x = run_layers(man, t, x, arch, 0, stop)
    return x if stop is not None and stop <= num_layers(man) else classify(man, t, x)


def num_layers(man: dict) -> int:
    return sum(st["layers"] for st in man["space"]["stages"])


def run_layers(man: dict, t: Dict[str, Array], x: Array, arch: Sequence[int], start: int,
               stop: int | None) -> Array:
    """Layers ``start`` .. ``stop`` - 1 (all from ``start`` when ``stop`` is None) of the subnet."""
    sp = man["space"]
    eps = sp["bnEps"]
    cin = sp["stemChannels"]
    layer = 0
    for st in sp["stages"]:
        for k in range(st["layers"]):
            cout, s = st["channels"], (st["stride"] if k == 0 else 1)
            if start <= layer and (stop is None or layer < stop):
                cand = sp["candidates"][arch[layer]]
                p = f"layers.{layer}.{arch[layer]}"
                if cand["name"] == "skip":
                    if not (cin == cout and s == 1):
                        x = relu(bn(conv(x, t[p + ".conv.weight"], stride=s), t, p + ".bn", eps))
                else:
                    g = cand["groups"]
                    y = relu(bn(conv(x, t[p + ".pw1.weight"], groups=g), t, p + ".bn1", eps))
                    if g > 1:
                        n_, m, h, w = y.shape
                        y = y.reshape(n_, g, m // g, h, w).transpose(0, 2, 1, 3, 4).reshape(n_, m, h, w)
                    y = relu(bn(dwconv(y, t[p + ".dw.weight"], s), t, p + ".bn2", eps))
                    y = bn(conv(y, t[p + ".pw2.weight"], groups=g), t, p + ".bn3", eps)
                    x = y + x if (cin == cout and s == 1) else y
            cin = cout
            layer += 1
    return x


def classify(man: dict, t: Dict[str, Array], x: Array) -> Array:
    """Head conv, global average pool and classifier."""
    x = relu(bn(conv(x, t["head.conv.weight"]), t, "head.bn", man["space"]["bnEps"])).mean(axis=(2, 3))
    return x @ t["classifier.weight"].T + t["classifier.bias"]


def bottleneck_logits(man: dict, t: Dict[str, Array], images_u8: Array, arch: Sequence[int],
                      case: dict) -> tuple[Array, float]:
    """STORE.md v2/v3: logits through a bottleneck, decoding the fixture's int8 codes (so that a
    float64 encoder cannot round differently); also the encoder's distance from those codes in
    quantisation steps (<= 0.5 + rounding noise when the encoder agrees)."""
    eps = man["space"]["bnEps"]
    p, s, w = case["prefix"], case["s"], case["width"]
    patch = next(int(b.get("patch", 1)) for b in man["bottlenecks"] if b["prefix"] == p)
    h = forward(man, t, images_u8, arch, stop=s)
    z = bn(conv(h, t[p + ".enc.weight"], stride=patch, pad=0), t, p + ".enc_bn", eps)
    q = np.frombuffer(base64.b64decode(case["codeBase64"]), np.uint8).reshape(z.shape).astype(np.float64)
    scale = np.array(case["scale"])[:, None, None, None]
    zp = np.array(case["zeroPoint"], dtype=np.float64)[:, None, None, None]
    deq = (q - zp) * scale
    steps = float(np.max(np.abs(z - deq) / scale))
    up = conv(deq, t[p + ".dec.weight"]) if patch == 1 else patch_transposed_conv(deq, t[p + ".dec.weight"])
    y = bn(up, t, p + ".dec_bn", eps)
    return forward_from(man, t, y, arch, s), steps


def forward_from(man: dict, t: Dict[str, Array], x: Array, arch: Sequence[int], start: int) -> Array:
    """The network from the tensor after ``start`` layers to the logits."""
    return classify(man, t, run_layers(man, t, x, arch, start, None))


def main(argv: List[str]) -> int:
    fx = Path(argv[0] if argv else "test/fixtures/supernet-tiny")
    exp = json.loads((fx / "expected.json").read_text())
    man, t = load(fx / exp["store"])
    im = exp["images"]
    imgs = np.frombuffer((fx / im["file"]).read_bytes(), np.uint8).reshape(im["count"], 3, 32, 32)
    worst = 0.0
    for g in exp["genomes"]:
        got = forward(man, t, imgs, g["arch"])
        want = np.array(g["logits"])
        err = float(np.max(np.abs(got - want) / (1e-4 + 1e-4 * np.abs(want))))
        for sp in g["splits"]:
            h = forward(man, t, imgs[:1], g["arch"], stop=sp["s"])[0]
            ref = np.frombuffer(base64.b64decode(sp["float32Base64"]), "<f4").reshape(sp["shape"])
            err = max(err, float(np.max(np.abs(h - ref) / (1e-4 + 1e-4 * np.abs(ref)))))
        if "bottleneck" in g:
            got_b, steps = bottleneck_logits(man, t, imgs, g["arch"], g["bottleneck"])
            want_b = np.array(g["bottleneck"]["logits"])
            err = max(err, float(np.max(np.abs(got_b - want_b) / (1e-4 + 1e-4 * np.abs(want_b)))))
            if steps > 0.5 + 1e-3:
                print(f"MISMATCH {g['name']}: encoder output {steps:.3f} steps from the int8 codes")
                err = max(err, 2.0)
        worst = max(worst, err)
        if err > 1:
            print(f"MISMATCH {g['name']} {g['archString']}: {err:.2f}x tolerance")
    print(f"{len(exp['genomes'])} genomes, worst error {worst:.3f} of tolerance")
    return 0 if worst <= 1 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
