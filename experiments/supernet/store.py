"""Read and write the nasc weight store (STORE.md, format versions 1, 2 and 3).

Version 2 adds a ``bottlenecks`` list (learned encoder/decoder pairs at split positions, their
tensors in the same .bin); version 3 lets an entry say ``"patch": 2`` (a 2x2-patch encoder and
transposed-conv decoder instead of 1x1 convs). A store without bottlenecks is still written as
version 1, one whose bottlenecks are all 1x1 as version 2.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
import torch

from data import MEAN, STD
from model import SpaceConfig, Supernet

ALIGN = 8
DTYPES = {"float16": np.float16, "float32": np.float32}
VERSIONS = (1, 2, 3)
BOTTLENECK_PREFIX = "bottleneck."


def store_paths(path: str | Path) -> Tuple[Path, Path]:
    """(<name>.bin, <name>.json) from either file name or the bare base name."""
    p = Path(path)
    base = p.with_suffix("") if p.suffix in (".bin", ".json") else p
    return base.with_name(base.name + ".bin"), base.with_name(base.name + ".json")


def bin_bytes(tensors: Iterable[torch.Tensor], dtype: str) -> int:
    """Size of the .bin write_store writes (tensors in order, each aligned to ALIGN)."""
    item = np.dtype(DTYPES[dtype]).itemsize
    offset = 0
    for t in tensors:
        offset += (-offset) % ALIGN
        offset += t.numel() * item
    return offset


def write_store(tensors: Iterable[Tuple[str, torch.Tensor]], space: SpaceConfig, path: str | Path,
                dtype: str = "float16", training: Optional[Dict[str, Any]] = None,
                split: Optional[Dict[str, Any]] = None,
                indent: Optional[int] = 1,
                bottlenecks: Optional[Sequence[Dict[str, Any]]] = None) -> Dict[str, Any]:
    """Write .bin then .json, each via temp file + rename, so readers never see half a store.

    The .json is renamed last: a reader that finds a manifest finds its matching .bin
    (checked by byteLength and sha256). ``bottlenecks`` (entries {split, channels, width,
    prefix, ...}) makes it a version-2 store; their tensors must be among ``tensors``.
    """
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {list(DTYPES)}")
    bin_path, json_path = store_paths(path)
    bin_path.parent.mkdir(parents=True, exist_ok=True)
    entries = []
    sha = hashlib.sha256()
    offset = 0
    tmp_bin = bin_path.with_name(bin_path.name + ".tmp")
    with open(tmp_bin, "wb") as fh:
        for name, t in tensors:
            arr = t.detach().cpu().float().numpy()
            if not np.all(np.isfinite(arr)):
                raise ValueError(f"{name}: non-finite values")
            out = arr.astype(DTYPES[dtype]).astype("<" + np.dtype(DTYPES[dtype]).str[1:])
            if not np.all(np.isfinite(out)):
                raise ValueError(f"{name}: overflows {dtype}")
            pad = (-offset) % ALIGN
            if pad:
                fh.write(b"\0" * pad)
                sha.update(b"\0" * pad)
                offset += pad
            buf = out.tobytes(order="C")
            fh.write(buf)
            sha.update(buf)
            entries.append({"name": name, "shape": list(arr.shape), "dtype": dtype,
                            "offset": offset, "byteLength": len(buf)})
            offset += len(buf)
        fh.flush()
        os.fsync(fh.fileno())
    if bottlenecks is not None:
        names = {e["name"] for e in entries}
        for b in bottlenecks:
            for n in bottleneck_tensor_names(b["prefix"]):
                if n not in names:
                    raise ValueError(f"bottleneck {b['prefix']}: tensor {n} not written")
    manifest = {
        "format": "nasc-weight-store",
        "version": 1 if bottlenecks is None else 3 if any(int(b.get("patch", 1)) != 1 for b in bottlenecks) else 2,
        "space": space.manifest_space(),
        "normalization": {"mean": list(MEAN), "std": list(STD)},
        "tensors": entries,
        "byteLength": offset,
        "sha256": sha.hexdigest(),
        "split": split or {"seed": 0, "validationPerClass": 500},
        "training": training or {},
    }
    if bottlenecks is not None:
        manifest["bottlenecks"] = [dict(b) for b in bottlenecks]
    tmp_json = json_path.with_name(json_path.name + ".tmp")
    with open(tmp_json, "w") as fh:
        json.dump(manifest, fh, indent=indent,
                  separators=(",", ":") if indent is None else None)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp_bin, bin_path)
    os.replace(tmp_json, json_path)
    return manifest


def read_store(path: str | Path, verify: bool = True) -> Tuple[Dict[str, Any], Dict[str, torch.Tensor]]:
    """Manifest and float32 tensors of a store; checks size and sha256."""
    bin_path, json_path = store_paths(path)
    manifest = json.loads(json_path.read_text())
    if manifest.get("format") != "nasc-weight-store" or manifest.get("version") not in VERSIONS:
        raise ValueError(f"{json_path}: not a nasc weight store of version {VERSIONS}")
    if manifest["version"] >= 2 and not isinstance(manifest.get("bottlenecks"), list):
        raise ValueError(f"{json_path}: version {manifest['version']} needs a bottlenecks list")
    raw = bin_path.read_bytes()
    if len(raw) != manifest["byteLength"]:
        raise ValueError(f"{bin_path}: {len(raw)} bytes, manifest says {manifest['byteLength']}")
    if verify and hashlib.sha256(raw).hexdigest() != manifest["sha256"]:
        raise ValueError(f"{bin_path}: sha256 mismatch")
    tensors: Dict[str, torch.Tensor] = {}
    for e in manifest["tensors"]:
        dt = np.dtype(DTYPES[e["dtype"]]).newbyteorder("<")
        arr = np.frombuffer(raw, dtype=dt, count=e["byteLength"] // dt.itemsize, offset=e["offset"])
        tensors[e["name"]] = torch.from_numpy(arr.astype(np.float32).reshape(e["shape"]))
    return manifest, tensors


def bottleneck_tensor_names(prefix: str) -> List[str]:
    """STORE.md v2: the ten tensors of one bottleneck."""
    out = []
    for conv, bn in (("enc", "enc_bn"), ("dec", "dec_bn")):
        out.append(f"{prefix}.{conv}.weight")
        out += [f"{prefix}.{bn}.{k}" for k in ("weight", "bias", "running_mean", "running_var")]
    return out


def load_store_model(path: str | Path) -> Tuple[Dict[str, Any], Supernet]:
    """A ``separate``-scheme supernet holding exactly the store's weights (bottlenecks aside)."""
    manifest, tensors = read_store(path)
    model = Supernet(SpaceConfig.from_manifest(manifest["space"]), sharing="separate")
    model.load_materialised({k: v for k, v in tensors.items() if not k.startswith(BOTTLENECK_PREFIX)})
    model.eval()
    return manifest, model


def load_store_bottlenecks(path: str | Path) -> Dict[Tuple[int, int], Any]:
    """The bottlenecks of a store by (split, width), as eval-mode ``Bottleneck`` modules
    ({} for a version-1 store)."""
    from bottleneck_model import Bottleneck  # local: bottleneck_model does not need the store
    manifest, tensors = read_store(path)
    eps = float(manifest["space"].get("bnEps", 1e-5))
    out: Dict[Tuple[int, int], Any] = {}
    for b in manifest.get("bottlenecks", []):
        m = Bottleneck(int(b["channels"]), int(b["width"]), eps, int(b.get("patch", 1)))
        m.load_store_tensors(b["prefix"], tensors)
        out[(int(b["split"]), int(b["width"]))] = m.eval()
    return out
