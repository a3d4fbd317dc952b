"""LaMa (Suvorov et al., "Resolution-robust Large Mask Inpainting with Fourier Convolutions", WACV
2022; Apache-2.0) as an optional fill for text removal, when its weights are on this machine.

The file is big-lama.pt, the TorchScript export IOPaint distributes (`LAMA_FILE`: its URL and MD5).
Its contract: `model(image, mask)` with image [1, 3, H, W] RGB in 0..1, mask [1, 1, H, W] of 0/1
(1 = fill), H and W multiples of 8; it returns [1, 3, H, W] in 0..1. Nothing here downloads:
`ml.weights` does, when a person asks (`manage.py fetch_models lama`; the file is its entry "lama").

The network sees each masked area with `MARGIN` pixels of context round it, scaled down so that its
longer side is at most `MAX_SIDE` (it was trained on 256 px crops and its Fourier units carry
structure to about 2k, but the CPU time grows with the area), and only the masked pixels of its
answer are kept: everything else in the photo stays as it was, bit for bit."""

from __future__ import annotations

import importlib.util
import threading
import warnings
from pathlib import Path

import numpy as np

from ml.availability import PACKAGE, WEIGHTS_MISSING, Missing
from ml.device import torch_device
from ml.weights import CATALOGUE

WEIGHTS = CATALOGUE["lama"]
LAMA_FILE = WEIGHTS.files[0]
LAMA_SUBDIR = WEIGHTS.subdir
MARGIN = 128       # px of photo round each masked area that the network sees
MAX_SIDE = 1024    # px: a larger crop is scaled down for the network, and its answer back up
PAD_TO = 8


def lama_path(weights_dir) -> Path | None:
    return Path(weights_dir) / LAMA_SUBDIR / LAMA_FILE.filename if weights_dir else None


def regions(mask: np.ndarray, margin: int = MARGIN) -> list[tuple[int, int, int, int]]:
    """(y0, y1, x0, x1) crops that hold each group of masked pixels with `margin` pixels round it;
    groups closer than twice the margin share one crop (each crop's masked pixels are all filled)."""
    import cv2

    height, width = mask.shape
    ys, xs = np.nonzero(mask)
    if ys.size == 0:
        return []
    # the groups are found at a quarter size (each small pixel set when any of its 4x4 is): a
    # 2*margin dilation at full size is slow on 1 MP
    step = 4
    rows, cols = -(-height // step), -(-width // step)
    padded = np.zeros((rows * step, cols * step), bool)
    padded[:height, :width] = mask
    small = padded.reshape(rows, step, cols, step).any(axis=(1, 3))
    reach = max(1, margin // step)
    grown = cv2.dilate(small.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 1,) * 2))
    count, labels = cv2.connectedComponents(grown)
    boxes = []
    for label in range(1, count):
        member = labels[ys // step, xs // step] == label
        gy, gx = ys[member], xs[member]
        boxes.append((max(0, int(gy.min()) - margin), min(height, int(gy.max()) + 1 + margin),
                      max(0, int(gx.min()) - margin), min(width, int(gx.max()) + 1 + margin)))
    return boxes


class LamaInpainter:
    """The network, loaded once per process (the registry keeps one instance); `fill` is safe to
    call from several threads (one runs at a time: the model is not re-entrant on every build)."""

    name = "lama"

    def __init__(self, *, weights_dir=None, path=None, max_side: int = MAX_SIDE, margin: int = MARGIN,
                 device: str = "cpu") -> None:
        import torch

        self.path = Path(path) if path else lama_path(weights_dir)
        if self.path is None or not self.path.is_file():
            raise FileNotFoundError(f"{LAMA_FILE.filename} is not in {self.path.parent if self.path else weights_dir}")
        with warnings.catch_warnings():
            # the weights exist only as a TorchScript export: torch's advice to move off it is not ours to take
            warnings.simplefilter("ignore", FutureWarning)
            self.device = torch_device(device, what="LaMa")
            self.model = torch.jit.load(str(self.path), map_location=self.device).eval()
        self.max_side, self.margin = max_side, margin
        self._lock = threading.Lock()

    @classmethod
    def availability(cls, *, weights_dir=None, path=None, **_config) -> tuple[bool, str]:
        if importlib.util.find_spec("torch") is None:
            return False, Missing(PACKAGE, "torch", "the Python package torch is not installed")
        target = Path(path) if path else lama_path(weights_dir)
        if target is None or not target.is_file():
            return False, Missing(WEIGHTS_MISSING, LAMA_FILE.filename,
                                  f"{LAMA_FILE.filename} is not in {target.parent if target else 'the weights folder'}")
        return True, ""

    def _run(self, rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
        import torch

        height, width = mask.shape
        pad_y, pad_x = -height % PAD_TO, -width % PAD_TO
        # reflected context, not black, at the padded edge: the network reads a black band as an edge
        image = np.pad(rgb, ((0, pad_y), (0, pad_x), (0, 0)), mode="reflect" if min(height, width) > 1 else "edge")
        hole = np.pad(mask, ((0, pad_y), (0, pad_x)), mode="constant")
        image_t = torch.from_numpy(np.ascontiguousarray(image.transpose(2, 0, 1))).float().div_(255).unsqueeze(0)
        mask_t = torch.from_numpy(hole.astype(np.float32)).unsqueeze(0).unsqueeze(0)
        with self._lock, torch.inference_mode():
            out = self.model(image_t.to(self.device), mask_t.to(self.device))
        out = out[0, :, :height, :width].permute(1, 2, 0).cpu().numpy()
        return np.clip(out * 255 + 0.5, 0, 255).astype(np.uint8)

    def fill(self, rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """`rgb` (H, W, 3 uint8) with the `mask` (H, W bool) pixels filled by the network."""
        import cv2

        out = rgb.copy()
        for y0, y1, x0, x1 in regions(mask, self.margin):
            crop, hole = out[y0:y1, x0:x1], mask[y0:y1, x0:x1]
            height, width = hole.shape
            scale = min(1.0, self.max_side / max(height, width))
            if scale < 1:
                size = (max(PAD_TO, round(width * scale)), max(PAD_TO, round(height * scale)))
                small = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
                # a hole must not shrink away when scaled down: any masked pixel under a small one counts
                small_hole = cv2.resize(hole.astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0
                filled = cv2.resize(self._run(small, small_hole), (width, height), interpolation=cv2.INTER_CUBIC)
            else:
                filled = self._run(crop, hole)
            crop[hole] = filled[hole]
        return out
