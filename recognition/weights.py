"""Model files: safetensors weights with the architecture and codec in their metadata.

Loading never unpickles: safetensors holds only tensors and a string map.
Released models are stored in float16 (half the size, no loss that matters
for inference); training checkpoints keep float32.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast, get_args

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save_file

from recognition.codec import Codec
from recognition.model import LineRecognizer, ModelConfig

METADATA_KEY = "archive-ocr"
FORMAT = "archive-ocr-recognizer/1"
LineCut = Literal["binary", "grey"]
"""How page lines are cut for the model: from the binarized or the grey page."""


@dataclass(frozen=True, slots=True)
class LoadedModel:
    """A model ready for inference, with its codec and the sha256 of its file."""

    model: LineRecognizer
    codec: Codec
    sha256: str
    name: str
    line_images: LineCut | None = None
    """The cut of page lines the model reads best, if its file records one."""


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def save_model(
    model: LineRecognizer,
    codec: Codec,
    path: Path,
    name: str,
    *,
    dtype: torch.dtype = torch.float16,
    extra: dict[str, object] | None = None,
) -> str:
    """Write the weights and their description; returns the file's sha256.

    ``path`` holds a whole model or none (:func:`save_whole`).
    """
    tensors = {
        key: (value.to(dtype) if value.is_floating_point() else value).contiguous().cpu()
        for key, value in model.state_dict().items()
    }
    meta = {
        "format": FORMAT,
        "name": name,
        "config": model.config.to_json(),
        "codec": codec.to_json(),
        **(extra or {}),
    }
    save_whole(tensors, path, {METADATA_KEY: json.dumps(meta, ensure_ascii=False)})
    return file_sha256(path)


def save_whole(tensors: dict[str, torch.Tensor], path: Path, metadata: dict[str, str]) -> None:
    """Write a safetensors file beside ``path`` and rename it there: whole or not at all.

    An interrupted write leaves no half file under ``path`` and removes its
    partial file; model files and training checkpoints are written so.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    try:
        save_file(tensors, str(partial), metadata=metadata)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def read_metadata(path: Path) -> dict[str, object]:
    """The description stored in a model file.

    Opening the file checks that its tensors cover it exactly, so a file cut
    short (an interrupted copy) is found here, before any weight is read.

    Raises:
        OSError: the file cannot be read (``FileNotFoundError`` if it is not there).
        ValueError: it is not an archive-ocr recogniser, or a damaged one.
    """
    try:
        with safe_open(str(path), framework="pt") as handle:
            raw = (handle.metadata() or {}).get(METADATA_KEY)
    except SafetensorError as err:
        raise ValueError(f"{path} is not a readable safetensors model ({err})") from None
    if raw is None:
        raise ValueError(f"{path} is not an archive-ocr recogniser (no {METADATA_KEY} metadata)")
    meta: dict[str, object] = json.loads(raw)
    if meta.get("format") != FORMAT:
        raise ValueError(f"{path}: unsupported model format {meta.get('format')!r}")
    return meta


def load_model(path: Path, device: str = "cpu") -> LoadedModel:
    """Build the model described in the file and load its weights (as float32)."""
    meta = read_metadata(path)
    config = ModelConfig.from_json(meta["config"])  # type: ignore[arg-type]
    codec = Codec.from_json(meta["codec"])  # type: ignore[arg-type]
    model = LineRecognizer(config)
    state = {}
    with safe_open(str(path), framework="pt", device="cpu") as handle:
        for key in handle.keys():  # noqa: SIM118  (safe_open is not a mapping)
            tensor = handle.get_tensor(key)
            state[key] = tensor.float() if tensor.is_floating_point() else tensor
    model.load_state_dict(state)
    model.eval().to(device)
    recorded = meta.get("line_images")
    cut = cast(LineCut, recorded) if recorded in get_args(LineCut) else None
    return LoadedModel(model, codec, file_sha256(path), str(meta.get("name", path.stem)), cut)
