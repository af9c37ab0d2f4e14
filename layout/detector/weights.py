"""Detector files: safetensors weights with the architecture in their metadata (never pickles)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from layout.detector.network import DetectorConfig, LineNet

METADATA_KEY = "archive-ocr"
FORMAT = "archive-ocr-line-detector/1"


@dataclass(frozen=True, slots=True)
class LoadedDetector:
    """A detector ready for inference, with the sha256 of its file."""

    model: LineNet
    sha256: str
    name: str
    metadata: dict[str, object]


def save_detector(model: LineNet, path: Path, name: str, *, dtype: torch.dtype = torch.float16,
                  extra: dict[str, object] | None = None) -> str:  # fmt: skip
    """Write the weights and their description; returns the file's sha256."""
    tensors = {
        key: (value.to(dtype) if value.is_floating_point() else value).contiguous().cpu()
        for key, value in model.state_dict().items()
    }
    meta = {"format": FORMAT, "name": name, "config": model.config.to_json(), **(extra or {})}
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(path), metadata={METADATA_KEY: json.dumps(meta, ensure_ascii=False)})
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_detector(path: Path, device: str = "cpu") -> LoadedDetector:
    """Load a detector file for inference (float32 on ``device``)."""
    with safe_open(str(path), framework="pt") as handle:
        raw = (handle.metadata() or {}).get(METADATA_KEY)
    meta: dict[str, object] = json.loads(raw) if raw else {}
    if meta.get("format") != FORMAT:
        raise ValueError(f"{path} is not an archive-ocr line detector ({FORMAT})")
    model = LineNet(DetectorConfig.from_json(meta["config"]))  # type: ignore[arg-type]
    state = {key: value.float() for key, value in load_file(str(path)).items()}
    model.load_state_dict(state)
    model.to(device).eval()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return LoadedDetector(model, digest, str(meta.get("name", path.stem)), meta)
