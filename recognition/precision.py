"""Reduced precision where the hardware runs it: on a GPU, and on a CPU with bfloat16 instructions.

Autocast keeps the weights in float32 and runs convolutions, matrix products
and the LSTM in the reduced type. A CPU with AVX512-BF16 or AMX runs the
recogniser in bfloat16 about twice as fast as in float32 (oneDNN); one
without them would only emulate it, slower than float32, so it stays in
float32. float16 is a GPU setting: on a CPU it runs as float32.
:func:`effective_precision` says which precision a device really runs, for
provenance.

PyTorch's bfloat16 matrix products on a CPU (2.13) split their work for the
threads ``torch.get_num_threads()`` counts, and compute wrong results when
OpenMP starts fewer: with ``OMP_THREAD_LIMIT`` below that count, or with
``OMP_DYNAMIC`` set, the shipped model read held-out lines at 49 % CER
instead of 26 %, silently. Such a process runs float32 instead.
"""

from __future__ import annotations

import os
from typing import Literal

import torch

Precision = Literal["float32", "bfloat16", "float16"]

_CPU_PROBES = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
_DTYPES = {"bfloat16": torch.bfloat16, "float16": torch.float16}


def cpu_runs_bfloat16() -> bool:
    """Whether this CPU has bfloat16 instructions (AVX512-BF16 or AMX tiles)."""
    return any(getattr(torch.cpu, probe, lambda: False)() for probe in _CPU_PROBES)


def openmp_gives_every_thread() -> bool:
    """Whether OpenMP starts as many threads as torch counts on (see the module docstring)."""
    if os.environ.get("OMP_DYNAMIC", "").strip().lower() in {"true", "1", "yes", "on"}:
        return False
    limit = os.environ.get("OMP_THREAD_LIMIT", "").strip()
    return not limit.isdigit() or int(limit) >= torch.get_num_threads()


def effective_precision(device: str, precision: Precision) -> Precision:
    """The precision that ``device`` runs when ``precision`` is asked for."""
    if not device.startswith("cpu") or precision == "float32":
        return precision
    native = precision == "bfloat16" and cpu_runs_bfloat16()
    return "bfloat16" if native and openmp_gives_every_thread() else "float32"


def autocast(device: str, precision: Precision) -> torch.autocast:
    """Autocast to the precision ``device`` runs (:func:`effective_precision`); off for float32."""
    dtype = _DTYPES.get(effective_precision(device, precision))
    kind = device.split(":", maxsplit=1)[0]
    return torch.autocast(kind, dtype=dtype or torch.float32, enabled=dtype is not None)
