"""PP-OCRv4 (detection, angle classifier, recognition) through rapidocr-onnxruntime, whose wheel ships
the ONNX models: Chinese and English, offline, fast on the CPU.

The detector's working size is chosen per image (det_limit_type="image", see `det_scale`): the image
at its own size, small ones enlarged towards rapidocr's shorter side of 736 by a bounded factor, big
photos shrunk to `det_limit_side_len` on their longer side; optionally a second, larger pass when the
first finds only small text. "max" (one longer-side limit for every image) and rapidocr's "min" stay
available for comparison (bench/RESULTS-ocr.md).

onnxruntime keeps its memory arena here (rapidocr turns it off, so every run allocates afresh):
the same results, measured faster in bench/RESULTS-ocr.md."""

from __future__ import annotations

import importlib.util
import threading

import numpy as np

from ml.availability import PACKAGE, Missing
from ml.device import onnx_providers
from ml.ocr.base import OcrEngine, ReadOptions
from ml.ocr.spaces import restore_spaces
from ml.ocr.types import OcrLine, quad_from

DET_IMAGE_LIMIT = 2000    # "image" mode: the longer side's cap (rapidocr's own max_side_len)
DEFAULT_DET_LIMIT = DET_IMAGE_LIMIT
DET_SHORT_SIDE = 736      # rapidocr's min/736: small images' shorter side is enlarged towards it ...
DET_MAX_ENLARGE = 1.25    # ... by at most this: more loses word spaces (the boxes come back tighter)
SMALL_TEXT_PX = 0         # second pass when the median box is shorter than this at detection size (0: off)
DEFAULT_REC_BATCH = 6  # rapidocr's own; 1 is faster but moves character positions (bench/RESULTS-ocr.md)


def det_scale(height: int, width: int, *, limit: int = DET_IMAGE_LIMIT, short_side: int = DET_SHORT_SIDE,
              max_enlarge: float = DET_MAX_ENLARGE) -> float:
    """The factor the detector sees an image at: its own size (shrinking loses small text); a small
    image enlarged until its shorter side reaches `short_side`, but by at most `max_enlarge` (a
    600x110 strip enlarged 6.7x is read as broken pieces); never more than `limit` on the longer side."""
    scale = 1.0
    if min(height, width) < short_side:
        scale = min(short_side / min(height, width), max_enlarge)
    return min(scale, limit / max(height, width))


# The detector configuration text removal and read-back were tuned with (the OCR default then): one
# longer-side limit of 960. The per-image size returns tighter boxes on enlarged images, which left a
# shadow tail behind in the removal tests; it is not measured on the removal sets yet.
TEXT_TOOLS_DET = {"det_limit_type": "max", "det_limit_side_len": 960}


class PpOcrEngine(OcrEngine):
    name = "ppocr"
    supported = ("ch_sim", "en")
    # PP-OCR's detector returns whole lines; joining fragments changed nothing on the untouched split
    # or the scene photos and joined a background word to a line on dev (bench/RESULTS-ocr.md).
    joins_fragments = False

    def __init__(self, *, det_limit_side_len: int = DEFAULT_DET_LIMIT, box_thresh: float = 0.5,
                 unclip_ratio: float = 1.6, threads: int = 0, rec_batch_num: int = DEFAULT_REC_BATCH,
                 det_limit_type: str = "image", honour_det_limit: bool = True, device: str = "cpu",
                 det_short_side: int = DET_SHORT_SIDE, det_max_enlarge: float = DET_MAX_ENLARGE,
                 small_text_px: float = SMALL_TEXT_PX, **_ignored) -> None:
        from rapidocr_onnxruntime import RapidOCR

        # "image" builds rapidocr in max mode, then hands its detector a size per image.
        kwargs = {"det_limit_type": "max" if det_limit_type == "image" else det_limit_type,
                  "det_limit_side_len": int(det_limit_side_len), "rec_batch_num": int(rec_batch_num)}
        if threads:
            kwargs.update(intra_op_num_threads=int(threads), inter_op_num_threads=1)
        self._engine = RapidOCR(**kwargs)
        if det_limit_type == "max" and honour_det_limit:
            self._honour_det_limit(int(det_limit_side_len))
        self._turned: list[bool] = []
        self._providers = onnx_providers(device, what="PP-OCR")
        self._keep_memory_arena(int(threads))
        self._word_boxes_follow_the_angle_classifier()
        if det_limit_type == "image":
            self._detect_per_image(int(det_limit_side_len), int(det_short_side), float(det_max_enlarge),
                                   float(small_text_px))
        self.det_limit_type = det_limit_type
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

    def _detect_per_image(self, limit: int, short_side: int, max_enlarge: float, small_text_px: float) -> None:
        """Hands rapidocr's detector a working size per image (`det_scale`), and, when `small_text_px`
        is set, detects once more at the largest size allowed where the first pass found small text."""
        detector = getattr(self._engine, "text_det", None)
        if detector is None or not hasattr(detector, "get_preprocess"):
            return
        from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess

        class Scaled(DetPreProcess):
            def __init__(self, scale, mean, std):
                super().__init__(limit, "max", mean, std)
                self.ratio = scale

            def resize(self, img):
                import cv2

                height, width = img.shape[:2]
                # The network needs multiples of 32.
                size = (max(32, round(width * self.ratio / 32) * 32), max(32, round(height * self.ratio / 32) * 32))
                return cv2.resize(img, size)

        def detect(img, scale):
            detector.get_preprocess = lambda _max_wh: Scaled(scale, detector.mean, detector.std)
            return TextDetector(detector, img)

        TextDetector = type(detector).__call__

        class PerImage:
            def __getattr__(self, name):
                return getattr(detector, name)

            def __call__(self, img):
                height, width = img.shape[:2]
                scale = det_scale(height, width, limit=limit, short_side=short_side, max_enlarge=max_enlarge)
                boxes, elapsed = detect(img, scale)
                larger = min(limit / max(height, width), scale * 2)
                if small_text_px and boxes is not None and len(boxes) and larger > scale * 1.2:
                    heights = np.linalg.norm(np.asarray(boxes)[:, 0] - np.asarray(boxes)[:, 3], axis=1) * scale
                    if float(np.median(heights)) < small_text_px:
                        again, more = detect(img, larger)
                        elapsed += more
                        if again is not None and len(again) >= len(boxes):
                            boxes = again
                return boxes, elapsed

        self._engine.text_det = PerImage()

    def _keep_memory_arena(self, threads: int) -> None:
        """Re-opens the three sessions rapidocr made with `enable_cpu_mem_arena=False`, arena on."""
        import onnxruntime as ort

        parts = [getattr(self._engine, "text_det", None), getattr(self._engine, "text_cls", None),
                 getattr(self._engine, "text_rec", None)]
        for part in parts:
            wrapper = getattr(part, "infer", None) or getattr(part, "session", None)
            session = getattr(wrapper, "session", None)
            path = getattr(session, "_model_path", None)
            if not isinstance(path, str):
                continue  # another rapidocr layout: keep what it built
            options = ort.SessionOptions()
            options.log_severity_level = 4
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            if threads:
                options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
            wrapper.session = ort.InferenceSession(path, sess_options=options, providers=self._providers)

    def _word_boxes_follow_the_angle_classifier(self) -> None:
        """rapidocr maps character positions from each line crop back onto its box from the box's first
        corner, even when the angle classifier turned that crop by 180 degrees: the positions of an
        upside-down line come back mirrored (and spaces land in the wrong places). Hand the mapping the
        box turned the same way as the crop."""
        engine = self._engine
        classify, word_boxes = getattr(engine, "text_cls", None), getattr(engine, "cal_rec_boxes", None)
        threshold = getattr(classify, "cls_thresh", None)
        if classify is None or word_boxes is None or threshold is None:
            return
        turned: list[bool] = []

        def text_cls(img_list, *args, **kwargs):
            result = classify(img_list, *args, **kwargs)
            turned[:] = ["180" in str(label) and score > threshold for label, score in result[1]]
            return result

        def cal_rec_boxes(crops, dt_boxes, rec_res):
            if len(turned) == len(dt_boxes):
                dt_boxes = [np.roll(np.asarray(box), 2, axis=0) if t else box for box, t in zip(dt_boxes, turned)]
            turned.clear()
            return word_boxes(crops, dt_boxes, rec_res)

        engine.text_cls, engine.cal_rec_boxes = text_cls, cal_rec_boxes
        self._turned = turned

    @classmethod
    def availability(cls, **config) -> tuple[bool, str]:
        if importlib.util.find_spec("rapidocr_onnxruntime") is None:
            return False, Missing(PACKAGE, "rapidocr-onnxruntime", "the Python package rapidocr-onnxruntime is not installed")
        return True, ""

    @property
    def model_name(self) -> str:
        if self.det_limit_type == "image":
            return f"PP-OCRv4 det+cls+rec (ONNX, det per image up to {self.det_limit_side_len})"
        return f"PP-OCRv4 det+cls+rec (ONNX, det {self.det_limit_type} {self.det_limit_side_len})"

    def _recognize(self, image: np.ndarray, options: ReadOptions) -> list[OcrLine]:
        bgr = np.ascontiguousarray(image[..., ::-1])
        with self._lock:
            self._turned.clear()  # a call that found no line leaves its classification behind
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
