"""The learned bottleneck at a split position (STORE.md v2 ``bottlenecks``): encoder 1x1 conv
C->c + BN on the device, the per-image affine int8 payload, decoder 1x1 conv c->C + BN on the
server; and its rank-c PCA initialisation. Trained by bottleneck.py.
"""
from __future__ import annotations

from typing import Dict, Iterator, Sequence, Tuple

import torch
import torch.nn as nn

Tensor = torch.Tensor
DIVISORS = (2, 4, 8, 16)


def width_of(channels: int, divisor: int) -> int:
    """c = C/divisor rounded down, at least 1 (C = 24: 12, 6, 3, 1)."""
    return max(1, channels // divisor)


def int8_roundtrip(z: Tensor) -> Tensor:
    """Per-image affine int8 exactly as workers/payload_precision.ts (range [min(x,0), max(x,0)],
    scale = range/255 >= 1e-30, zero point round(-min/scale), round half to even), with a
    straight-through gradient."""
    n = z.shape[0]
    flat = z.reshape(n, -1)
    zero = torch.zeros((), dtype=z.dtype, device=z.device)
    lo = torch.minimum(flat.min(1).values, zero).view(n, 1, 1, 1)
    hi = torch.maximum(flat.max(1).values, zero).view(n, 1, 1, 1)
    scale = torch.clamp((hi - lo) / 255.0, min=1e-30)
    zp = torch.round(-lo / scale)
    q = torch.clamp(torch.round(z / scale) + zp, 0.0, 255.0)
    deq = (q - zp) * scale
    return z + (deq - z).detach()


class Bottleneck(nn.Module):
    """Encoder 1x1 conv C->c + BN, int8 round trip, decoder 1x1 conv c->C + BN."""

    def __init__(self, channels: int, width: int, eps: float = 1e-5):
        super().__init__()
        self.channels, self.width = channels, width
        self.enc = nn.Conv2d(channels, width, 1, bias=False)
        self.enc_bn = nn.BatchNorm2d(width, eps=eps)
        self.dec = nn.Conv2d(width, channels, 1, bias=False)
        self.dec_bn = nn.BatchNorm2d(channels, eps=eps)

    def encode(self, x: Tensor) -> Tensor:
        return self.enc_bn(self.enc(x))

    def decode(self, z: Tensor) -> Tensor:
        return self.dec_bn(self.dec(z))

    def forward(self, x: Tensor, quantize: bool = True) -> Tensor:
        z = self.encode(x)
        return self.decode(int8_roundtrip(z) if quantize else z)

    def store_tensors(self, prefix: str) -> Iterator[Tuple[str, Tensor]]:
        """STORE.md v2 names: <prefix>.enc.weight, <prefix>.enc_bn.*, <prefix>.dec.weight, ..."""
        for conv, bn in (("enc", "enc_bn"), ("dec", "dec_bn")):
            yield f"{prefix}.{conv}.weight", getattr(self, conv).weight.detach()
            m: nn.BatchNorm2d = getattr(self, bn)
            assert m.running_mean is not None and m.running_var is not None
            for k, t in (("weight", m.weight), ("bias", m.bias), ("running_mean", m.running_mean),
                         ("running_var", m.running_var)):
                yield f"{prefix}.{bn}.{k}", t.detach()

    def load_store_tensors(self, prefix: str, tensors: Dict[str, Tensor]) -> None:
        own = dict(self.named_parameters())
        own.update({k: v for k, v in self.named_buffers() if not k.endswith("num_batches_tracked")})
        with torch.no_grad():
            for name, dst in own.items():
                t = tensors[f"{prefix}.{name}"]
                if tuple(t.shape) != tuple(dst.shape):
                    raise ValueError(f"{prefix}.{name}: shape {tuple(t.shape)} != {tuple(dst.shape)}")
                dst.copy_(t)


def store_prefix(split: int, width: int) -> str:
    return f"bottleneck.{split}.{width}"


@torch.no_grad()
def pca_init(bns: Sequence[Bottleneck], samples: Tensor, eps: float = 1e-5) -> None:
    """Rank-c PCA of the split tensor: encoder = top-c eigenvectors V^T, decoder = V, BNs set so
    that (without quantisation) the bottleneck computes V V^T (x - mu) + mu at the start.

    ``samples``: split tensors [N, C, H, W] of random subnets (float64 covariance over pixels).
    """
    c_all = samples.shape[1]
    x = samples.permute(0, 2, 3, 1).reshape(-1, c_all).double()
    mu = x.mean(0)
    cov = (x - mu).T @ (x - mu) / max(1, x.shape[0] - 1)
    evals, evecs = torch.linalg.eigh(cov)  # ascending
    order = torch.argsort(evals, descending=True)
    evals, evecs = evals[order].clamp(min=0), evecs[:, order]
    for b in bns:
        v = evecs[:, : b.width]  # [C, c]
        lam = evals[: b.width]
        b.enc.weight.copy_(v.T.reshape(b.width, c_all, 1, 1).float())
        mz = v.T @ mu
        b.enc_bn.running_mean.copy_(mz.float())
        b.enc_bn.running_var.copy_(lam.float())
        b.enc_bn.weight.copy_(torch.sqrt(lam + eps).float())
        b.enc_bn.bias.copy_(mz.float())
        b.dec.weight.copy_(v.reshape(c_all, b.width, 1, 1).float())
        mu_u = v @ mz
        var_u = (v * v) @ lam
        b.dec_bn.running_mean.copy_(mu_u.float())
        b.dec_bn.running_var.copy_(var_u.float())
        b.dec_bn.weight.copy_(torch.sqrt(var_u + eps).float())
        b.dec_bn.bias.copy_(mu.float())
