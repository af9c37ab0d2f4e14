"""Tesseract as a peer in the recognition benchmark: the same line images, one line each.

Tesseract is run as its own program, ``tesseract IMAGE stdout --psm 7 -l
LANG`` (page segmentation mode 7: the image is one text line), one process
per line with ``OMP_THREAD_LIMIT=1`` (with more threads it runs several times
slower on small images). Its models are whatever the installed tessdata holds
(Debian: ``tesseract-ocr-script-frak``, ``-frk``, ``-lat``, ``-ara`` …); the
language and the version are recorded beside the figures.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

TIMEOUT_S = 60.0


class TesseractError(RuntimeError):
    """Tesseract is missing, lacks the language, or failed on a line."""


@dataclass(frozen=True, slots=True)
class Tesseract:
    """One installed Tesseract with one language (or ``a+b`` combination)."""

    language: str
    binary: str = "tesseract"

    def _run(self, *arguments: str) -> str:
        path = shutil.which(self.binary)
        if path is None:
            raise TesseractError(f"{self.binary!r} is not installed")
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        done = subprocess.run([path, *arguments], capture_output=True, env=env, check=False,
                              timeout=TIMEOUT_S)  # fmt: skip
        if done.returncode != 0:
            raise TesseractError(done.stderr.decode("utf-8", "replace").strip()[-500:])
        return done.stdout.decode("utf-8", "replace")

    def version(self) -> str:
        """The first line of ``tesseract --version``."""
        return self._run("--version").splitlines()[0].strip()

    def check(self) -> None:
        """Raise :class:`TesseractError` unless every language asked for is installed."""
        lines = self._run("--list-langs").splitlines()[1:]  # after the header line
        installed = {line.strip() for line in lines}
        missing = [lang for lang in self.language.split("+") if lang not in installed]
        if missing:
            raise TesseractError(f"tesseract has no {', '.join(missing)} traineddata")

    def read_line(self, image: Path) -> str:
        """The text of a one-line image, spaces collapsed as in a transcription."""
        out = self._run(str(image), "stdout", "--psm", "7", "-l", self.language)
        return " ".join(out.split())

    def read_lines(self, images: list[Path]) -> tuple[list[str], float]:
        """Every line's text, and the seconds it took (one process at a time)."""
        start = time.perf_counter()
        texts = [self.read_line(image) for image in images]
        return texts, time.perf_counter() - start
