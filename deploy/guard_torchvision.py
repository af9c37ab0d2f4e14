"""Let torchvision 0.28 import on CPU torch 2.13 (for kraken, in its own venv; run with its python).

Its ``_meta_registrations`` registers fake kernels for ``torchvision::nms`` and
``::qnms``, which fails when the CUDA build's operators are absent. kraken
never calls them; the registrations are wrapped so that a failure is ignored.
Idempotent.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

GUARD = """
def _guarded_fake(name):
    def wrap(fn):
        try:
            return torch.library.register_fake(name)(fn)
        except RuntimeError:
            return fn
    return wrap

"""


def main() -> None:
    """Patch the installed torchvision in place."""
    spec = importlib.util.find_spec("torchvision")
    if spec is None or spec.origin is None:
        raise SystemExit("torchvision is not installed in this environment")
    path = Path(spec.origin).parent / "_meta_registrations.py"
    text = path.read_text(encoding="utf-8")
    if "_guarded_fake" in text:
        return
    for op in ("nms", "qnms"):
        text = text.replace(f'@torch.library.register_fake("torchvision::{op}")',
                            f'@_guarded_fake("torchvision::{op}")')  # fmt: skip
    first = text.index('@_guarded_fake("torchvision::nms")')
    path.write_text(text[:first] + GUARD.lstrip("\n") + "\n" + text[first:], encoding="utf-8")


if __name__ == "__main__":
    main()
