"""BatchNorm statistics tools: batch-stat evaluation, recalibration, snapshots.

A single-path supernet's running statistics are an average over whatever paths fed each BN
during training, which may not match a given subnet; these tools let evaluate.py measure
which choice (running / per-subnet recalibrated / batch statistics) ranks subnets better.
"""
from __future__ import annotations

from typing import Callable, Dict, Iterable, List, Sequence

import torch
import torch.nn as nn

Tensor = torch.Tensor


def batchnorms(model: nn.Module) -> List[nn.BatchNorm2d]:
    return [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]


class BatchStatsBN:
    """Context: BNs normalise with the current batch's statistics; running stats untouched."""

    def __init__(self, model: nn.Module):
        self.model = model
        self.bns = batchnorms(model)
        self.was_training = model.training

    def __enter__(self) -> "BatchStatsBN":
        self.was_training = self.model.training
        self.model.train()
        for m in self.bns:
            m.track_running_stats = False
        return self

    def __exit__(self, *exc: object) -> None:
        for m in self.bns:
            m.track_running_stats = True
        self.model.train(self.was_training)


def snapshot_bn(model: nn.Module) -> Dict[str, Tensor]:
    """Copies of all BN running statistics (to restore after a per-subnet recalibration)."""
    out: Dict[str, Tensor] = {}
    for name, buf in model.named_buffers():
        if name.endswith(("running_mean", "running_var", "num_batches_tracked")):
            out[name] = buf.detach().clone()
    return out


def restore_bn(model: nn.Module, snap: Dict[str, Tensor]) -> None:
    bufs = dict(model.named_buffers())
    with torch.no_grad():
        for name, t in snap.items():
            bufs[name].copy_(t)


@torch.no_grad()
def recalibrate_bn(model: nn.Module, images: Iterable[Tensor],
                   arch_for_batch: Callable[[int], Sequence[int]]) -> None:
    """Reset every BN and re-estimate its statistics as an exact average over batches.

    ``arch_for_batch(k)`` gives the path of batch k: a fixed arch for per-subnet
    recalibration, random archs for a store-wide recalibration (each candidate BN then
    averages over the batches that used it; BNs never used keep their reset stats).
    """
    bns = batchnorms(model)
    saved_momentum = [m.momentum for m in bns]
    saved = snapshot_bn(model)
    for m in bns:
        m.reset_running_stats()
        m.momentum = None  # cumulative moving average = exact mean over batches
    was_training = model.training
    model.train()
    for k, xb in enumerate(images):
        model(xb, arch_for_batch(k))
    model.train(was_training)
    for m, mom in zip(bns, saved_momentum):
        m.momentum = mom
    # BNs that saw no batch keep their old statistics rather than the reset (0, 1)
    bufs = dict(model.named_buffers())
    with torch.no_grad():
        for name, buf in bufs.items():
            if name.endswith("num_batches_tracked") and int(buf) == 0:
                prefix = name[: -len("num_batches_tracked")]
                for suffix in ("running_mean", "running_var", "num_batches_tracked"):
                    bufs[prefix + suffix].copy_(saved[prefix + suffix])
