"""The membrane (harmonic) fill: the masked pixels get the solution of Laplace's equation with the
unmasked rim as boundary values, one sparse LU solve per connected group of masked pixels. It is
exact, so nothing is smeared along a marching front as with Telea; every other fill is laid on it,
and text_mask estimates the background under a line with it. On a nearly grey photo the fill's
colour (chroma, not brightness) comes from CHROMA_CLEAR px further out: a JPEG's colour bleeds beyond
the glyphs and tinted the fill."""

from __future__ import annotations

import numpy as np

from ml.text.geometry import mask_bounds

CHROMA_CLEAR = 3  # the fill's colour comes from this many pixels beyond the mask
CHROMA_GREY = (4.0, 8.0)  # ... fully where the far colour is within the first of grey (channel minus luma), not beyond the second
LUMA = np.array([0.299, 0.587, 0.114])


def harmonic_fill(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Solves Laplace's equation inside `mask` (bool HxW) with the image outside as boundary values.
    float64 HxWxC in and out; pixels outside the mask are unchanged."""
    import scipy.sparse as sp
    import scipy.sparse.linalg as spla

    out = image.astype(np.float64, copy=True)
    if not mask.any():
        return out
    h, w = mask.shape
    ys, xs = np.nonzero(mask)
    n = ys.size
    index = np.full((h, w), -1, np.int64)
    index[ys, xs] = np.arange(n)
    channels = out.shape[2]
    rhs = np.zeros((n, channels))
    diag = np.zeros(n)
    rows, cols = [], []
    ids = np.arange(n)
    for dy, dx in ((0, 1), (0, -1), (1, 0), (-1, 0)):
        ny, nx = ys + dy, xs + dx
        inside = (ny >= 0) & (ny < h) & (nx >= 0) & (nx < w)
        diag[inside] += 1
        i, ny, nx = ids[inside], ny[inside], nx[inside]
        j = index[ny, nx]
        unknown = j >= 0
        rows.append(i[unknown])
        cols.append(j[unknown])
        np.add.at(rhs, i[~unknown], out[ny[~unknown], nx[~unknown]])
    data = np.concatenate([-np.ones(sum(r.size for r in rows)), diag])
    matrix = sp.csc_matrix((data, (np.concatenate(rows + [ids]), np.concatenate(cols + [ids]))), shape=(n, n))
    solution = spla.splu(matrix).solve(rhs)
    out[ys, xs] = solution
    return out


def membranes(src: np.ndarray, mask: np.ndarray, previous: np.ndarray | None = None,
               touched: np.ndarray | None = None) -> np.ndarray:
    """The membrane (harmonic) fill, one connected group of masked pixels at a time (small sparse
    systems). With `previous` (a fill of a larger mask), only the groups near the `touched` pixels
    are solved again; the others keep their values."""
    from scipy import ndimage

    out = src.copy()
    labels, count = ndimage.label(ndimage.binary_dilation(mask, iterations=8))
    redo = None
    if previous is not None:
        redo = np.zeros(count + 1, bool)
        redo[np.unique(labels[ndimage.binary_dilation(touched, iterations=2)])] = True
    for k, sl in enumerate(ndimage.find_objects(labels), start=1):
        if sl is None:
            continue
        y0, y1 = max(0, sl[0].start - 2), min(mask.shape[0], sl[0].stop + 2)
        x0, x1 = max(0, sl[1].start - 2), min(mask.shape[1], sl[1].stop + 2)
        sub_mask = mask[y0:y1, x0:x1] & (labels[y0:y1, x0:x1] == k)
        if not sub_mask.any():
            continue
        patch = out[y0:y1, x0:x1]
        filled = previous[y0:y1, x0:x1] if redo is not None and not redo[k] else harmonic_fill(patch, sub_mask)
        out[y0:y1, x0:x1] = np.where(sub_mask[..., None], filled, patch)
    return out


def membrane_fill(rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The membrane fill alone (float64 HxWx3), its colour from a little further out on a nearly
    grey photo."""
    src = rgb.astype(np.float64)
    out = membranes(src, mask)
    if CHROMA_CLEAR:
        chroma_from_afar(src, mask, out)
    return out


def chroma_from_afar(src: np.ndarray, mask: np.ndarray, out: np.ndarray) -> None:
    """The membrane fill's colour (chroma; its brightness stays) from the photo CHROMA_CLEAR pixels
    further out. A JPEG keeps colour at half resolution and rings round sharp edges, so the pixels
    just beyond the glyphs still hold some of the text's colour, and a fill from them tinted the
    letters' place (yellow text on grey grass left a yellowish band). Chroma is smooth: it is filled
    at half size."""
    import cv2
    from scipy import ndimage

    grown = ndimage.binary_dilation(mask, iterations=CHROMA_CLEAR)
    y0, y1, x0, x1 = mask_bounds(grown, 4)
    area = src[y0:y1, x0:x1]
    h, w = y1 - y0, x1 - x0
    luma = area @ LUMA
    chroma = area - luma[..., None]
    small = cv2.resize(chroma, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)
    small_mask = cv2.resize(grown[y0:y1, x0:x1].astype(np.uint8), (small.shape[1], small.shape[0]),
                            interpolation=cv2.INTER_AREA) > 0
    small_mask[0, :] = small_mask[-1, :] = small_mask[:, 0] = small_mask[:, -1] = False
    filled = cv2.resize(harmonic_fill(small, small_mask), (w, h), interpolation=cv2.INTER_LINEAR)
    inside = mask[y0:y1, x0:x1]
    patch = out[y0:y1, x0:x1]
    near = patch[inside] - (patch[inside] @ LUMA)[:, None]
    far = filled[inside]
    # where the photo round the text has little colour of its own (grey grass, a black-and-white
    # photo) any tint shows and the far colour is right; a colourful photo (an orange suit beside a
    # black helmet) changes colour over a few pixels, and the near rim is the better guess there
    grey = np.clip((CHROMA_GREY[1] - np.abs(far).max(axis=1)) / (CHROMA_GREY[1] - CHROMA_GREY[0]), 0, 1)[:, None]
    patch[inside] = (patch[inside] @ LUMA)[:, None] + grey * far + (1 - grey) * near
