"""FBNet-CIFAR weight-sharing supernet (HW-NAS-Bench space), see STORE.md.

Two weight-sharing schemes behind one interface:

* ``separate``: every candidate of every layer owns its convolutions (~11.1 M parameters at
  full width). This is also the layout of the weight store, so a store can be loaded straight
  back into a ``separate`` model (evaluate.py, make_fixture.py do that).
* ``nested`` (OFA-style): per layer one k5_e6 block; k3 = centre 3x3 of the 5x5 kernel,
  e1/e3 = channel prefixes of e6, g2 = the block-diagonal parts of the (prefix) 1x1 weights.
  Each conv weight then gets gradient from most sampled paths, which is what makes a
  CPU-hour go further. BatchNorms stay per candidate in both schemes (they are cheap, and
  their statistics differ per candidate anyway).

Either way ``candidate_tensors(i, j)`` materialises the per-candidate tensors that the
forward pass uses, so forward and export cannot disagree.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

Tensor = torch.Tensor


@dataclass(frozen=True)
class Candidate:
    """One searchable block choice; ``kernel == 0`` marks the skip candidate."""

    name: str
    kernel: int = 0
    expansion: int = 0
    groups: int = 1

    @property
    def is_skip(self) -> bool:
        return self.kernel == 0


# HW-NAS-Bench op_idx order.
CANDIDATES: Tuple[Candidate, ...] = (
    Candidate("k3_e1", 3, 1, 1),
    Candidate("k3_e1_g2", 3, 1, 2),
    Candidate("k3_e3", 3, 3, 1),
    Candidate("k3_e6", 3, 6, 1),
    Candidate("k5_e1", 5, 1, 1),
    Candidate("k5_e1_g2", 5, 1, 2),
    Candidate("k5_e3", 5, 3, 1),
    Candidate("k5_e6", 5, 6, 1),
    Candidate("skip"),
)
NUM_CANDIDATES = len(CANDIDATES)
SKIP = 8
LARGEST = 7


@dataclass(frozen=True)
class SpaceConfig:
    """Widths/strides of the space; defaults are FBNet-CIFAR (REFERENCE.md)."""

    stem_channels: int = 16
    stage_layers: Tuple[int, ...] = (1, 4, 4, 4, 4, 4, 1)
    stage_channels: Tuple[int, ...] = (16, 24, 32, 64, 112, 184, 352)
    stage_strides: Tuple[int, ...] = (1, 1, 2, 2, 1, 2, 1)
    head_channels: int = 1504
    num_classes: int = 10
    bn_eps: float = 1e-5

    @property
    def num_layers(self) -> int:
        return sum(self.stage_layers)

    def layer_specs(self) -> List[Tuple[int, int, int]]:
        """(Cin, Cout, stride) for each of the searchable layers."""
        specs: List[Tuple[int, int, int]] = []
        cin = self.stem_channels
        for n, c, s in zip(self.stage_layers, self.stage_channels, self.stage_strides):
            for k in range(n):
                specs.append((cin, c, s if k == 0 else 1))
                cin = c
        return specs

    def manifest_space(self) -> dict:
        """The ``space`` object of the store manifest."""
        return {
            "input": [3, 32, 32],
            "numClasses": self.num_classes,
            "stemChannels": self.stem_channels,
            "stages": [
                {"layers": n, "channels": c, "stride": s}
                for n, c, s in zip(self.stage_layers, self.stage_channels, self.stage_strides)
            ],
            "headChannels": self.head_channels,
            "candidates": [
                {"name": c.name} if c.is_skip else
                {"name": c.name, "kernel": c.kernel, "expansion": c.expansion, "groups": c.groups}
                for c in CANDIDATES
            ],
            "bnEps": self.bn_eps,
        }

    @staticmethod
    def from_manifest(space: dict) -> "SpaceConfig":
        st = space["stages"]
        return SpaceConfig(
            stem_channels=int(space["stemChannels"]),
            stage_layers=tuple(int(s["layers"]) for s in st),
            stage_channels=tuple(int(s["channels"]) for s in st),
            stage_strides=tuple(int(s["stride"]) for s in st),
            head_channels=int(space["headChannels"]),
            num_classes=int(space["numClasses"]),
            bn_eps=float(space.get("bnEps", 1e-5)),
        )

    def to_dict(self) -> dict:
        return asdict(self)


def channel_shuffle(x: Tensor, groups: int) -> Tensor:
    """ShuffleNet shuffle exactly as STORE.md: [N,g,m/g,H,W] -> transpose(1,2) -> [N,m,H,W]."""
    n, m, h, w = x.shape
    return x.reshape(n, groups, m // groups, h, w).transpose(1, 2).reshape(n, m, h, w)


def _block_diag_1x1(w: Tensor, groups: int) -> Tensor:
    """Grouped 1x1 weight [O, I/g, 1, 1] from the diagonal blocks of a dense [O, I, 1, 1]."""
    o, i = w.shape[0], w.shape[1]
    og, ig = o // groups, i // groups
    return torch.cat([w[g * og:(g + 1) * og, g * ig:(g + 1) * ig] for g in range(groups)], 0)


def _bn(c: int, eps: float) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(c, eps=eps)


class ConvCandidate(nn.Module):
    """BNs of one conv candidate (plus its own convs in the ``separate`` scheme)."""

    def __init__(self, cin: int, cout: int, cand: Candidate, eps: float, own_weights: bool):
        super().__init__()
        m = cin * cand.expansion
        self.bn1, self.bn2, self.bn3 = _bn(m, eps), _bn(m, eps), _bn(cout, eps)
        if own_weights:
            g = cand.groups
            self.pw1 = nn.Parameter(torch.empty(m, cin // g, 1, 1))
            self.dw = nn.Parameter(torch.empty(m, 1, cand.kernel, cand.kernel))
            self.pw2 = nn.Parameter(torch.empty(cout, m // g, 1, 1))


class SkipConv(nn.Module):
    """Skip when the shape changes: 1x1 conv (stride) + BN + ReLU."""

    def __init__(self, cin: int, cout: int, stride: int, eps: float):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 1, stride, 0, bias=False)
        self.bn = _bn(cout, eps)
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(self.bn(self.conv(x)))


class LayerChoice(nn.ModuleList):
    """The 9 candidates of one layer; submodule ``j`` is candidate ``j`` (store names)."""

    def __init__(self, cin: int, cout: int, stride: int, eps: float, sharing: str):
        mods: List[nn.Module] = []
        for c in CANDIDATES:
            if c.is_skip:
                identity = cin == cout and stride == 1
                mods.append(nn.Identity() if identity else SkipConv(cin, cout, stride, eps))
            else:
                mods.append(ConvCandidate(cin, cout, c, eps, own_weights=sharing == "separate"))
        super().__init__(mods)
        self.cin, self.cout, self.stride, self.sharing = cin, cout, stride, sharing
        self.residual = cin == cout and stride == 1
        if sharing == "nested":
            m = cin * 6
            self.shared_pw1 = nn.Parameter(torch.empty(m, cin, 1, 1))
            self.shared_dw = nn.Parameter(torch.empty(m, 1, 5, 5))
            self.shared_pw2 = nn.Parameter(torch.empty(cout, m, 1, 1))
        elif sharing != "separate":
            raise ValueError(f"unknown sharing scheme {sharing!r}")

    def conv_weights(self, j: int) -> Tuple[Tensor, Tensor, Tensor]:
        """(pw1, dw, pw2) of conv candidate j, in the store's shapes."""
        cand = CANDIDATES[j]
        mod = self[j]
        assert isinstance(mod, ConvCandidate)
        if self.sharing == "separate":
            return mod.pw1, mod.dw, mod.pw2
        m = self.cin * cand.expansion
        pw1 = self.shared_pw1[:m]
        dw = self.shared_dw[:m]
        if cand.kernel == 3:
            dw = dw[:, :, 1:4, 1:4]
        pw2 = self.shared_pw2[:, :m]
        if cand.groups > 1:
            pw1 = _block_diag_1x1(pw1, cand.groups)
            pw2 = _block_diag_1x1(pw2, cand.groups)
        return pw1, dw, pw2

    def forward_candidate(self, x: Tensor, j: int) -> Tensor:
        cand = CANDIDATES[j]
        mod = self[j]
        if cand.is_skip:
            return mod(x)
        assert isinstance(mod, ConvCandidate)
        pw1, dw, pw2 = self.conv_weights(j)
        g = cand.groups
        y = F.relu(mod.bn1(F.conv2d(x, pw1, groups=g)), inplace=True)
        if g > 1:
            y = channel_shuffle(y, g)
        y = F.relu(mod.bn2(F.conv2d(y, dw, stride=self.stride, padding=cand.kernel // 2,
                                    groups=dw.shape[0])), inplace=True)
        y = mod.bn3(F.conv2d(y, pw2, groups=g))
        return y + x if self.residual else y


class Supernet(nn.Module):
    """Stem, 22 LayerChoices, head; ``forward(x, arch)`` runs one single-path subnet."""

    def __init__(self, space: SpaceConfig = SpaceConfig(), sharing: str = "nested"):
        super().__init__()
        self.space, self.sharing = space, sharing
        eps = space.bn_eps
        self.stem = nn.Module()
        self.stem.conv = nn.Conv2d(3, space.stem_channels, 3, 1, 1, bias=False)
        self.stem.bn = _bn(space.stem_channels, eps)
        self.layers = nn.ModuleList(
            LayerChoice(cin, cout, s, eps, sharing) for cin, cout, s in space.layer_specs())
        last = space.stage_channels[-1]
        self.head = nn.Module()
        self.head.conv = nn.Conv2d(last, space.head_channels, 1, bias=False)
        self.head.bn = _bn(space.head_channels, eps)
        self.classifier = nn.Linear(space.head_channels, space.num_classes)
        self.reset_parameters()

    def reset_parameters(self, generator: Optional[torch.Generator] = None) -> None:
        """Kaiming-normal convs, BN (1, 0) but the last BN of residual blocks zeroed.

        The zero gamma makes every residual block start as the identity, which keeps deep
        random paths trainable (DESIGN.md: without it even a fixed net diverges at lr 0.05).
        """
        def kaiming(w: Tensor, fan_out: int) -> None:
            std = (2.0 / max(1, fan_out)) ** 0.5
            with torch.no_grad():
                w.copy_(torch.randn(w.shape, generator=generator) * std)

        for mod in self.modules():
            if isinstance(mod, nn.Conv2d):
                kaiming(mod.weight, mod.out_channels * mod.kernel_size[0] * mod.kernel_size[1]
                        // mod.groups)
            elif isinstance(mod, nn.BatchNorm2d):
                nn.init.ones_(mod.weight)
                nn.init.zeros_(mod.bias)
                mod.reset_running_stats()
            elif isinstance(mod, nn.Linear):
                with torch.no_grad():
                    mod.weight.copy_(torch.randn(mod.weight.shape, generator=generator) * 0.01)
                    mod.bias.zero_()
        for layer in self.layers:
            assert isinstance(layer, LayerChoice)
            if layer.sharing == "nested":
                kaiming(layer.shared_pw1, layer.shared_pw1.shape[0])
                kaiming(layer.shared_dw, 25)
                kaiming(layer.shared_pw2, layer.cout)
            for j, c in enumerate(CANDIDATES):
                mod = layer[j]
                if isinstance(mod, ConvCandidate):
                    if layer.sharing == "separate":
                        kaiming(mod.pw1, mod.pw1.shape[0])
                        kaiming(mod.dw, c.kernel * c.kernel)
                        kaiming(mod.pw2, mod.pw2.shape[0])
                    if layer.residual:
                        nn.init.zeros_(mod.bn3.weight)

    # ---- forward -------------------------------------------------------------------------

    def forward_stem(self, x: Tensor) -> Tensor:
        return F.relu(self.stem.bn(self.stem.conv(x)))

    def forward_layers(self, x: Tensor, arch: Sequence[int], start: int = 0,
                       stop: Optional[int] = None) -> Tensor:
        stop = len(self.layers) if stop is None else stop
        for i in range(start, stop):
            layer = self.layers[i]
            assert isinstance(layer, LayerChoice)
            x = layer.forward_candidate(x, int(arch[i]))
        return x

    def forward_head(self, x: Tensor) -> Tensor:
        x = F.relu(self.head.bn(self.head.conv(x)))
        return self.classifier(x.mean(dim=(2, 3)))

    def forward(self, x: Tensor, arch: Sequence[int]) -> Tensor:
        if len(arch) != len(self.layers):
            raise ValueError(f"arch needs {len(self.layers)} entries, got {len(arch)}")
        return self.forward_head(self.forward_layers(self.forward_stem(x), arch))

    def split_head(self, x: Tensor, arch: Sequence[int], s: int) -> Tensor:
        """Tensor sent at split point s: stem + first s layers (s=0: the stem output)."""
        return self.forward_layers(self.forward_stem(x), arch, 0, s)

    # ---- weight store view ---------------------------------------------------------------

    def materialise(self) -> Iterator[Tuple[str, Tensor]]:
        """All store tensors (STORE.md names, deterministic order), detached."""
        def bn(prefix: str, m: nn.BatchNorm2d) -> Iterator[Tuple[str, Tensor]]:
            assert m.running_mean is not None and m.running_var is not None
            yield f"{prefix}.weight", m.weight
            yield f"{prefix}.bias", m.bias
            yield f"{prefix}.running_mean", m.running_mean
            yield f"{prefix}.running_var", m.running_var

        def gen() -> Iterator[Tuple[str, Tensor]]:
            yield "stem.conv.weight", self.stem.conv.weight
            yield from bn("stem.bn", self.stem.bn)
            for i, layer in enumerate(self.layers):
                assert isinstance(layer, LayerChoice)
                for j, c in enumerate(CANDIDATES):
                    mod = layer[j]
                    p = f"layers.{i}.{j}"
                    if isinstance(mod, ConvCandidate):
                        pw1, dw, pw2 = layer.conv_weights(j)
                        yield f"{p}.pw1.weight", pw1
                        yield from bn(f"{p}.bn1", mod.bn1)
                        yield f"{p}.dw.weight", dw
                        yield from bn(f"{p}.bn2", mod.bn2)
                        yield f"{p}.pw2.weight", pw2
                        yield from bn(f"{p}.bn3", mod.bn3)
                    elif isinstance(mod, SkipConv):
                        yield f"{p}.conv.weight", mod.conv.weight
                        yield from bn(f"{p}.bn", mod.bn)
            yield "head.conv.weight", self.head.conv.weight
            yield from bn("head.bn", self.head.bn)
            yield "classifier.weight", self.classifier.weight
            yield "classifier.bias", self.classifier.bias

        with torch.no_grad():
            for name, t in gen():
                yield name, t.detach().contiguous()

    def load_materialised(self, tensors: Dict[str, Tensor]) -> None:
        """Load store tensors into a ``separate`` model (the store's own layout)."""
        if self.sharing != "separate":
            raise ValueError("a weight store loads into a sharing='separate' supernet")
        own = dict(self.named_parameters())
        own.update(dict(self.named_buffers()))
        expected = {n for n, _ in self.materialise()}
        missing = expected - set(tensors)
        extra = set(tensors) - expected
        if missing or extra:
            raise ValueError(f"store mismatch: missing {sorted(missing)[:5]}, "
                             f"unexpected {sorted(extra)[:5]}")
        with torch.no_grad():
            for name, t in tensors.items():
                key = _store_to_param_name(name)
                dst = own[key]
                if tuple(dst.shape) != tuple(t.shape):
                    raise ValueError(f"{name}: store shape {tuple(t.shape)} != {tuple(dst.shape)}")
                dst.copy_(t.to(dst.dtype))


def _store_to_param_name(name: str) -> str:
    """Store name -> parameter name of a separate model (conv weights are raw Parameters)."""
    for suffix in (".pw1.weight", ".dw.weight", ".pw2.weight"):
        if name.startswith("layers.") and name.endswith(suffix):
            return name[: -len(".weight")]
    return name


def largest_arch(n: int = 22) -> List[int]:
    return [LARGEST] * n


def arch_str(arch: Sequence[int]) -> str:
    return "".join(str(int(a)) for a in arch)


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def narrow_space() -> SpaceConfig:
    """A tiny space for tests: all widths even so g2 splits evenly (also for m = Cin*e)."""
    return SpaceConfig(stem_channels=4, stage_channels=(4, 4, 8, 8, 8, 8, 8), head_channels=16)
