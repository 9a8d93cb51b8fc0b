"""The learned bottleneck at a split position (STORE.md ``bottlenecks``): an encoder + BN on the
device, the per-image affine int8 payload, a decoder + BN on the server; and its PCA start.
Trained by bottleneck.py. Two forms with the same payload for a width c (c*H*W int8 values):

- patch 1 (format 2): 1x1 conv C->c, decoder 1x1 conv c->C (per-pixel PCA at the start);
- patch 2 (format 3): 2x2 conv with stride 2, C->4c channels at H/2 x W/2, decoder a 2x2
  transposed conv with stride 2, 4c->C (PCA of 2x2 patches at the start). The patch projection
  contains the per-pixel one, so at equal payload it can only reconstruct better; from the PCA
  start alone it cost 4-15x fewer points at C/8 and C/16 (results/bottleneck/form-probe.json).
"""
from __future__ import annotations

from typing import Dict, Iterator, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

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


PATCHES = (1, 2)


class Bottleneck(nn.Module):
    """Encoder conv (patch x patch, stride patch) C->patch^2*c + BN, int8 round trip, decoder
    (1x1 conv, or transposed patch conv) back to C + BN. ``width`` is c, the payload width."""

    def __init__(self, channels: int, width: int, eps: float = 1e-5, patch: int = 1):
        super().__init__()
        if patch not in PATCHES:
            raise ValueError(f"patch must be one of {PATCHES}, got {patch}")
        self.channels, self.width, self.patch = channels, width, patch
        self.sent = patch * patch * width  # channels of the payload (at H/patch x W/patch)
        self.enc = nn.Conv2d(channels, self.sent, patch, stride=patch, bias=False)
        self.enc_bn = nn.BatchNorm2d(self.sent, eps=eps)
        if patch == 1:
            self.dec: nn.Module = nn.Conv2d(width, channels, 1, bias=False)
        else:
            self.dec = nn.ConvTranspose2d(self.sent, channels, patch, stride=patch, bias=False)
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
    """The PCA start of each module (per-pixel for patch 1, of 2x2 patches for patch 2)."""
    pixel = [b for b in bns if b.patch == 1]
    if pixel:
        pixel_pca_init(pixel, samples, eps)
    for p in sorted({b.patch for b in bns if b.patch != 1}):
        patch_pca_init([b for b in bns if b.patch == p], samples)


@torch.no_grad()
def patch_pca_init(bns: Sequence[Bottleneck], samples: Tensor) -> None:
    """Rank-4c PCA of the split tensor's patches (as the encoder conv reads them: C, kh, kw), the
    decoder its transpose; BNs set so that, unquantised, the module starts as the PCA
    reconstruction (the decoder BN shifts per channel, the patch mean being one value per channel)."""
    patch = bns[0].patch
    c_all = samples.shape[1]
    p = F.unfold(samples.double(), patch, stride=patch).permute(0, 2, 1).reshape(-1, c_all * patch * patch)
    mu = p.mean(0)
    cov = (p - mu).T @ (p - mu) / max(1, p.shape[0] - 1)
    evals, evecs = torch.linalg.eigh(cov)  # ascending
    order = torch.argsort(evals, descending=True)
    evals, evecs = evals[order].clamp(min=0), evecs[:, order]
    mean_x = samples.double().mean(dim=(0, 2, 3))
    for b in bns:
        v, lam = evecs[:, : b.sent], evals[: b.sent]
        w = v.T.reshape(b.sent, c_all, patch, patch).float()
        b.enc.weight.copy_(w)
        b.dec.weight.copy_(w)  # ConvTranspose2d weight [4c, C, 2, 2]: code k spreads v_k over the patch
        mz = v.T @ mu
        b.enc_bn.running_mean.copy_(mz.float())
        b.enc_bn.running_var.copy_(lam.float())
        b.enc_bn.weight.copy_(torch.sqrt(lam + b.enc_bn.eps).float())
        b.enc_bn.bias.copy_(mz.float())
        u = b.dec(b.enc(samples.float())).double()
        mu_u, var_u = u.mean(dim=(0, 2, 3)), u.var(dim=(0, 2, 3), unbiased=False)
        b.dec_bn.running_mean.copy_(mu_u.float())
        b.dec_bn.running_var.copy_(var_u.float())
        b.dec_bn.weight.copy_(torch.sqrt(var_u + b.dec_bn.eps).float())
        b.dec_bn.bias.copy_(mean_x.float())


@torch.no_grad()
def pixel_pca_init(bns: Sequence[Bottleneck], samples: Tensor, eps: float = 1e-5) -> None:
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
