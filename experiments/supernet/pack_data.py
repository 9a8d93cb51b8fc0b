#!/usr/bin/python3
"""Pack CIFAR-10's training records into one JPEG mosaic + labels (data.PACKED_*), small enough
to travel to a lent GPU machine (the raw 154 MB does not fit its 64 MiB transfer limit).

    /usr/bin/python3 experiments/supernet/pack_data.py --data-dir $NASC_DATA --out .gpu/cifar10-jpeg

Prints the file size and the PSNR of the round trip. Training reads the folder like any data
directory (``--data-dir .gpu/cifar10-jpeg``). The test set is not packed: test accuracy is
measured on the original test.bin only.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from data import PACKED_COLS, PACKED_IMAGES, PACKED_LABELS, load_packed, load_split, resolve_data_dir  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-dir")
    p.add_argument("--out", required=True)
    p.add_argument("--quality", type=int, default=90)
    a = p.parse_args()
    x, y = load_split(resolve_data_dir(a.data_dir), train=True)
    rows = -(-len(y) // PACKED_COLS)
    tiles = np.zeros((rows * PACKED_COLS, 3, 32, 32), dtype=np.uint8)
    tiles[:len(y)] = x
    mosaic = tiles.reshape(rows, PACKED_COLS, 3, 32, 32).transpose(0, 3, 1, 4, 2)
    mosaic = mosaic.reshape(rows * 32, PACKED_COLS * 32, 3)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / (PACKED_IMAGES + ".tmp")
    Image.fromarray(np.ascontiguousarray(mosaic)).save(tmp, "JPEG", quality=a.quality, subsampling=0)
    os.replace(tmp, out / PACKED_IMAGES)
    y.astype(np.uint8).tofile(out / PACKED_LABELS)
    back, yb = load_packed(out)
    assert np.array_equal(yb, y)
    mse = float(((back.astype(np.float64) - x) ** 2).mean())
    size = (out / PACKED_IMAGES).stat().st_size
    print(f"{out / PACKED_IMAGES}: {len(y)} images, {size / 1e6:.1f} MB, "
          f"PSNR {10 * np.log10(255 ** 2 / mse):.1f} dB, max |diff| {int(np.abs(back.astype(int) - x).max())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
