"""PP-OCRv4 (detection, angle classifier, recognition) through rapidocr-onnxruntime, whose wheel ships
the ONNX models: Chinese and English, offline, fast on the CPU.

The detector runs on the image shrunk to at most `det_limit_side_len` on its longer side
(det_limit_type="max"); rapidocr's default ("min", 736) enlarges every image's shorter side to 736
and costs about five times as much for no gain on our data (bench/RESULTS-ocr.md)."""

from __future__ import annotations

import importlib.util
import threading

import numpy as np

from ml.ocr.base import OcrEngine, ReadOptions
from ml.ocr.spaces import restore_spaces
from ml.ocr.types import OcrLine, quad_from

DEFAULT_DET_LIMIT = 960


class PpOcrEngine(OcrEngine):
    name = "ppocr"
    supported = ("ch_sim", "en")

    def __init__(self, *, det_limit_side_len: int = DEFAULT_DET_LIMIT, box_thresh: float = 0.5,
                 unclip_ratio: float = 1.6, threads: int = 0, **_ignored) -> None:
        from rapidocr_onnxruntime import RapidOCR

        kwargs = {"det_limit_type": "max", "det_limit_side_len": int(det_limit_side_len)}
        if threads:
            kwargs.update(intra_op_num_threads=int(threads), inter_op_num_threads=1)
        self._engine = RapidOCR(**kwargs)
        self._honour_det_limit(int(det_limit_side_len))
        self.det_limit_side_len = int(det_limit_side_len)
        self.box_thresh, self.unclip_ratio = box_thresh, unclip_ratio
        # RapidOCR keeps per-call thresholds on itself: one call at a time per instance.
        self._lock = threading.Lock()

    def _honour_det_limit(self, limit: int) -> None:
        """rapidocr-onnxruntime 1.4.4 ignores det_limit_side_len when det_limit_type is "max": it
        picks 960, 1500 or 2000 from the image size (TextDetector.get_preprocess), so a 1280-px photo
        is never shrunk. Give the detector the limit asked for; recognition still reads crops of the
        full-resolution image."""
        detector = getattr(self._engine, "text_det", None)
        if detector is None or not hasattr(detector, "get_preprocess"):
            return
        from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess

        def get_preprocess(_max_wh, _d=detector):
            return DetPreProcess(limit, "max", _d.mean, _d.std)

        detector.get_preprocess = get_preprocess

    @classmethod
    def availability(cls, **config) -> tuple[bool, str]:
        if importlib.util.find_spec("rapidocr_onnxruntime") is None:
            return False, "the Python package rapidocr-onnxruntime is not installed"
        return True, ""

    @property
    def model_name(self) -> str:
        return f"PP-OCRv4 det+cls+rec (ONNX, det max {self.det_limit_side_len})"

    def _recognize(self, image: np.ndarray, options: ReadOptions) -> list[OcrLine]:
        bgr = np.ascontiguousarray(image[..., ::-1])
        with self._lock:
            result, _elapsed = self._engine(
                bgr, use_cls=options.rotated, box_thresh=self.box_thresh, unclip_ratio=self.unclip_ratio,
                # Keep everything here; the shared threshold (options.min_score) decides.
                text_score=min(options.min_score, 0.3), return_word_box=True,
            )
        lines = []
        for item in result or []:
            box, text, score = item[0], str(item[1]), float(item[2])
            line = OcrLine(text=text, score=score, quad=quad_from(box))
            char_quads = item[3] if len(item) > 3 else None
            if char_quads:
                line = OcrLine(text=restore_spaces(image, text, box, char_quads), score=score, quad=line.quad)
            lines.append(line)
        return lines
