"""Export a training checkpoint to a weight store (STORE.md): materialised, fp16 by default.

    /usr/bin/python3 experiments/supernet/export.py --run main \
        --out experiments/supernet/store/fbnet-cifar10 [--recalibrate 300 --data-dir DATA]

Safe to run while training is going on: the checkpoint is replaced atomically by the
trainer, and the store is written to temp files and renamed (the .json last).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bn import recalibrate_bn  # noqa: E402
from data import load_cifar, normalise, resolve_data_dir  # noqa: E402
from model import NUM_CANDIDATES, SpaceConfig, Supernet  # noqa: E402
from store import write_store  # noqa: E402

HERE = Path(__file__).resolve().parent

RECIPES = {
    "largest": "single path, always the largest subnet (all k5_e6)",
    "uniform": "uniform single-path sampling",
    "progressive": "single path; per layer the largest candidate with probability q(t), else "
                   "uniform; q = 1 until widen_start, linearly to 0 at widen_end (fractions of "
                   "the budget), uniform afterwards",
    "sandwich": "largest path (CE) + random widened paths distilled in place from it (KL)",
}


def load_checkpoint_model(ckpt: Path) -> tuple[Dict[str, Any], Supernet]:
    state = torch.load(ckpt, map_location="cpu")
    model = Supernet(SpaceConfig(**{k: tuple(v) if isinstance(v, list) else v
                                    for k, v in state["space"].items()}), state["sharing"])
    model.load_state_dict(state["model"])
    model.eval()
    return state, model


def global_recalibration(model: Supernet, data_dir: Path, split_seed: int, per_class: int,
                         n_batches: int, batch: int, seed: int) -> None:
    """Store-wide BN statistics: exact averages over uniformly random paths on train images.

    Replaces the training EMA (which reflects the last few uses of each candidate under the
    training sampler) with the expectation under uniform sampling, i.e. the search's prior.
    """
    splits = load_cifar(data_dir, split_seed, per_class)
    gen = torch.Generator().manual_seed(seed)
    idx = torch.randperm(len(splits.train_y), generator=gen)[: n_batches * batch].numpy()
    n = len(model.layers)
    archs: List[List[int]] = [torch.randint(0, NUM_CANDIDATES, (n,), generator=gen).tolist()
                              for _ in range(n_batches)]
    images = (normalise(torch.from_numpy(splits.train_x[idx[k * batch:(k + 1) * batch]]))
              for k in range(n_batches))
    recalibrate_bn(model, images, lambda k: archs[k])


def warm_start(cfg: Dict[str, Any]) -> Dict[str, Any]:
    """Where a run that began from another checkpoint's weights (--init-from) took them."""
    src = cfg.get("init_from")
    if not src:
        return {}
    info: Dict[str, Any] = {"from": str(src)}
    path = Path(src)
    if path.is_file():
        prior = torch.load(path, map_location="cpu")
        info.update({"steps": int(prior["step"]), "epochs": round(float(prior["epochs"]), 4),
                     "device": prior["config"]["device"], "recipe": prior["config"]["recipe"],
                     "batch": prior["config"]["batch"], "seconds": round(float(prior["seconds"]), 1)})
    return {"warmStart": info}


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--run", default="main", help="run name under --checkpoint-dir")
    p.add_argument("--checkpoint-dir", default=str(HERE / "checkpoints"))
    p.add_argument("--checkpoint", help="explicit checkpoint file (overrides --run)")
    p.add_argument("--out", default=str(HERE / "store" / "fbnet-cifar10"),
                   help="store base name; writes OUT.bin and OUT.json")
    p.add_argument("--dtype", default="float16", choices=["float16", "float32"])
    p.add_argument("--recalibrate", type=int, default=0,
                   help="batches of store-wide BN recalibration (0: keep training EMA stats)")
    p.add_argument("--recal-batch", type=int, default=64)
    p.add_argument("--data-dir", help="needed with --recalibrate (default $NASC_DATA)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=0, help="seed of the recalibration sampling")
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)

    ckpt = Path(a.checkpoint) if a.checkpoint else Path(a.checkpoint_dir) / a.run / "checkpoint.pt"
    state, model = load_checkpoint_model(ckpt)
    cfg = state["config"]
    bn_stats = "training EMA (momentum 0.1)"
    if a.recalibrate > 0:
        t0 = time.time()
        global_recalibration(model, resolve_data_dir(a.data_dir or cfg.get("data_dir")),
                             cfg["split_seed"], cfg["val_per_class"], a.recalibrate,
                             a.recal_batch, a.seed)
        bn_stats = (f"recalibrated: exact mean over {a.recalibrate} batches of {a.recal_batch} "
                    f"training images, one uniformly random path per batch (seed {a.seed})")
        print(f"recalibrated BN in {time.time() - t0:.0f}s")
    recipe = cfg["recipe"]
    training = {
        "steps": int(state["step"]),
        "epochs": round(float(state["epochs"]), 4),
        "seed": int(cfg["seed"]),
        "recipe": f"{recipe}: {RECIPES.get(recipe, '')}",
        "recipeConfig": {k: cfg[k] for k in ("sharing", "recipe", "batch", "lr", "momentum", "wd",
                                             "warmup", "clip", "widen_start", "widen_end",
                                             "sandwich_random", "kd", "minutes", "steps",
                                             "epochs", "threads")},
        "data": ("CIFAR-10 training split re-encoded as a JPEG mosaic (pack_data.py, quality 90, "
                 "PSNR 41 dB) for the GPU machine" if "jpeg" in str(cfg.get("data_dir") or "")
                 else "CIFAR-10 binary (train.bin minus the validation split; JPEG-derived copy)")
                + ", random crop pad 4 + horizontal flip",
        **warm_start(cfg),
        "device": cfg["device"],
        "seconds": round(float(state["seconds"]), 1),
        "bnStatistics": bn_stats,
        "accuracies": {
            "note": "top-1 on a fixed subset of the validation split, batch-statistics BN",
            **(state.get("validation") or {}),
        },
        "checkpointSavedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                           time.gmtime(state.get("saved_at", time.time()))),
    }
    split = {"seed": int(cfg["split_seed"]), "validationPerClass": int(cfg["val_per_class"])}
    man = write_store(model.materialise(), model.space, a.out, a.dtype, training, split)
    print(f"wrote {a.out}.bin/.json: {len(man['tensors'])} tensors, {man['byteLength']:,} bytes, "
          f"step {training['steps']} ({training['epochs']} epochs), sha256 {man['sha256'][:16]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
