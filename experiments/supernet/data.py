"""CIFAR-10 binary records, the seeded validation split of STORE.md, augmentation.

The data directory comes from ``--data-dir`` or the ``NASC_DATA`` environment variable
(either the cifar10 folder itself or its parent); nothing is copied into the repository.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List, Optional, Tuple

import numpy as np
import torch

RECORD = 3073
MASK64 = (1 << 64) - 1

# Channel statistics of this train.bin copy (data/cifar10/README.md), on pixel/255.
MEAN: Tuple[float, float, float] = (124.96 / 255, 122.45 / 255, 113.56 / 255)
STD: Tuple[float, float, float] = (62.68 / 255, 61.96 / 255, 66.60 / 255)


def resolve_data_dir(flag: Optional[str]) -> Path:
    """The CIFAR-10 folder from the flag, else $NASC_DATA; accepts the parent folder too."""
    raw = flag or os.environ.get("NASC_DATA")
    if not raw:
        raise SystemExit("no data directory: pass --data-dir or set NASC_DATA")
    p = Path(raw).expanduser()
    for cand in (p, p / "cifar10", p / "cifar-10-batches-bin", p / "cifar10-jpeg"):
        if ((cand / "train.bin").is_file() or (cand / "data_batch_1.bin").is_file()
                or (cand / PACKED_IMAGES).is_file()):
            return cand
    raise SystemExit(f"no CIFAR-10 binary files under {p}")


def _read_records(files: List[Path]) -> Tuple[np.ndarray, np.ndarray]:
    raw = np.concatenate([np.fromfile(f, dtype=np.uint8) for f in files])
    if raw.size % RECORD:
        raise ValueError(f"{files}: size {raw.size} is not a multiple of {RECORD}")
    rec = raw.reshape(-1, RECORD)
    return rec[:, 1:].reshape(-1, 3, 32, 32).copy(), rec[:, 0].astype(np.int64)


# A compact training set for machines the 184 MB binary cannot be shipped to (a lent GPU
# machine takes 64 MiB): the 50,000 training records, in record order, tiled 250 per row into
# one JPEG (quality 90, no chroma subsampling: 25.6 MB, PSNR 41 dB against train.bin; the 32x32
# tiles sit on JPEG's 8x8 block grid, so no block mixes two images) + the labels.
# Written by pack_data.py.
PACKED_IMAGES = "train-mosaic.jpg"
PACKED_LABELS = "train-labels.bin"
PACKED_COLS = 250


def load_packed(data_dir: Path) -> Tuple[np.ndarray, np.ndarray]:
    from PIL import Image  # only this path needs Pillow
    labels = np.fromfile(data_dir / PACKED_LABELS, dtype=np.uint8).astype(np.int64)
    with Image.open(data_dir / PACKED_IMAGES) as im:
        mosaic = np.asarray(im.convert("RGB"))
    rows = -(-len(labels) // PACKED_COLS)
    if mosaic.shape != (rows * 32, PACKED_COLS * 32, 3):
        raise ValueError(f"{data_dir / PACKED_IMAGES}: shape {mosaic.shape} does not fit "
                         f"{len(labels)} labels")
    tiles = mosaic.reshape(rows, 32, PACKED_COLS, 32, 3).transpose(0, 2, 4, 1, 3)
    return tiles.reshape(-1, 3, 32, 32)[:len(labels)].copy(), labels


def load_split(data_dir: Path, train: bool) -> Tuple[np.ndarray, np.ndarray]:
    """(images uint8 [N,3,32,32], labels int64 [N]) in file record order."""
    if train and not (data_dir / "train.bin").is_file() and (data_dir / PACKED_IMAGES).is_file():
        return load_packed(data_dir)
    if train:
        files = [data_dir / "train.bin"]
        if not files[0].is_file():
            files = [data_dir / f"data_batch_{k}.bin" for k in range(1, 6)]
    else:
        files = [data_dir / "test.bin"]
        if not files[0].is_file():
            files = [data_dir / "test_batch.bin"]
    return _read_records(files)


def splitmix64(x: np.ndarray) -> np.ndarray:
    """Vectorised splitmix64 on uint64 (wrap-around arithmetic is the mod 2^64)."""
    with np.errstate(over="ignore"):
        z = x.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def splitmix64_int(x: int) -> int:
    """Reference scalar version (used by the self-check)."""
    z = (x + 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def validation_indices(labels: np.ndarray, seed: int = 0, per_class: int = 500) -> np.ndarray:
    """STORE.md split: per class the per_class records with the smallest splitmix64 key."""
    idx = np.arange(labels.shape[0], dtype=np.uint64)
    keys = splitmix64((np.uint64(seed) << np.uint64(32)) | idx)
    chosen: List[np.ndarray] = []
    for c in range(int(labels.max()) + 1):
        members = np.nonzero(labels == c)[0]
        order = np.argsort(keys[members], kind="stable")
        chosen.append(members[order[:per_class]])
    return np.sort(np.concatenate(chosen))


@dataclass
class CifarSplits:
    """Training (validation removed), validation and test arrays."""

    train_x: np.ndarray
    train_y: np.ndarray
    val_x: np.ndarray
    val_y: np.ndarray
    val_index: np.ndarray
    test_x: Optional[np.ndarray] = None
    test_y: Optional[np.ndarray] = None


def load_cifar(data_dir: Path, split_seed: int = 0, per_class: int = 500,
               with_test: bool = False) -> CifarSplits:
    x, y = load_split(data_dir, train=True)
    vi = validation_indices(y, split_seed, per_class)
    keep = np.ones(len(y), dtype=bool)
    keep[vi] = False
    s = CifarSplits(x[keep], y[keep], x[vi], y[vi], vi)
    if with_test:
        s.test_x, s.test_y = load_split(data_dir, train=False)
    return s


def normalise(xb: torch.Tensor) -> torch.Tensor:
    """uint8 NCHW -> float, (x/255 - mean)/std (on the batch's device)."""
    mean = torch.tensor(MEAN, device=xb.device).view(1, 3, 1, 1)
    std = torch.tensor(STD, device=xb.device).view(1, 3, 1, 1)
    return (xb.float() / 255.0 - mean) / std


def augment(xb: torch.Tensor, gen: torch.Generator, pad: int = 4) -> torch.Tensor:
    """Random crop with zero padding + horizontal flip, on a uint8 batch (cheap on 1 core)."""
    n, c, h, w = xb.shape
    padded = torch.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=xb.dtype)
    padded[:, :, pad:pad + h, pad:pad + w] = xb
    dy = torch.randint(0, 2 * pad + 1, (n,), generator=gen).tolist()
    dx = torch.randint(0, 2 * pad + 1, (n,), generator=gen).tolist()
    flip = (torch.rand(n, generator=gen) < 0.5).tolist()
    out = torch.empty_like(xb)
    for k in range(n):
        crop = padded[k, :, dy[k]:dy[k] + h, dx[k]:dx[k] + w]
        out[k] = crop.flip(-1) if flip[k] else crop
    return out


def augment_batched(xb: torch.Tensor, gen: torch.Generator, pad: int = 4) -> torch.Tensor:
    """The same random crop + flip as ``augment``, as a few tensor ops on the batch's device
    (a per-image Python loop would starve a GPU). Returns a channels-last NCHW view."""
    n, c, h, w = xb.shape
    dev = xb.device
    padded = torch.nn.functional.pad(xb, (pad, pad, pad, pad)).permute(0, 2, 3, 1)  # NHWC
    dy = torch.randint(0, 2 * pad + 1, (n,), generator=gen, device=dev)
    dx = torch.randint(0, 2 * pad + 1, (n,), generator=gen, device=dev)
    rows = dy[:, None] + torch.arange(h, device=dev)
    cols = dx[:, None] + torch.arange(w, device=dev)
    out = padded[torch.arange(n, device=dev)[:, None, None], rows[:, :, None], cols[:, None, :]]
    flip = torch.rand(n, generator=gen, device=dev) < 0.5
    out = torch.where(flip[:, None, None, None], out.flip(2), out)
    return out.permute(0, 3, 1, 2)


def batches(x: np.ndarray, y: np.ndarray, batch: int) -> Iterator[Tuple[torch.Tensor, torch.Tensor]]:
    """Fixed-order, unaugmented, normalised batches (evaluation)."""
    for i in range(0, len(y), batch):
        yield normalise(torch.from_numpy(x[i:i + batch])), torch.from_numpy(y[i:i + batch])


def _self_check() -> None:
    for v in (0, 1, 12345, (7 << 32) | 49999):
        assert int(splitmix64(np.array([v], dtype=np.uint64))[0]) == splitmix64_int(v)


_self_check()
