"""Word gaps from the ink: PP-OCR's recogniser often drops the space between words ("GreenTea").
The line crop is binarised (Otsu; ink is the minority class) and its empty column runs are the gaps;
the recogniser's CTC decoder gives each character's position (rapidocr's return_word_box). A space
goes between two characters (not both Chinese) when an ink gap wider than SPACE_GAP line heights
lies wholly between their centres. (Counting a gap that reaches past a centre would catch an `i` whose
CTC position is a pixel off, but on photos Otsu's ink can leave false gaps inside words: `Fre sh`.)"""

from __future__ import annotations

import cv2
import numpy as np

from ml.ocr.types import _is_cjk

SPACE_GAP = 0.25  # line heights; dev set: 132 of 146 lines come out with exactly the truth's spaces


def _crop(image: np.ndarray, quad) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    q = np.asarray(quad, np.float32)
    top = q[1] - q[0]
    width = float(np.linalg.norm(top))
    height = float((np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2)
    w, h = max(int(round(width)), 2), max(int(round(height)), 2)
    dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    crop = cv2.warpPerspective(image, cv2.getPerspectiveTransform(q, dst), (w, h), flags=cv2.INTER_LINEAR)
    return crop, q[0], top / max(width, 1e-6)


def ink_gaps(crop: np.ndarray) -> list[tuple[int, int]]:
    gray = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY) if crop.ndim == 3 else crop
    _t, binary = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink = binary if binary.mean() < 0.5 else 1 - binary
    h = ink.shape[0]
    # Ignore the outermost rows: the box edge may touch a neighbour line.
    margin = 1 if h > 8 else 0
    columns = ink[margin:h - margin or None].sum(axis=0) > max(1, 0.03 * h)
    gaps, start = [], None
    for x, has_ink in enumerate(columns):
        if not has_ink and start is None:
            start = x
        elif has_ink and start is not None:
            gaps.append((start, x))
            start = None
    return gaps  # a trailing run (the right margin) is not between characters


def restore_spaces(image: np.ndarray, text: str, quad, char_quads) -> str:
    if char_quads and len(char_quads) == len(text) and len(text) > 1:
        char_quads = [q for c, q in zip(text, char_quads) if not c.isspace()]
    chars = [c for c in text if not c.isspace()]
    if not char_quads or len(chars) != len(char_quads) or len(chars) < 2:
        return text
    crop, origin, direction = _crop(image, quad)
    h = crop.shape[0]
    wide = [(a, b) for a, b in ink_gaps(crop) if b - a >= SPACE_GAP * h]
    centres = [float(np.dot(np.asarray(q, np.float32).mean(0) - origin, direction)) for q in char_quads]
    had_space, i = set(), -1
    for c in text:
        if c.isspace():
            had_space.add(i)
        else:
            i += 1
    out = chars[0]
    for k in range(1, len(chars)):
        if (k - 1) in had_space:
            out += " "
        elif not (_is_cjk(chars[k - 1]) and _is_cjk(chars[k])) and any(
            centres[k - 1] < a and b < centres[k] for a, b in wide
        ):
            out += " "
        out += chars[k]
    return out
