"""Train learned bottlenecks at split positions of the frozen, shipped supernet.

Per split position s (the tensor after layer s-1, C channels, as the project counts splits)
and width c: an encoder on the device (--patch 2, the default: a 2x2 conv of stride 2, C->4c
channels at half the side; --patch 1: a 1x1 conv C->c; + BN), the per-image affine int8 payload
of workers/payload_precision.ts (c*H*W values either way), a decoder on the server (2x2
transposed conv 4c->C, or 1x1 conv c->C; + BN, no ReLU: the tensor it rebuilds is a signed
residual sum). The supernet (the weight store, fp16 as shipped) stays frozen.

Recipe (../shared/BOTTLENECK.md, measured on a GPU; the CPU path keeps it with a smaller batch):
PCA start of every (s, c) (per pixel, or of 2x2 patches), one uniformly random subnet per step, all widths of a
position on the same batch, loss = KL(teacher || student) at T = 1 from the unsplit subnet's
logits + 0.25 x cross-entropy, Adam with warm-up + cosine, straight-through estimator for the
int8 rounding.

The frozen network's BatchNorms normalise with the current subnet's batch statistics (what
per-subnet recalibration approximates at evaluation): the unsplit teacher pass computes them
once per step and the student passes reuse them, so all widths go through the tail as one
batch (one larger conv per layer instead of four small ones: cheaper on a CPU) without mixing
the widths' statistics. The bottleneck's own BNs train in train mode (batch statistics, running
averages kept for export).

    /usr/bin/python3 experiments/supernet/bottleneck.py --run cpu --positions 1,6,10,14,18,21 \\
        --minutes 15 --threads 2 [--device cuda] [--batch 64]

Budget per position (--steps and/or --minutes of training time, cumulative over resumes; with
--new-cycle counted from the new cycle's start);
positions train one after another; an atomic checkpoint every --ckpt-minutes, at the end of
each position and on SIGTERM/SIGINT. Resume: the same command (a new --positions list adds
positions; a new budget replaces the old one for positions not yet finished, or with --extend
for finished ones too).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import signal
import sys
import time
import types
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from data import augment_batched, load_cifar, normalise, resolve_data_dir  # noqa: E402
from model import NUM_CANDIDATES, SKIP, SpaceConfig, Supernet  # noqa: E402
from bottleneck_model import DIVISORS, Bottleneck, pca_init, width_of  # noqa: E402
from store import load_store_model  # noqa: E402

Tensor = torch.Tensor
HERE = Path(__file__).resolve().parent
DEFAULT_STORE = HERE / "store" / "fbnet-cifar10.json"


# ---- BN of the frozen supernet: capture a subnet's batch statistics, replay them -------------

class FrozenBN:
    """Switches how the frozen supernet's BNs normalise.

    modes: ``capture`` (batch statistics, remembered per BN), ``replay`` (the remembered ones:
    a batch of several widths is normalised exactly as the clean subnet's batch was), ``batch``
    (batch statistics, not remembered), ``running`` (stored or recalibrated running statistics).
    Running statistics are never updated here.
    """

    def __init__(self, model: nn.Module):
        self.mode = "capture"
        self.stats: Dict[int, Tuple[Tensor, Tensor]] = {}
        self.bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
        for m in self.bns:
            m.forward = types.MethodType(self._make_forward(), m)  # type: ignore[assignment]

    def _make_forward(self):  # noqa: ANN202
        ctl = self

        def forward(bn: nn.BatchNorm2d, x: Tensor) -> Tensor:
            if ctl.mode == "running":
                return F.batch_norm(x, bn.running_mean, bn.running_var, bn.weight, bn.bias,
                                    False, 0.0, bn.eps)
            if ctl.mode == "replay":
                mean, var = ctl.stats[id(bn)]
                return F.batch_norm(x, mean, var, bn.weight, bn.bias, False, 0.0, bn.eps)
            mean = x.mean(dim=(0, 2, 3))
            var = (x - mean.view(1, -1, 1, 1)).pow(2).mean(dim=(0, 2, 3))  # biased, as BN
            if ctl.mode == "capture":
                ctl.stats[id(bn)] = (mean.detach(), var.detach())
            return F.batch_norm(x, mean, var, bn.weight, bn.bias, False, 0.0, bn.eps)

        return forward


def load_frozen(store: Path, device: torch.device) -> Tuple[Dict[str, Any], Supernet, FrozenBN]:
    manifest, model = load_store_model(store)
    model = model.to(device).to(memory_format=torch.channels_last).eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return manifest, model, FrozenBN(model)


def split_channels(space: SpaceConfig, split: int) -> int:
    """C of the tensor sent at split s (1 <= s <= L-1): the output of layer s-1."""
    specs = space.layer_specs()
    if not 1 <= split <= len(specs) - 1:
        raise SystemExit(f"split position {split} is outside 1..{len(specs) - 1}")
    return specs[split - 1][1]


# ---- training ---------------------------------------------------------------------------------

DEFAULTS: Dict[str, Any] = {
    "store": str(DEFAULT_STORE), "data_dir": None, "run": "cpu",
    "checkpoint_dir": str(HERE / "checkpoints" / "bottleneck"), "positions": [9],
    "divisors": list(DIVISORS), "steps": None, "minutes": None, "device": "cpu", "threads": 2,
    "seed": 0, "batch": 64, "lr": 1e-3, "warmup": 0.05, "ce_weight": 0.25,
    "pca_batches": 8, "ckpt_minutes": 5.0, "log_every": 10,
    # share of steps whose subnet is forced to the skip candidate at layer s-1 (else uniform)
    "skip_before_split": 0.0,
    # 2x2-patch encoder/decoder (bottleneck_model.py); positions started before it existed are 1x1
    "patch": 2,
}


def repo_relative(path: str) -> str:
    """A path inside the repository relative to its root (checkpoints travel between machines)."""
    p = Path(path).resolve()
    root = HERE.parents[1]
    return str(p.relative_to(root)) if p.is_relative_to(root) else str(path)


def lr_at(t: float, base: float, warmup: float) -> float:
    if t < warmup:
        return base * max(t / warmup, 0.02)
    return 0.5 * base * (1.0 + math.cos(math.pi * min(1.0, (t - warmup) / (1.0 - warmup))))


def atomic_save(obj: Any, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    torch.save(obj, tmp)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def load_state(path: Path) -> Dict[str, Any]:
    try:
        return torch.load(path, map_location="cpu", weights_only=False)
    except TypeError:
        return torch.load(path, map_location="cpu")


def bottlenecks_for(state: Dict[str, Any], space: SpaceConfig, split: int,
                    device: torch.device) -> List[Bottleneck]:
    """The modules of one position from a checkpoint's position record."""
    rec = state["positions"][str(split)]
    out = []
    for d, sd in zip(rec["divisors"], rec["modules"]):
        b = Bottleneck(rec["channels"], width_of(rec["channels"], d), space.bn_eps, rec.get("patch", 1))
        b.load_state_dict(sd)
        out.append(b.to(device))
    return out


def parse_args(argv: Optional[Sequence[str]]) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a = p.add_argument
    a("--store", help="frozen supernet (weight store .json/.bin; default the shipped store)")
    a("--data-dir", help="CIFAR-10 folder (default $NASC_DATA)")
    a("--run", help="run name (checkpoints/bottleneck/RUN)")
    a("--checkpoint-dir")
    a("--positions", help="comma-separated split positions 1..21, trained in this order")
    a("--divisors", help="widths as C/d, comma-separated d (default 2,4,8,16)")
    a("--steps", type=int, help="budget per position: steps")
    a("--minutes", type=float, help="budget per position: training minutes (cumulative)")
    a("--device", choices=["cpu", "cuda"])
    a("--threads", type=int)
    a("--seed", type=int)
    a("--batch", type=int)
    a("--lr", type=float)
    a("--warmup", type=float)
    a("--ce-weight", type=float)
    a("--pca-batches", type=int)
    a("--patch", type=int, choices=[1, 2],
      help="encoder form of new positions: 1 = 1x1 conv, 2 = 2x2 patches (default; same payload)")
    a("--skip-before-split", type=float,
      help="share of steps whose random subnet is forced to the skip candidate at layer s-1 (default "
           "0; the uniform draw picks it 1 in 9 anyway, so 0.33 gives 41 %%); at stage-first layers "
           "that skip is a 1x1 conv + ReLU whose non-negative output the bottleneck otherwise rarely sees")
    a("--ckpt-minutes", type=float)
    a("--log-every", type=int)
    a("--extend", action="store_true", help="apply a new budget to finished positions too")
    a("--new-cycle", action="store_true",
      help="finished positions start a new warm-up + cosine cycle of the given budget (counted "
           "from now, fresh optimizer state) from their current modules; an unfinished cycle resumes")
    a("--fresh", action="store_true", help="discard the run's checkpoint")
    ns = vars(p.parse_args(argv))
    flags = {k: ns.pop(k) for k in ("extend", "new_cycle", "fresh")}
    given = {k: v for k, v in ns.items() if v is not None}
    for key in ("positions", "divisors"):
        if key in given:
            try:
                given[key] = [int(x) for x in str(given[key]).split(",") if x.strip()]
            except ValueError:
                raise SystemExit(f"--{key} must be comma-separated integers, got {given[key]!r}")
    return given, flags


def main(argv: Optional[Sequence[str]] = None) -> int:
    given, flags = parse_args(argv)
    cfg = dict(DEFAULTS)
    cfg.update({k: v for k, v in given.items() if k in ("run", "checkpoint_dir")})
    run_dir = Path(cfg["checkpoint_dir"]) / cfg["run"]
    ckpt_path = run_dir / "checkpoint.pt"
    state: Dict[str, Any] = {"positions": {}}
    if ckpt_path.is_file() and not flags["fresh"]:
        state = load_state(ckpt_path)
        # where things are on this machine is not part of a run's settings
        cfg.update({k: v for k, v in state["config"].items() if k not in ("checkpoint_dir", "data_dir")})
        if not Path(cfg["store"]).is_absolute():
            cfg["store"] = str(HERE.parents[1] / cfg["store"])
        if "steps" in given or "minutes" in given:
            cfg["steps"] = cfg["minutes"] = None
    cfg.update(given)
    if not cfg["steps"] and not cfg["minutes"]:
        raise SystemExit("give a budget per position: --steps and/or --minutes")
    for d in cfg["divisors"]:
        if d < 1:
            raise SystemExit(f"divisor {d} must be >= 1")
    if not 0.0 <= float(cfg["skip_before_split"]) <= 1.0:
        raise SystemExit(f"--skip-before-split must be in [0, 1], got {cfg['skip_before_split']}")

    torch.set_num_threads(int(cfg["threads"]))
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    device = torch.device(cfg["device"])
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True
    run_dir.mkdir(parents=True, exist_ok=True)
    manifest, model, fbn = load_frozen(Path(cfg["store"]), device)
    space = model.space
    # The supernet's identity: its store's hash, or for a store that already carries bottlenecks
    # (format 2, written by export_bottleneck.py) the hash of its supernet-only original.
    supernet_sha = manifest.get("training", {}).get("bottlenecks", {}).get("supernetSha256", manifest["sha256"])
    if state.get("store_sha256") not in (None, supernet_sha):
        raise SystemExit(f"{ckpt_path} was trained on another supernet (sha256 {state['store_sha256']}, "
                         f"{cfg['store']} holds {supernet_sha})")
    for s in cfg["positions"]:
        split_channels(space, s)
    splits = load_cifar(resolve_data_dir(cfg["data_dir"]), int(manifest["split"]["seed"]),
                        int(manifest["split"]["validationPerClass"]))
    ntrain = len(splits.train_y)
    train_x = torch.from_numpy(splits.train_x).to(device)
    train_y = torch.from_numpy(splits.train_y).to(device)
    n_layers = len(model.layers)
    seed = int(cfg["seed"])
    batch = int(cfg["batch"])

    stop = {"signal": 0}

    def on_signal(signum: int, _frame: object) -> None:
        stop["signal"] = signum

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def images(step_seed: int, n: int) -> Tuple[Tensor, Tensor]:
        g = torch.Generator().manual_seed(step_seed)
        idx = torch.randint(0, ntrain, (n,), generator=g).to(device)
        ag = torch.Generator(device=device).manual_seed(step_seed + 1)
        x = normalise(augment_batched(train_x[idx], ag)).contiguous(memory_format=torch.channels_last)
        return x, train_y[idx]

    def random_arch(step_seed: int, split: Optional[int] = None) -> List[int]:
        g = torch.Generator().manual_seed(step_seed)
        arch = torch.randint(0, NUM_CANDIDATES, (n_layers,), generator=g).tolist()
        share = float(cfg["skip_before_split"])
        # drawn only when asked for, so runs without the option keep their old subnet sequence
        if split is not None and share > 0 and float(torch.rand((), generator=g)) < share:
            arch[split - 1] = SKIP
        return arch

    log = open(run_dir / "log.jsonl", "a")
    with open(run_dir / "config.json", "w") as fh:
        json.dump(cfg, fh, indent=1)
    print(f"run {run_dir} | store {cfg['store']} | positions {cfg['positions']} divisors "
          f"{cfg['divisors']} | batch {batch} | budget/position steps={cfg['steps']} "
          f"min={cfg['minutes']} | threads {cfg['threads']} {device}", flush=True)

    for split in cfg["positions"]:
        if stop["signal"]:
            break
        key = str(split)
        channels = split_channels(space, split)
        rec = state["positions"].get(key)
        if rec is not None and rec["done"] and not (flags["extend"] or flags["new_cycle"]):
            print(f"s={split}: done ({rec['step']} steps, {rec['seconds'] / 60:.1f} min)", flush=True)
            continue
        if rec is not None and rec["divisors"] != cfg["divisors"]:
            raise SystemExit(f"s={split} was trained with divisors {rec['divisors']}; "
                             f"use another --run for {cfg['divisors']}")
        patch = int(rec.get("patch", 1)) if rec is not None else int(cfg["patch"])
        bns = [Bottleneck(channels, width_of(channels, d), space.bn_eps, patch).to(device)
               for d in cfg["divisors"]]
        if rec is None:
            t0 = time.time()
            with torch.no_grad():
                fbn.mode = "batch"
                samples = []
                for k in range(int(cfg["pca_batches"])):
                    ss = (seed * 1_000_003 + split) * 4096 + k
                    x, _ = images(2 * ss + 1, batch)
                    samples.append(model.split_head(x, random_arch(2 * ss), split).float().cpu())
                pca_init(bns, torch.cat(samples).to(device), space.bn_eps)
            rec = {"split": split, "channels": channels, "divisors": list(cfg["divisors"]),
                   "widths": [b.width for b in bns], "patch": patch, "step": 0, "seconds": 0.0,
                   "pca_seconds": time.time() - t0, "done": False, "optimizer": None}
            print(f"s={split}: C={channels}, widths {rec['widths']}, PCA start from "
                  f"{int(cfg['pca_batches']) * batch} images ({rec['pca_seconds']:.1f}s)", flush=True)
        else:
            for b, sd in zip(bns, rec["modules"]):
                b.load_state_dict(sd)
            print(f"s={split}: resumed at step {rec['step']} ({rec['seconds'] / 60:.1f} min)", flush=True)
        if rec["done"] and flags["new_cycle"]:
            # The budget counts from here; the previous cycle's Adam moments (another batch size,
            # a learning rate annealed to ~0) are dropped and the warm-up re-runs.
            rec.setdefault("cycles", []).append({"startStep": rec["step"], "startSeconds": rec["seconds"],
                                                 "batch": batch, "steps": cfg["steps"], "minutes": cfg["minutes"]})
            rec["optimizer"] = None
            print(f"s={split}: new cycle from step {rec['step']} (batch {batch})", flush=True)
        rec["done"] = False
        cycle = rec["cycles"][-1] if rec.get("cycles") else {"startStep": 0, "startSeconds": 0.0}
        params = [p for b in bns for p in b.parameters()]
        opt = torch.optim.Adam(params, lr=float(cfg["lr"]))
        if rec.get("optimizer") is not None:
            opt.load_state_dict(rec["optimizer"])
        total_steps = int(cfg["steps"]) if cfg["steps"] else None
        budget_s = float(cfg["minutes"]) * 60 if cfg["minutes"] else None

        def progress() -> float:
            t = 0.0
            if total_steps:
                t = max(t, (rec["step"] - cycle["startStep"]) / total_steps)
            if budget_s:
                t = max(t, (rec["seconds"] - cycle["startSeconds"]) / budget_s)
            return t

        def save(reason: str) -> None:
            rec["modules"] = [b.state_dict() for b in bns]
            rec["optimizer"] = opt.state_dict()
            state["positions"][key] = rec
            state["config"] = {**cfg, "store": repo_relative(cfg["store"]), "checkpoint_dir": None}
            state["store_sha256"] = supernet_sha
            atomic_save(state, ckpt_path)
            log.flush()
            print(f"checkpoint ({reason}) s={split} step {rec['step']} -> {ckpt_path}", flush=True)

        for b in bns:
            b.train()
        last_ckpt = time.time()
        ema: Optional[List[float]] = None
        while progress() < 1.0 and not stop["signal"]:
            t0 = time.time()
            ss = ((seed * 1_000_003 + split) * 1_000_003 + rec["step"]) * 4
            x, y = images(ss + 1, batch)
            arch = random_arch(ss, split)
            lr = lr_at(progress(), float(cfg["lr"]), float(cfg["warmup"]))
            for g in opt.param_groups:
                g["lr"] = lr
            with torch.no_grad():
                fbn.mode = "capture"
                head = model.forward_layers(model.forward_stem(x), arch, 0, split)
                teacher = model.forward_head(model.forward_layers(head, arch, split))
                soft = F.softmax(teacher.float(), 1)
            recon = torch.cat([b(head) for b in bns]).contiguous(memory_format=torch.channels_last)
            fbn.mode = "replay"
            logits = model.forward_head(model.forward_layers(recon, arch, split)).float()
            losses = []
            for k, chunk in enumerate(logits.split(batch)):
                kd = F.kl_div(F.log_softmax(chunk, 1), soft, reduction="batchmean")
                ce = F.cross_entropy(chunk, y)
                losses.append(kd + float(cfg["ce_weight"]) * ce)
            opt.zero_grad(set_to_none=True)
            total = torch.stack(losses).sum()
            total.backward()
            vals = [float(v) for v in torch.stack(losses).detach().cpu()]
            if all(math.isfinite(v) for v in vals):
                opt.step()
            rec["step"] += 1
            dt = time.time() - t0
            rec["seconds"] += dt
            ema = vals if ema is None else [0.95 * e + 0.05 * v for e, v in zip(ema, vals)]
            log.write(json.dumps({"split": split, "step": rec["step"], "losses": [round(v, 5) for v in vals],
                                  "lr": lr, "dt": round(dt, 3), "seconds": round(rec["seconds"], 2)}) + "\n")
            if rec["step"] % int(cfg["log_every"]) == 0:
                log.flush()
                print(f"s={split} step {rec['step']} loss " + " ".join(f"{v:.3f}" for v in ema) +
                      f" lr {lr:.2e} {dt:.2f}s/step", flush=True)
            if time.time() - last_ckpt > float(cfg["ckpt_minutes"]) * 60:
                save("periodic")
                last_ckpt = time.time()
        rec["done"] = not stop["signal"]
        save("signal" if stop["signal"] else "position done")
    log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
