"""Layout models shipped in the repository: safetensors weights with a model card beside each."""

from __future__ import annotations

from pathlib import Path

MODELS_DIR = Path(__file__).parent
DEFAULT_DETECTOR = "lines-small"


def shipped_detector(name: str = DEFAULT_DETECTOR) -> Path:
    """The weights file of a shipped line detector.

    Raises:
        FileNotFoundError: when no detector of that name ships with this installation.
    """
    path = MODELS_DIR / f"{name}.safetensors"
    if not path.exists():
        available = sorted(p.stem for p in MODELS_DIR.glob("*.safetensors"))
        raise FileNotFoundError(f"no shipped line detector {name!r}; shipped: {available}")
    return path
