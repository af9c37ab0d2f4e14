"""Models shipped in the repository: safetensors weights with a model card beside each.

``NAME.safetensors`` holds the weights, architecture and codec; ``NAME.md`` is
its card (architecture, charset, training data and licences, validation
figures, sha256 of the weights file). ``NAME.lm.json.gz`` (or ``.lm.json``)
is a character language model fitted for it, stated in the same card.
"""

from __future__ import annotations

from pathlib import Path

from recognition.weights import read_metadata

MODELS_DIR = Path(__file__).parent
DEFAULT_MODEL = "latin-small"
MODEL_HELP = "a .safetensors file or a shipped model's name (latin-base)"
"""What :func:`model_file` takes, as a command's or a setting's help says it."""
LM_SUFFIXES = (".lm.json.gz", ".lm.json")
LM_HELP = "a language model file or a shipped one's name (latin-base)"
"""What :func:`language_model_file` takes, as a command's or a setting's help says it."""


def shipped_names() -> list[str]:
    """Names of the models shipped with this installation, sorted."""
    return sorted(p.stem for p in MODELS_DIR.glob("*.safetensors"))


def shipped_model(name: str = DEFAULT_MODEL) -> Path:
    """The weights file of a shipped model.

    Raises:
        FileNotFoundError: when no model of that name ships with this installation.
    """
    path = MODELS_DIR / f"{name}.safetensors"
    if not path.exists():
        raise FileNotFoundError(f"no shipped model {name!r}; shipped: {shipped_names()}")
    return path


def model_file(value: str | Path) -> Path:
    """A model file given as a path, or as a shipped model's bare name (``latin-base``).

    A bare name that is a file in the working folder stays that file.

    Raises:
        FileNotFoundError: for a bare name that no shipped model has.
    """
    name = _shipped_name(value)
    return shipped_model(name) if name and not name.endswith(".safetensors") else Path(value)


def usable_model_file(value: str | Path) -> Path:
    """:func:`model_file`, checked: a recogniser's file that is there and whole.

    Raises:
        FileNotFoundError: a bare name that no shipped model has, or a path
            with no file; the message lists the shipped models.
        ValueError: a file that is not a recogniser, is damaged (cut short)
            or cannot be read.
    """
    path = model_file(value)
    if not path.is_file():
        raise FileNotFoundError(f"no model file at {path}; shipped: {shipped_names()}")
    try:
        read_metadata(path)
    except OSError as err:
        raise ValueError(f"{path} cannot be read ({err.strerror or err})") from None
    return path


def shipped_language_models() -> list[str]:
    """Names of the language models shipped with this installation, sorted."""
    return sorted({p.name.split(".lm.json")[0] for p in MODELS_DIR.glob("*.lm.json*")})


def language_model_file(value: str | Path) -> Path:
    """A language model given as a path, or as a shipped one's bare name.

    ``latin-base`` is ``latin-base.lm.json.gz`` beside the shipped models. A
    path, or a bare name that is a file in the working folder, stays as given
    (whether a file is there is for the caller to find out).
    """
    name = _shipped_name(value)
    named = (MODELS_DIR / f"{name}{suffix}" for suffix in LM_SUFFIXES) if name else ()
    return next((shipped for shipped in named if shipped.exists()), Path(value))


def _shipped_name(value: str | Path) -> str | None:
    """``value`` as a shipped file's name, or None.

    Only a bare name is one, and only while no file of that name is in the
    working folder (one that is there is what the user means).
    """
    path = Path(value)
    return path.name if path.name == str(value) and not path.exists() else None
