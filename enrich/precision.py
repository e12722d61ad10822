"""The numeric precision models run in: fp32, bf16 (on CPUs with bfloat16 matrix units) or
int8, and the choice ``auto``.

``auto`` is bf16 where the CPU multiplies bfloat16 matrices natively (``amx_bf16`` or
``avx512_bf16`` in /proc/cpuinfo, a torch built with AVX-512 kernels and oneDNN's bf16 path),
fp32 elsewhere: a CPU without them would run bf16 emulated, slower than fp32, so asking for
``bf16`` there is an error rather than a silent slow path. The CPU is read once per process
(`cpu_support`); ``CARINTEL_BF16=0`` in the environment turns the detection off.

How a model is put in bf16 is `enrich.models.to_bf16` (the one place that builds models).
Nothing here imports torch until the CPU is read.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast, get_args

Precision = Literal["auto", "fp32", "bf16", "int8"]
Resolved = Literal["fp32", "bf16", "int8"]
# what bf16 leaves between the matrix products: bf16 (fastest) or fp32 (closest to fp32)
Activations = Literal["bf16", "fp32"]
PRECISIONS: tuple[str, ...] = get_args(Precision)
# CPU flags of bfloat16 matrix units: AMX tiles (Sapphire Rapids and later) and AVX-512 BF16
# dot products (Cooper Lake, Zen 4 and later).
BF16_FLAGS = ("amx_bf16", "avx512_bf16")
DISABLE_ENV = "CARINTEL_BF16"  # "0": behave as if the CPU had no bf16 units (auto → fp32)
CPUINFO = Path("/proc/cpuinfo")


class PrecisionError(ValueError):
    """A precision that this machine cannot run well, or one that does not exist."""


@dataclass(frozen=True)
class CpuSupport:
    """What this machine offers bf16, read once (`cpu_support`)."""

    flags: frozenset[str]  # the BF16_FLAGS /proc/cpuinfo lists
    capability: str  # torch.backends.cpu.get_cpu_capability(): DEFAULT, AVX2, AVX512, ...
    onednn_bf16: bool  # torch's oneDNN reports a native bf16 path
    disabled: bool = False  # CARINTEL_BF16=0

    @property
    def bf16(self) -> bool:
        """bfloat16 matrix products run natively, not emulated."""
        native = bool(self.flags) and self.capability.startswith("AVX512") and self.onednn_bf16
        return native and not self.disabled

    def describe(self) -> str:
        """One line for `carintel status` and the run log."""
        units = ", ".join(sorted(self.flags)) or "none"
        torch_side = f"torch {self.capability}, oneDNN bf16 {'yes' if self.onednn_bf16 else 'no'}"
        choice = "bf16" if self.bf16 else "fp32"
        off = f"; {DISABLE_ENV}=0 turns them off" if self.disabled else ""
        return f"CPU bf16 units: {units} ({torch_side}{off}) → precision auto = {choice}"


def cpu_flags(cpuinfo: str) -> frozenset[str]:
    """The BF16_FLAGS present on every processor's ``flags`` line of /proc/cpuinfo text."""
    lines = [line for line in cpuinfo.splitlines() if line.startswith("flags")]
    if not lines:
        return frozenset()
    found = set(BF16_FLAGS)
    for line in lines:
        found &= set(line.partition(":")[2].split())
    return frozenset(found)


def detect(
    cpuinfo: str, capability: str, onednn_bf16: bool, env: Mapping[str, str] | None = None
) -> CpuSupport:
    """CpuSupport from its inputs (tests pass them; `cpu_support` reads the machine's)."""
    variables = os.environ if env is None else env
    return CpuSupport(
        flags=cpu_flags(cpuinfo),
        capability=capability,
        onednn_bf16=onednn_bf16,
        disabled=variables.get(DISABLE_ENV, "").strip() == "0",
    )


@functools.cache
def cpu_support() -> CpuSupport:
    """This machine's bf16 support, read once per process."""
    import torch

    try:
        cpuinfo = CPUINFO.read_text("utf-8", errors="replace")
    except OSError:  # not Linux: no flags, so auto stays fp32
        cpuinfo = ""
    capability = str(torch.backends.cpu.get_cpu_capability())
    try:
        onednn = bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):  # pragma: no cover - a torch without oneDNN
        onednn = False
    return detect(cpuinfo, capability, onednn and torch.backends.mkldnn.is_available())  # type: ignore[no-untyped-call]


def check_precision(value: str) -> Precision:
    if value not in PRECISIONS:
        raise PrecisionError(f"unknown precision {value!r}: use one of {', '.join(PRECISIONS)}")
    return cast(Precision, value)


def resolve(requested: str, support: CpuSupport | None = None) -> Resolved:
    """The precision a model runs in: `requested`, with ``auto`` made bf16 or fp32 for this
    CPU. ``bf16`` on a CPU without bf16 units is an error (it would run emulated, slowly)."""
    wanted = check_precision(requested)
    if wanted in ("fp32", "int8"):
        return wanted
    support = support or cpu_support()
    if support.bf16:
        return "bf16"
    if wanted == "auto":
        return "fp32"
    raise PrecisionError(
        "precision bf16 was asked for, but this CPU has no bfloat16 matrix units "
        f"({support.describe()}): bf16 would run emulated, slower than fp32. Write "
        "'precision: auto' (bf16 where the CPU has it, fp32 elsewhere) or 'precision: fp32'."
    )


def suffix(precision: Resolved) -> str:
    """What a model's version gains in this precision: fp32 keeps the version it always had."""
    return "" if precision == "fp32" else f"-{precision}"
