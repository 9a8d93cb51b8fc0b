"""Put trained bottlenecks (bottleneck.py checkpoint) into a weight store: STORE.md format 2.

The supernet's tensors are copied unchanged and in their order (so the .bin starts with the
same bytes as before), the bottleneck tensors follow; bottlenecks already in the store are kept
unless the checkpoint has the same (split, width). Atomic (store.write_store).

    /usr/bin/python3 experiments/supernet/export_bottleneck.py \\
        --checkpoint experiments/supernet/checkpoints/bottleneck/cpu/checkpoint.pt \\
        --store experiments/supernet/store/fbnet-cifar10.json [--out OTHER] [--positions 1,10] \\
        [--leave-out 18/92,21/92 --leave-out-reason "..."]

--leave-out drops (split, width) pairs from the output, whether from the checkpoint or already in
the store, and records them with the reason in the manifest (training.bottlenecks.leftOut): the
extended space then decodes those genes to "none", as for any untrained pair.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bottleneck import load_state  # noqa: E402
from bottleneck_model import Bottleneck, store_prefix, width_of  # noqa: E402
from model import SpaceConfig  # noqa: E402
from store import BOTTLENECK_PREFIX, bin_bytes, bottleneck_tensor_names, read_store, write_store  # noqa: E402

HERE = Path(__file__).resolve().parent
RECIPE = ("frozen supernet (batch-statistics BN per subnet); per (split, width) encoder + BN (1x1 conv, "
          "or with patch 2 a 2x2 conv of stride 2 to 4c channels), per-image affine int8 with a "
          "straight-through estimator, decoder + BN (1x1 conv, or a 2x2 transposed conv of stride 2); "
          "PCA start (per pixel, or of 2x2 patches); one uniformly random subnet per step, all widths on the same augmented batch; "
          "loss KL(unsplit || split) at T = 1 + ce_weight x cross-entropy; Adam, warm-up + cosine")


def fail(message: str) -> int:
    """Bad input: one line on stderr, exit status 2, nothing written."""
    print(f"export_bottleneck.py: {message}", file=sys.stderr)
    return 2


def parse_pairs(text: str) -> Set[Tuple[int, int]]:
    """"18/92,21/92" -> {(18, 92), (21, 92)}."""
    out: Set[Tuple[int, int]] = set()
    for part in filter(None, (t.strip() for t in text.split(","))):
        try:
            sp, w = part.split("/")
            out.add((int(sp), int(w)))
        except ValueError:
            print(f"export_bottleneck.py: --leave-out: {part!r} is not split/width", file=sys.stderr)
            raise SystemExit(2)
    return out


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", required=True, help="bottleneck.py checkpoint.pt")
    p.add_argument("--store", default=str(HERE / "store" / "fbnet-cifar10.json"), help="input store (v1, v2 or v3)")
    p.add_argument("--out", help="output store (default: replace --store)")
    p.add_argument("--positions", help="comma-separated subset of the checkpoint's positions")
    p.add_argument("--dtype", choices=["float16", "float32"], default="float16")
    p.add_argument("--leave-out", default="", help="comma-separated split/width pairs not to ship, e.g. 18/92,21/92")
    p.add_argument("--leave-out-reason", default="", help="why (recorded in the manifest; required with --leave-out)")
    p.add_argument("--max-bytes", type=int, default=25_000_000,
                   help="refuse to write a .bin larger than this (a committed store stays under 25 MB; "
                        "leave modules out with --leave-out, or raise it for a store you do not commit)")
    p.add_argument("--include-unfinished", action="store_true",
                   help="also export positions whose budget is not used up")
    a = p.parse_args(argv)

    manifest, tensors = read_store(a.store)
    space = SpaceConfig.from_manifest(manifest["space"])
    state = load_state(Path(a.checkpoint))
    # The supernet's identity: the hash of the store the bottlenecks were trained on (a store this
    # script wrote records that of its supernet-only original).
    supernet_sha = manifest.get("training", {}).get("bottlenecks", {}).get("supernetSha256", manifest["sha256"])
    if state.get("store_sha256") != supernet_sha:
        raise SystemExit(f"{a.checkpoint} was trained on another supernet store "
                         f"(sha256 {state.get('store_sha256')}, this one {supernet_sha})")
    keep = {int(s) for s in a.positions.split(",")} if a.positions else None
    left_out = parse_pairs(a.leave_out)
    if left_out and not a.leave_out_reason.strip():
        return fail("--leave-out needs --leave-out-reason")
    cfg = state["config"]
    new: Dict[Tuple[int, int], Tuple[Bottleneck, Dict[str, Any]]] = {}
    for key, rec in state["positions"].items():
        s = int(key)
        if keep is not None and s not in keep:
            continue
        if not rec["done"] and not a.include_unfinished:
            print(f"s={s}: not finished ({rec['step']} steps), skipped", file=sys.stderr)
            continue
        for d, sd in zip(rec["divisors"], rec["modules"]):
            w = width_of(rec["channels"], d)
            b = Bottleneck(rec["channels"], w, space.bn_eps, rec.get("patch", 1))
            b.load_state_dict(sd)
            first = rec.get("config", cfg)  # the position's own first settings where merge_bottleneck.py kept them
            info = {"steps": rec["step"], "seconds": round(rec["seconds"], 1), "batch": first["batch"],
                    "device": first["device"], "threads": first["threads"], "lr": first["lr"],
                    "ceWeight": first["ce_weight"], "widthsPerStep": len(rec["divisors"])}
            if rec.get("cycles"):  # later cycles (bottleneck.py --new-cycle), each with its own batch
                info["cycles"] = [{k: c[k] for k in ("startStep", "startSeconds", "batch")} for c in rec["cycles"]]
            if (s, w) not in left_out:
                new[(s, w)] = (b, info)
    if not new:
        raise SystemExit("nothing to export")

    entries: List[Dict[str, Any]] = []
    out_tensors: List[Tuple[str, torch.Tensor]] = [
        (e["name"], tensors[e["name"]]) for e in manifest["tensors"] if not e["name"].startswith(BOTTLENECK_PREFIX)]
    for b in manifest.get("bottlenecks", []):  # kept ones first, in their order
        if (int(b["split"]), int(b["width"])) in new or (int(b["split"]), int(b["width"])) in left_out:
            continue
        entries.append(b)
        out_tensors += [(n, tensors[n]) for n in bottleneck_tensor_names(b["prefix"])]
    for (s, w), (b, info) in sorted(new.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        prefix = store_prefix(s, w)
        entry = {"split": s, "channels": b.channels, "width": w, "prefix": prefix}
        if b.patch != 1:  # format 3; a 1x1 module's entry stays as format 2 wrote it
            entry["patch"] = b.patch
        entries.append({**entry, "training": info})
        out_tensors += list(b.store_tensors(prefix))
    entries.sort(key=lambda e: (int(e["split"]), -int(e["width"])))
    size = bin_bytes((t for _, t in out_tensors), a.dtype)
    if size > a.max_bytes:
        return fail(f"the store would be {size:,} bytes, over --max-bytes {a.max_bytes:,}: "
                    f"leave modules out with --leave-out split/width,...")
    training = dict(manifest.get("training", {}))
    training["bottlenecks"] = {"recipe": RECIPE, "supernetSha256": supernet_sha}
    if left_out:
        training["bottlenecks"]["leftOut"] = {"pairs": [{"split": s, "width": w} for s, w in sorted(left_out)],
                                              "reason": a.leave_out_reason.strip()}
    out = a.out or a.store
    m = write_store(out_tensors, space, out, a.dtype, training, manifest.get("split"),
                    indent=1, bottlenecks=entries)
    print(f"{out}: version {m['version']}, {len(entries)} bottlenecks, {m['byteLength']:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
