"""Train the FBNet-CIFAR supernet, resumably, on an explicit budget.

Every step is reproducible from (seed, step): the data order of an epoch, the augmentation
and the sampled paths all come from generators seeded by those numbers, so a resumed run
continues exactly where the checkpoint left off without pickling RNG states.

Example (1 core, ends after 100 minutes of training, checkpoint every 10 minutes):
    /usr/bin/python3 experiments/supernet/train.py --data-dir DATA --run main \
        --minutes 100 --threads 1 --recipe progressive
Resume: the same command (or just ``--run main``); the saved settings are reused and only
options given on the command line override them.
"""
from __future__ import annotations

import argparse
import calendar
import contextlib
import json
import math
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bn import BatchStatsBN  # noqa: E402
from data import augment, augment_batched, batches, load_cifar, normalise, resolve_data_dir  # noqa: E402
from model import (LARGEST, NUM_CANDIDATES, SpaceConfig, Supernet, arch_str,  # noqa: E402
                   count_params, narrow_space)

HERE = Path(__file__).resolve().parent
DEFAULTS: Dict[str, Any] = {
    "data_dir": None, "run": "main", "checkpoint_dir": str(HERE / "checkpoints"),
    "steps": None, "epochs": None, "minutes": None, "device": "cpu", "threads": 1, "seed": 0,
    "split_seed": 0, "val_per_class": 500, "batch": 64, "lr": 0.05, "momentum": 0.9,
    "wd": 3e-4, "warmup": 0.03, "clip": 5.0, "sharing": "nested", "recipe": "progressive",
    "widen_start": 0.05, "widen_end": 0.4, "sandwich_random": 1, "kd": True,
    "ckpt_minutes": 10.0, "val_every": 200, "val_images": 1000, "narrow": False,
    "log_every": 20, "amp": False, "init_from": None,
}
BUDGET_KEYS = ("steps", "epochs", "minutes")


# ---- sampling recipes ---------------------------------------------------------------------

def uniform_arch(gen: torch.Generator, n: int) -> List[int]:
    return torch.randint(0, NUM_CANDIDATES, (n,), generator=gen).tolist()


def widened_arch(gen: torch.Generator, n: int, q: float) -> List[int]:
    """Per layer: the largest candidate with probability q, else uniform over all 9."""
    take_largest = (torch.rand(n, generator=gen) < q).tolist()
    uni = uniform_arch(gen, n)
    return [LARGEST if t else u for t, u in zip(take_largest, uni)]


def widen_q(t: float, start: float, end: float) -> float:
    """Probability of the largest block: 1 until ``start``, linear to 0 at ``end``."""
    if t <= start:
        return 1.0
    if t >= end:
        return 0.0
    return 1.0 - (t - start) / (end - start)


def sample_paths(recipe: str, t: float, gen: torch.Generator, n: int,
                 cfg: Dict[str, Any]) -> List[Tuple[List[int], str]]:
    """Paths for one step as (arch, role); role 'teacher' is the KD source for 'student'."""
    if recipe == "largest":
        return [([LARGEST] * n, "plain")]
    if recipe == "uniform":
        return [(uniform_arch(gen, n), "plain")]
    q = widen_q(t, cfg["widen_start"], cfg["widen_end"])
    if recipe == "progressive":
        return [(widened_arch(gen, n, q), "plain")]
    if recipe == "sandwich":
        paths: List[Tuple[List[int], str]] = [([LARGEST] * n, "teacher")]
        role = "student" if cfg["kd"] else "plain"
        for _ in range(int(cfg["sandwich_random"])):
            paths.append((widened_arch(gen, n, q), role))
        return paths
    raise ValueError(f"unknown recipe {recipe!r}")


def fixed_subnets(n: int) -> Dict[str, List[int]]:
    """Subnets tracked during training: largest, smallest conv net, three fixed random ones."""
    g = torch.Generator().manual_seed(20240)
    nets = {"largest": [LARGEST] * n, "smallest_conv": [1] * n}
    for k in range(3):
        nets[f"random{k}"] = uniform_arch(g, n)
    return nets


# ---- helpers ------------------------------------------------------------------------------

def evaluate_batchstats(model: Supernet, archs: Dict[str, List[int]], x: np.ndarray,
                        y: np.ndarray, device: torch.device, batch: int = 250,
                        channels_last: bool = True) -> Dict[str, float]:
    """Top-1 accuracy of each subnet with batch-statistics BN (cheap, no recalibration)."""
    out: Dict[str, float] = {}
    with torch.no_grad(), BatchStatsBN(model):
        for name, arch in archs.items():
            correct = 0
            for xb, yb in batches(x, y, batch):
                xb = xb.to(device)
                if channels_last:
                    xb = xb.contiguous(memory_format=torch.channels_last)
                correct += int((model(xb, arch).argmax(1).cpu() == yb).sum())
            out[name] = correct / len(y)
    return out


def load_state(path: Path) -> Dict[str, Any]:
    """torch.load of our own checkpoints (plain dicts) on old and new PyTorch alike."""
    try:
        return torch.load(path, map_location="cpu", weights_only=False)
    except TypeError:  # PyTorch < 1.13 has no weights_only
        return torch.load(path, map_location="cpu")


def slim_state(state: Dict[str, Any]) -> Dict[str, Any]:
    """The checkpoint without optimiser state, floating tensors in fp16 (a few MB): what
    export.py needs, and a warm start (--init-from) for another run."""
    out = {k: v for k, v in state.items() if k != "optimizer"}
    out["model"] = {k: (v.half() if v.is_floating_point() else v) for k, v in state["model"].items()}
    out["packed_fp16"] = True
    return out


def atomic_save(obj: Any, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    torch.save(obj, tmp)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def lr_at(t: float, base: float, warmup: float) -> float:
    """Linear warm-up over the first ``warmup`` fraction, then cosine to 0 (t in [0,1])."""
    if t < warmup:
        return base * max(t / warmup, 0.02)
    return 0.5 * base * (1.0 + math.cos(math.pi * min(1.0, (t - warmup) / (1.0 - warmup))))


def build_model(cfg: Dict[str, Any]) -> Supernet:
    space = narrow_space() if cfg["narrow"] else SpaceConfig()
    return Supernet(space, cfg["sharing"])


def param_groups(model: torch.nn.Module, wd: float) -> List[Dict[str, Any]]:
    """No weight decay on BN affine parameters and biases."""
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if p.ndim <= 1 else decay).append(p)
    return [{"params": decay, "weight_decay": wd}, {"params": no_decay, "weight_decay": 0.0}]


# ---- main ---------------------------------------------------------------------------------

def parse_args(argv: Optional[Sequence[str]] = None) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    a = p.add_argument
    a("--data-dir", help="CIFAR-10 binary folder (default: $NASC_DATA)")
    a("--run", help="run name; files go to CHECKPOINT_DIR/RUN (default main)")
    a("--checkpoint-dir", help="default: experiments/supernet/checkpoints")
    a("--steps", type=int, help="budget: optimiser steps")
    a("--epochs", type=float, help="budget: epochs over the training split")
    a("--minutes", type=float, help="budget: minutes of training time (cumulative over resumes)")
    a("--device", choices=["cpu", "cuda"])
    a("--threads", type=int, help="torch intra-op threads (default 1)")
    a("--seed", type=int)
    a("--split-seed", type=int, help="validation split seed (STORE.md), default 0")
    a("--val-per-class", type=int)
    a("--batch", type=int)
    a("--lr", type=float)
    a("--momentum", type=float)
    a("--wd", type=float)
    a("--warmup", type=float, help="warm-up fraction of the budget")
    a("--clip", type=float, help="gradient-norm clip")
    a("--sharing", choices=["nested", "separate"])
    a("--recipe", choices=["largest", "uniform", "progressive", "sandwich"])
    a("--widen-start", type=float, help="budget fraction where widening starts")
    a("--widen-end", type=float, help="budget fraction where sampling is uniform")
    a("--sandwich-random", type=int, help="random paths per sandwich step")
    a("--no-kd", dest="kd", action="store_const", const=False, help="sandwich without KD")
    a("--ckpt-minutes", type=float, help="checkpoint period (wall minutes)")
    a("--val-every", type=int, help="validate every N steps (0: only at the end)")
    a("--val-images", type=int, help="validation images used for periodic validation")
    a("--narrow", action="store_const", const=True, help="tiny test space")
    a("--log-every", type=int)
    a("--amp", action="store_const", const=True, help="bf16 autocast (CUDA)")
    a("--init-from", help="start a fresh run from this checkpoint's weights (fp16 packed ok)")
    a("--slim-copy", help="also write a weights-only fp16 copy here at every checkpoint")
    a("--fresh", action="store_true", help="ignore an existing checkpoint of this run")
    a("--stop-at", help="hard wall-clock stop, HH:MM UTC today (checkpoint and exit even if "
                        "the budget is not spent; not saved with the run's settings)")
    ns = vars(p.parse_args(argv))
    flags = {"fresh": bool(ns.pop("fresh")), "stop_at": ns.pop("stop_at"),
             "slim_copy": ns.pop("slim_copy")}
    given = {k: v for k, v in ns.items() if v is not None}
    return given, flags


def parse_stop_at(hhmm: Optional[str]) -> Optional[float]:
    """Unix time of HH:MM UTC today."""
    if not hhmm:
        return None
    h, m = (int(v) for v in hhmm.split(":"))
    now = time.gmtime()
    return float(calendar.timegm((now.tm_year, now.tm_mon, now.tm_mday, h, m, 0)))


def main(argv: Optional[Sequence[str]] = None) -> int:
    given, flags = parse_args(argv)
    cfg = dict(DEFAULTS)
    cfg.update({k: v for k, v in given.items() if k in ("run", "checkpoint_dir")})
    run_dir = Path(cfg["checkpoint_dir"]) / cfg["run"]
    ckpt_path = run_dir / "checkpoint.pt"
    state: Optional[Dict[str, Any]] = None
    if ckpt_path.is_file() and not flags["fresh"]:
        state = load_state(ckpt_path)
        cfg.update(state["config"])
        if any(k in given for k in BUDGET_KEYS):  # a new budget replaces the old one
            for k in BUDGET_KEYS:
                cfg[k] = None
    cfg.update(given)
    if not any(cfg[k] for k in BUDGET_KEYS):
        raise SystemExit("give a budget: --steps, --epochs or --minutes")

    torch.set_num_threads(int(cfg["threads"]))
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    device = torch.device(cfg["device"])
    run_dir.mkdir(parents=True, exist_ok=True)

    data_dir = resolve_data_dir(cfg["data_dir"])
    splits = load_cifar(data_dir, cfg["split_seed"], cfg["val_per_class"])
    ntrain = len(splits.train_y)
    steps_per_epoch = ntrain // cfg["batch"]
    total_steps: Optional[int] = None
    if cfg["steps"]:
        total_steps = int(cfg["steps"])
    if cfg["epochs"]:
        e_steps = int(round(cfg["epochs"] * steps_per_epoch))
        total_steps = e_steps if total_steps is None else min(total_steps, e_steps)
    budget_s = float(cfg["minutes"]) * 60 if cfg["minutes"] else None
    # periodic validation on a fixed, class-mixed subset of the validation split
    vsel = np.linspace(0, len(splits.val_y) - 1, min(cfg["val_images"], len(splits.val_y)))
    vsel = vsel.astype(np.int64)
    val_x, val_y = splits.val_x[vsel], splits.val_y[vsel]

    model = build_model(cfg)
    if state is None:
        model.reset_parameters(torch.Generator().manual_seed(int(cfg["seed"])))
        if cfg["init_from"]:
            init = load_state(Path(cfg["init_from"]))["model"]
            model.load_state_dict({k: (v.float() if v.is_floating_point() else v)
                                   for k, v in init.items()})
            print(f"weights from {cfg['init_from']}", flush=True)
    on_gpu = device.type == "cuda"
    if on_gpu:
        torch.backends.cudnn.benchmark = True  # a few hundred distinct conv shapes, each tuned once
    channels_last = True
    model = model.to(device)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    opt = torch.optim.SGD(param_groups(model, cfg["wd"]), lr=cfg["lr"],
                          momentum=cfg["momentum"], nesterov=True)
    step, seconds = 0, 0.0
    if state is not None:
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        step, seconds = int(state["step"]), float(state["seconds"])
        print(f"resumed {ckpt_path} at step {step} ({seconds / 60:.1f} train-min)", flush=True)
    n_layers = len(model.layers)
    nets = fixed_subnets(n_layers)
    print(f"run {run_dir} | params {count_params(model):,} | sharing {cfg['sharing']} | "
          f"recipe {cfg['recipe']} | train {ntrain} val {len(splits.val_y)} | "
          f"steps/epoch {steps_per_epoch} | budget steps={total_steps} s={budget_s}", flush=True)
    with open(run_dir / "config.json", "w") as fh:
        json.dump({**cfg, "data_dir": str(data_dir)}, fh, indent=1)

    stop = {"signal": 0}

    def on_signal(signum: int, _frame: object) -> None:
        stop["signal"] = signum

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def progress() -> float:
        t = 0.0
        if total_steps:
            t = max(t, step / total_steps)
        if budget_s:
            t = max(t, seconds / budget_s)
        return t

    def save(reason: str) -> None:
        full = {"config": cfg, "model": model.state_dict(), "optimizer": opt.state_dict(),
                "step": step, "seconds": seconds, "epochs": step / steps_per_epoch,
                "space": model.space.to_dict(), "sharing": cfg["sharing"],
                "validation": last_val, "saved_at": time.time()}
        atomic_save(full, ckpt_path)
        if flags["slim_copy"]:
            atomic_save(slim_state(full), Path(flags["slim_copy"]))
        print(f"checkpoint ({reason}) step {step} -> {ckpt_path}", flush=True)

    def validate() -> Dict[str, float]:
        t0 = time.time()
        acc = evaluate_batchstats(model, nets, val_x, val_y, device, channels_last=channels_last)
        rec = {"step": step, "epochs": step / steps_per_epoch, "seconds": seconds,
               "bn": "batch", "images": len(val_y), "acc": acc, "eval_s": time.time() - t0}
        with open(run_dir / "val.jsonl", "a") as fh:
            fh.write(json.dumps(rec) + "\n")
        print("val " + " ".join(f"{k}={v:.3f}" for k, v in acc.items()) +
              f" ({time.time() - t0:.0f}s)", flush=True)
        model.train()
        return acc

    last_val: Optional[Dict[str, Any]] = state.get("validation") if state else None
    for name in ("log.jsonl", "val.jsonl"):
        path = run_dir / name
        if state is None:  # a fresh run starts fresh logs
            path.unlink(missing_ok=True)
        elif path.is_file():  # after a hard kill: drop lines past the checkpoint
            lines = [ln for ln in path.read_text().splitlines()
                     if ln.strip() and json.loads(ln)["step"] <= step]
            path.write_text("".join(ln + "\n" for ln in lines))
    log = open(run_dir / "log.jsonl", "a")
    # On a GPU the training images live on the device and are augmented there.
    train_x_dev = torch.from_numpy(splits.train_x).to(device) if on_gpu else None
    train_y_dev = torch.from_numpy(splits.train_y).to(device) if on_gpu else None
    amp = bool(cfg["amp"]) and on_gpu
    last_ckpt = time.time()
    seed = int(cfg["seed"])
    model.train()
    perm_epoch, perm = -1, torch.empty(0, dtype=torch.long)
    ema: Optional[float] = None
    stop_at = parse_stop_at(flags["stop_at"])
    while progress() < 1.0 and not stop["signal"]:
        if stop_at is not None and time.time() >= stop_at:
            print(f"--stop-at {flags['stop_at']} reached at step {step}", flush=True)
            break
        t0 = time.time()
        epoch, pos = divmod(step, steps_per_epoch)
        if epoch != perm_epoch:
            perm = torch.randperm(ntrain, generator=torch.Generator().manual_seed(
                seed * 1_000_003 + epoch))
            perm_epoch = epoch
        idx = perm[pos * cfg["batch"]:(pos + 1) * cfg["batch"]]
        step_gen = torch.Generator().manual_seed((seed * 7_919 + step) * 2 + 1)
        if train_x_dev is not None and train_y_dev is not None:
            aug_gen = torch.Generator(device=device).manual_seed((seed * 7_919 + step) * 2 + 2)
            idx_dev = idx.to(device)
            xb = normalise(augment_batched(train_x_dev[idx_dev], aug_gen))
            yb = train_y_dev[idx_dev]
        else:
            xb = normalise(augment(torch.from_numpy(splits.train_x[idx.numpy()]), step_gen)).to(device)
            yb = torch.from_numpy(splits.train_y[idx.numpy()]).to(device)
        if channels_last:
            xb = xb.contiguous(memory_format=torch.channels_last)
        t = progress()
        lr = lr_at(t, cfg["lr"], cfg["warmup"])
        for g in opt.param_groups:
            g["lr"] = lr
        opt.zero_grad(set_to_none=True)
        paths = sample_paths(cfg["recipe"], t, step_gen, n_layers, cfg)
        teacher: Optional[torch.Tensor] = None
        ce_parts: List[torch.Tensor] = []
        for arch, role in paths:
            with (torch.autocast(device_type="cuda", dtype=torch.bfloat16) if amp
                  else contextlib.nullcontext()):
                logits = model(xb, arch)
            logits = logits.float()
            ce = F.cross_entropy(logits, yb)
            if role == "student" and teacher is not None:
                loss = F.kl_div(F.log_softmax(logits, 1), F.softmax(teacher, 1),
                                reduction="batchmean")
            else:
                loss = ce
            if role == "teacher":
                teacher = logits.detach()
            loss.backward()  # a non-finite loss shows up in the gradient norm below
            ce_parts.append(ce.detach())
        gnorm_t = torch.nn.utils.clip_grad_norm_(model.parameters(), cfg["clip"])
        # one host-device synchronisation per step
        synced = torch.stack([gnorm_t.float()] + [c.float() for c in ce_parts]).tolist()
        gnorm, losses = synced[0], synced[1:]
        ok = math.isfinite(gnorm) and all(math.isfinite(v) for v in losses)
        if ok:
            opt.step()
        step += 1
        dt = time.time() - t0
        seconds += dt
        rec = {"step": step, "loss": losses[-1] if losses else None, "losses": losses,
               "lr": lr, "seconds": round(seconds, 2), "dt": round(dt, 3),
               "cpu": round(time.process_time(), 2),
               "epochs": round(step / steps_per_epoch, 4), "gnorm": round(gnorm, 3),
               "arch": arch_str(paths[-1][0]), "skipped": not ok}
        log.write(json.dumps(rec) + "\n")
        if losses:
            ema = losses[-1] if ema is None else 0.95 * ema + 0.05 * losses[-1]
        if step % cfg["log_every"] == 0:
            log.flush()
            print(f"step {step} ep {step / steps_per_epoch:.2f} loss {losses} ema {ema:.3f} "
                  f"lr {lr:.4f} {dt:.2f}s/step t={t:.3f}", flush=True)
        if cfg["val_every"] and step % cfg["val_every"] == 0:
            last_val = {"step": step, "acc": validate()}
        if time.time() - last_ckpt > cfg["ckpt_minutes"] * 60:
            save("periodic")
            last_ckpt = time.time()
    log.close()
    save(f"signal {stop['signal']}" if stop["signal"] else "end")
    if not stop["signal"] and (last_val is None or last_val.get("step") != step):
        last_val = {"step": step, "acc": validate()}
        save("end, with validation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
