#!/usr/bin/python3
"""Pack a training checkpoint small enough to commit, and unpack it again, so training can be
continued in a later session on a fresh machine (the checkpoints/ folder is not versioned).

Floating tensors (weights and SGD momentum) are stored as fp16: 32.7 MB -> about 16 MB. The
continued run is then not bit-identical to an uninterrupted one (fp16 rounding of the state),
which is acceptable for training; everything else (step, settings, RNG seeds) is kept.

    /usr/bin/python3 experiments/supernet/pack_checkpoint.py pack   --run main --out experiments/supernet/store/resume-main.pt (commit bf24333)
    /usr/bin/python3 experiments/supernet/pack_checkpoint.py unpack --run main --src experiments/supernet/store/resume-main.pt (commit bf24333)
"""
import argparse
import os
import pathlib
import sys

import torch

HERE = pathlib.Path(__file__).resolve().parent


def convert(obj, dtype_from, dtype_to):
    """Recursively casts floating tensors of dtype_from to dtype_to."""
    if isinstance(obj, torch.Tensor):
        return obj.to(dtype_to) if obj.dtype == dtype_from else obj
    if isinstance(obj, dict):
        return {k: convert(v, dtype_from, dtype_to) for k, v in obj.items()}
    if isinstance(obj, list):
        return [convert(v, dtype_from, dtype_to) for v in obj]
    if isinstance(obj, tuple):
        return tuple(convert(v, dtype_from, dtype_to) for v in obj)
    return obj


def atomic_save(obj, path: pathlib.Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["pack", "unpack"])
    p.add_argument("--run", default="main")
    p.add_argument("--checkpoint-dir", default=str(HERE / "checkpoints"))
    p.add_argument("--out", help="pack: destination file")
    p.add_argument("--src", help="unpack: packed file")
    a = p.parse_args()
    ckpt = pathlib.Path(a.checkpoint_dir) / a.run / "checkpoint.pt"
    if a.mode == "pack":
        if not ckpt.exists():
            print(f"pack_checkpoint: {ckpt} does not exist", file=sys.stderr)
            return 2
        state = torch.load(ckpt, map_location="cpu")
        state["packed_fp16"] = True
        atomic_save(convert(state, torch.float32, torch.float16), pathlib.Path(a.out or HERE / "store" / f"resume-{a.run}.pt"))
        return 0
    src = pathlib.Path(a.src or HERE / "store" / f"resume-{a.run}.pt")
    if not src.exists():
        print(f"pack_checkpoint: {src} does not exist", file=sys.stderr)
        return 2
    state = convert(torch.load(src, map_location="cpu"), torch.float16, torch.float32)
    state.pop("packed_fp16", None)
    # BN's num_batches_tracked and other integer tensors were never converted.
    atomic_save(state, ckpt)
    print(f"unpacked {src} -> {ckpt} (step {state.get('step')})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
