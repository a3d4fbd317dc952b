"""The `auto` engine choice, per request, from the languages asked for and what is installed.

PP-OCR reads Chinese and English better and about ten times faster than EasyOCR on our dev set
(bench/RESULTS-ocr.md), so it takes every request it can read (zh, en, mixed). Other languages go
to EasyOCR when its weights for all of them are present."""

from __future__ import annotations

from ml import weights
from ml.ocr.base import MissingWeightsError, OcrError


def choose(languages, *, available: dict[str, tuple[bool, str]], supported: dict[str, tuple[str, ...]],
           present: dict[str, dict[str, bool]]) -> str:
    """Name of the engine to use. `available`: engine -> (usable, reason); `supported`: engine ->
    languages; `present`: engine -> {language: weights present}."""
    languages = tuple(languages) or ("ch_sim", "en")
    for name in ("ppocr", "easyocr"):
        if not available.get(name, (False, ""))[0]:
            continue
        if set(languages) <= set(supported.get(name, ())) and all(present.get(name, {}).get(l) for l in languages):
            return name
    unknown = [l for l in languages if not any(l in s for s in supported.values())]
    if unknown:
        raise OcrError("No engine reads these languages: " + ", ".join(unknown), code="unknown_language",
                       extra={"languages": unknown})
    missing = [l for l in languages if not any(
        available.get(n, (False, ""))[0] and present.get(n, {}).get(l) for n in supported)]
    missing = missing or list(languages)
    raise MissingWeightsError(
        "The weights for these languages are not installed: " + ", ".join(missing),
        languages=missing, command=weights.easyocr_fetch_command(missing),
    )
