"""Text masks: the pixels of each line's glyphs, with their outline, shadow and glow.

For each line quad (e.g. from OCR), the background under the line is estimated by a membrane fill of
the quad enlarged by 20 % of its height, from its rim. Glyph pixels differ from that estimate; of the
dominant colours of the clearly different pixels (above an Otsu threshold), those common inside the
quad and rare on the rim around it are the text's colours (a photo's own bright or dark parts run
across the rim). A pixel within CORE_TOL of such a colour (around the strokes' own median) is a
stroke core when it differs from the background estimate by CORE_SHARE of that colour's contrast
with the background at that spot: the contrast changes along a line when the photo does, and one
threshold for the whole line dropped its low-contrast part. Anti-aliased edges (close to a text
colour, still different from the background) join the cores within GROW px. Then what surrounds the
glyphs: an outline (one colour that most pixels right next to the glyphs share and that differs from
the background, grown through that colour), a drop shadow (the glyph shapes shifted by the offset
whose copy lands on pixels shaded against the text - darker behind light text - much more than the
opposite offset does; shading all round is outline, anti-aliasing or texture), the faint tail of a
blurred drop shadow on a smooth photo (the shading fitted as a shifted, blurred copy of the glyph
mask), a narrow band of pixels that differ strongly, and a soft glow (a ring just beyond the dilation
still shaded against the text nearly all round, fading further out: the mask reaches out until it
has mostly faded). An outline that touches the strokes only through their anti-aliased ring (a
mixture of the two colours, neither one nor the other) is reached from that ring. text_mask dilates
the result a little.

Only text pixels are masked, so the photo between strokes stays as it was: extra masked pixels cost
far more than missed fringes (bench/RESULTS-text.md), but unmasked outline or shadow pixels leave a
ghost, because the fill carries their colour into the letter shapes."""

from __future__ import annotations

import numpy as np
from PIL import Image

from ml.text.fill.membrane import harmonic_fill
from ml.text.geometry import mask_bounds

BAND = 0.045       # outline / shadow band around the glyphs, in line heights (0 = none)
BAND_DIFF = 1.3    # ... where pixels differ from the background by this share of the glyph threshold
COLOUR_TOL = 40    # max channel distance to a glyph colour (for the rim test and anti-aliased edges)
CORE_TOL = 28      # ... for stroke cores, around the colour's median in the strokes
WIDE = 1.0         # weak pixels: within WIDE x COLOUR_TOL of a glyph colour
LOW = 0.5          # weak pixels: differ from the background by LOW x the local glyph threshold
HIGH_MIN = 30.0    # the glyph threshold is at least this
CORE_SHARE = 0.5   # local glyph threshold: this share of the glyph colour's contrast with the background
GROW = 2           # anti-aliased edges: weak pixels at most this many pixels from a stroke core
OUTLINE = 0.15     # outlines: grown up to this share of the line height from the glyphs
OUTLINE_SHARE = 0.4  # ... in a colour that this share of the pixels 2-3 px off the glyphs have
OUTLINE_RIM = 3.0  # ... and that is this many times rarer on the rim around the line
OUTLINE_ALONE = 0.8  # ... or that nearly all of them have (a dark outline over a partly dark photo)
OUTLINE_APART = 30.0  # ... and that differs this much from the background estimate there
OUTLINE_CHUNK = 2.0  # ... judged piece by piece along the line, pieces this many line heights long
MIX_TOL = 20.0     # ... through the anti-aliased ring between strokes and outline: pixels this close to a mixture
MIX_COVER = 0.6    # ... where the outline reached this share of the pixels 2-3 px off the glyphs
MIX_ENDS = 0.3     # ... and, beyond it, fewer than this share of the pixels still have its colour
SHADOW = 0.12      # drop shadows: offsets up to this share of the line height are tried
SHADOW_MIN = 18.0  # ... one is taken when it shades this much more than the opposite offset
SHADOW_DIFF = 0.3  # ... and its pixels are those shaded by this share of that
TAIL_SIGMAS = (0.01, 0.02, 0.03, 0.045, 0.065, 0.09)  # shadow tails: blurs tried, in line heights
TAIL_SIGMA_MIN = 0.6  # ... at least this many pixels
TAIL_SAMPLES = 2500   # ... fitted on about this many pixels round the glyphs
TAIL_FIT = 0.1        # ... taken when the blurred copy explains this share of the shading there
TAIL_ONE_WAY = 2.0    # ... and this many times more than the copy at the opposite offset does
TAIL_SHAPES = 1.5     # ... and this many times more than a blurred band along the line does (a photo's own edge)
TAIL_SMOOTH = 0.03    # ... where the photo beyond is smooth (its fine detail below this share of its brightness)
TAIL_LEVEL = 2.0      # ... and masked where it still shades by this many grey levels
GLOW_MARGIN = 2    # glows: text_mask's dilation; the ring just beyond it is tested
GLOW_MIN = 4.0     # ... a glow sets the text off by at least this much there
GLOW_SHARE = 0.75  # ... on this share of the ring's pixels
GLOW_FAR = 0.25    # ... and has faded to this share of that 10-12 px out
GLOW_LEFT = 0.5   # ... then the mask reaches out until this share of it is left
GLOW_LEFT_MIN = 2.5  # ... or this many grey levels
GLOW_EXTRA = 4    # ... but at most this many pixels further


def expand_quad(quad, by: float):
    q = np.float64(quad)
    centre = q.mean(axis=0)
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = q
    height = (np.hypot(x3 - x0, y3 - y0) + np.hypot(x2 - x1, y2 - y1)) / 2
    width = (np.hypot(x1 - x0, y1 - y0) + np.hypot(x2 - x3, y2 - y3)) / 2
    grow = by * height
    u = (q[1] - q[0] + q[2] - q[3]) / 2
    v = (q[3] - q[0] + q[2] - q[1]) / 2
    u /= max(np.linalg.norm(u), 1e-6)
    v /= max(np.linalg.norm(v), 1e-6)
    signs = [(-1, -1), (1, -1), (1, 1), (-1, 1)]
    out = [q[i] + grow * (sx * u + sy * v) for i, (sx, sy) in enumerate(signs)]
    return np.float64(out), height, width, centre


def _otsu(values: np.ndarray) -> float:
    hist, edges = np.histogram(values, bins=128)
    centres = (edges[:-1] + edges[1:]) / 2
    w0 = np.cumsum(hist)
    w1 = w0[-1] - w0
    s0 = np.cumsum(hist * centres)
    m0 = s0 / np.maximum(w0, 1)
    m1 = (s0[-1] - s0) / np.maximum(w1, 1)
    between = w0 * w1 * (m0 - m1) ** 2
    return float(centres[int(np.argmax(between))])


def palette(colours: np.ndarray, k: int) -> list[np.ndarray]:
    """Up to k dominant colours (a few k-means steps), each holding at least 10 % of the pixels."""
    if len(colours) > 4000:
        colours = colours[np.random.default_rng(0).choice(len(colours), 4000, replace=False)]
    centres = colours[np.linspace(0, len(colours) - 1, k).astype(int)].copy()
    for _ in range(8):
        d = ((colours[:, None, :] - centres[None]) ** 2).sum(axis=2)
        label = d.argmin(axis=1)
        for j in range(k):
            if (label == j).any():
                centres[j] = colours[label == j].mean(axis=0)
    share = np.bincount(label, minlength=k) / len(colours)
    return [centres[j] for j in range(k) if share[j] >= 0.1]


def _drop_shadow(glyphs: np.ndarray, deviation: np.ndarray, reg: np.ndarray, line_h: float) -> np.ndarray:
    """The pixels of a drop shadow: a copy of the glyph shapes, offset by a few pixels, darker (or
    lighter) than the background. The offset is the one whose shifted glyphs land on the most
    consistently shaded pixels next to the glyphs; when no offset stands out from the shading of the
    surroundings (no shadow, or a busy photo), nothing is added."""
    from scipy import ndimage

    reach = max(2, int(round(SHADOW * line_h)))
    shade = deviation.mean(axis=2)
    h, w = glyphs.shape
    near = ndimage.binary_dilation(glyphs, iterations=reach + 2) & ~ndimage.binary_dilation(glyphs) & reg
    if near.sum() < 20:
        return np.zeros_like(glyphs)
    # a shadow sets the text off its background: dark behind light text, light behind dark text
    polarity = -float(np.sign(np.mean(shade[glyphs])))
    shaded = np.clip(polarity * shade, 0, None)
    ny, nx = np.nonzero(near)

    def landing(dy, dx, ys, xs):
        sy, sx = ys - dy, xs - dx
        ok = (sy >= 0) & (sy < h) & (sx >= 0) & (sx < w)
        hit = np.zeros(ys.size, bool)
        hit[ok] = glyphs[sy[ok], sx[ok]]
        return hit

    # scored on a sample of the pixels and every few pixels of offset on big lines (a blurred
    # shadow is found as well a pixel off): the search stays cheap at any size
    every = max(1, ny.size // 6000)
    ys, xs = ny[::every], nx[::every]
    values = shaded[ys, xs]
    means = {}
    step = max(1, reach // 4)
    for dy in range(-reach, reach + 1, step):
        for dx in range(-reach, reach + 1, step):
            if dy * dy + dx * dx < 2 or dy * dy + dx * dx > reach * reach:
                continue
            hit = landing(dy, dx, ys, xs)
            if hit.sum() >= 20 / every:
                means[dy, dx] = float(values[hit].mean())
    # a drop shadow falls one way only: shading that surrounds the glyphs evenly (outlines,
    # anti-aliasing, the photo's own texture) is as strong at the opposite offset
    best, offset = 0.0, None
    for shift, value in means.items():
        score = value - means.get((-shift[0], -shift[1]), value)
        if score > best:
            best, offset = score, shift
    if offset is None or best < SHADOW_MIN:
        return np.zeros_like(glyphs)
    land = np.zeros_like(glyphs)
    hit = landing(offset[0], offset[1], ny, nx)
    land[ny[hit], nx[hit]] = True
    # the shadow is blurred: a pixel or two around the shifted shapes, where still shaded that way
    around = ndimage.binary_dilation(land, iterations=2) & reg & ~glyphs
    return around & (polarity * shade > SHADOW_DIFF * best)


def _shadow_tail(glyphs: np.ndarray, sub: np.ndarray, deviation: np.ndarray, reg: np.ndarray,
                 line_h: float) -> np.ndarray:
    """The faint tail of a blurred drop shadow on a smooth photo. _drop_shadow takes the pixels
    clearly shaded; beyond them a blurred shadow still darkens the photo by a few grey levels, and
    the membrane fill carries that into the letters, which come back as darker shapes on a smooth
    face or wall. A shadow drawn by a design tool
    is the glyphs shifted, blurred and composited with one colour, so the shading round the glyphs is
    fitted (least squares, per colour channel, on the photo's deviation from its background
    estimate) as a shifted, blurred copy of the glyph mask, for offsets up to SHADOW line heights
    and blurs of TAIL_SIGMAS line heights. The best fit is taken when it explains a good share of
    the shading, much more than the copy at the opposite offset does (an outline, anti-aliasing or a
    texture shade all round) and much more than a blurred band along the line at the same offset
    does (a photo's own edge beside the line, the rim of a cup, fits a band as well as the letters),
    and only where the photo beyond the shadow is smooth: on texture the fit is unreliable and the
    texture hides the tail anyway. Its pixels are those it still shades by TAIL_LEVEL grey levels."""
    import cv2
    from scipy import ndimage

    none = np.zeros_like(glyphs)
    reach = max(2, int(round(SHADOW * line_h)))
    sigmas = sorted({round(max(TAIL_SIGMA_MIN, s * line_h), 2) for s in TAIL_SIGMAS})
    dist = ndimage.distance_transform_edt(~glyphs)
    ys, xs = np.nonzero((dist > 1.5) & (dist <= reach + 3 * sigmas[-1]) & reg)
    if ys.size < 50:
        return none
    every = max(1, ys.size // TAIL_SAMPLES)
    ys, xs = ys[::every], xs[::every]
    shading = deviation[ys, xs]
    pad = reach + 1

    def blurred(shape: np.ndarray, sigma: float) -> np.ndarray:
        return cv2.GaussianBlur(np.pad(shape.astype(np.float32), pad), (0, 0), sigma)

    def explained(copy: np.ndarray) -> np.ndarray:
        """Squared norm of the shading explained by `copy` (N or N x offsets) times a colour."""
        copy = copy.reshape(copy.shape[0], -1).astype(np.float64)
        return ((copy.T @ shading) ** 2).sum(axis=1) / np.maximum((copy * copy).sum(axis=0), 1e-9)

    # the shadow at p is the blurred glyph mask at p - offset: every offset at once, per blur
    oy, ox = (a.ravel() for a in np.mgrid[-reach:reach + 1, -reach:reach + 1])
    iy, ix = ys[:, None] + pad - oy[None], xs[:, None] + pad - ox[None]
    best = None
    for sigma in sigmas:
        scores = explained(blurred(glyphs, sigma)[iy, ix])
        j = int(np.argmax(scores))
        if best is None or scores[j] > best[0]:
            opposite = scores[(oy == -oy[j]) & (ox == -ox[j])][0]
            best = (scores[j], opposite, sigma, int(oy[j]), int(ox[j]))
    score, opposite, sigma, dy, dx = best
    band = ndimage.binary_closing(glyphs, structure=np.ones((1, int(line_h) | 1)))
    band = ndimage.binary_fill_holes(ndimage.binary_closing(band, iterations=int(line_h // 6) + 1))
    banded = explained(blurred(band, sigma)[ys + pad - dy, xs + pad - dx])[0]
    if (score < TAIL_FIT * float((shading ** 2).sum()) or score < TAIL_ONE_WAY * opposite
            or score < TAIL_SHAPES * banded):
        return none
    beyond = (dist > reach + 3 * sigma) & reg
    if beyond.sum() < 50:
        return none
    fine = sub[beyond] - ndimage.gaussian_filter(sub, (2, 2, 0))[beyond]
    # detail relative to brightness: dark hair has little detail in grey levels but is not smooth
    if np.sqrt(float(np.median((fine ** 2).sum(axis=1)))) > TAIL_SMOOTH * max(float(sub[beyond].mean()), 1.0):
        return none
    h, w = glyphs.shape
    copy = blurred(glyphs, sigma)[pad - dy:pad - dy + h, pad - dx:pad - dx + w]
    colour = np.linalg.lstsq(copy[ys, xs, None].astype(np.float64), shading, rcond=None)[0][0]
    return (copy * float(np.abs(colour).max()) > TAIL_LEVEL) & reg & ~glyphs


def _outline(glyphs: np.ndarray, sub: np.ndarray, background: np.ndarray, diff: np.ndarray, reg: np.ndarray,
             rim: np.ndarray, along: np.ndarray, line_h: float) -> np.ndarray:
    """The pixels of an outline: a band of one colour hugging the strokes. Piece by piece along the
    line (OUTLINE_CHUNK line heights; the photo changes along a line), the outline colour is one
    that many of the pixels just off the glyphs share and that is rare on the rim around the line
    there (the colour of anti-aliased edges or of a photo all round the text is not an outline), or
    one that nearly all of them share; it must differ from the background estimate. Its pixels are
    grown from the glyphs through that colour, up to OUTLINE line heights out (all along the line,
    also where the photo behind has that colour), then through its anti-aliased outer edge."""
    from scipy import ndimage

    # 2-3 px out: the first pixel round the glyphs is a mixture of the text and whatever is behind it
    ring = ndimage.binary_dilation(glyphs, iterations=3) & ~ndimage.binary_dilation(glyphs) & reg
    if ring.sum() < 20:
        return np.zeros_like(glyphs)
    # the line's own outline and shadow reach into the rim: only the photo beyond them counts
    reach = max(2, int(round(OUTLINE * line_h)))
    rim = rim & ~ndimage.binary_dilation(glyphs, iterations=max(3, reach))
    chunk = np.floor(along / OUTLINE_CHUNK).astype(int)
    ring_px, ring_bg, ring_chunk = sub[ring], background[ring], chunk[ring]
    rim_px, rim_chunk = sub[rim], chunk[rim]
    accepted = []
    for colour in palette(ring_px, 3):
        close = np.abs(ring_px - colour).max(axis=1) < CORE_TOL
        if not close.any() or np.median(diff[ring][close]) <= HIGH_MIN:
            continue
        on_rim_all = np.abs(rim_px - colour).max(axis=1) < CORE_TOL
        for k in np.unique(ring_chunk):
            near, around = ring_chunk == k, rim_chunk == k
            if near.sum() < 10:
                continue
            share = float(close[near].mean())
            on_rim = float(on_rim_all[around].mean()) if around.sum() >= 10 else 0.0
            # an outline stands out from what is behind it (a plain photo round the text does not)
            apart = float(np.abs(np.median(ring_bg[near], axis=0) - colour).max())
            if share >= OUTLINE_SHARE and apart > OUTLINE_APART and (
                    share > OUTLINE_RIM * on_rim or share >= OUTLINE_ALONE):
                accepted.append((colour, k))
    if not accepted:
        return np.zeros_like(glyphs)
    member = np.zeros_like(glyphs)
    edge = np.zeros_like(glyphs)
    for colour, k in accepted:
        piece = (chunk == k) & reg
        dist = np.abs(sub - colour).max(axis=2)
        member |= piece & (dist < COLOUR_TOL) & (diff > HIGH_MIN * LOW)
        # its anti-aliased outer edge: a mixture of the outline colour and the photo
        edge |= piece & (dist < 2 * COLOUR_TOL) & (diff > 18.0)
    # a line is outlined all along: where it crosses a photo of the outline's own colour (a dark
    # outline over dark hair) the outline no longer stands out there and that piece is not accepted,
    # but it is still there and, left behind, draws the letters' shapes. Grown from the glyphs, pixels
    # close to an accepted outline colour are enough.
    in_pieces = member.copy()
    colours = [np.asarray(c) for c in {tuple(c) for c, _k in accepted}]
    for colour in colours:
        member |= reg & (np.abs(sub - colour).max(axis=2) < CORE_TOL)
    found = glyphs.copy()
    for _ in range(reach):
        grown = ndimage.binary_dilation(found) & member & ~found
        if not grown.any():
            break
        found |= grown
    found |= _through_mixtures(glyphs, found, sub, reg, chunk, in_pieces, colours)
    for _ in range(GROW):
        found |= ndimage.binary_dilation(found) & edge
    return found & ~glyphs


def _through_mixtures(glyphs: np.ndarray, found: np.ndarray, sub: np.ndarray, reg: np.ndarray, chunk: np.ndarray,
                      in_pieces: np.ndarray, colours: list) -> np.ndarray:
    """The anti-aliased ring between the strokes and their outline is a mixture of the two colours,
    neither one nor the other: where an outline is attached to a stroke only through it (the arms of
    an "x" on a JPEG) the growth from the glyphs stops there and the outline is left behind. On a line
    whose outline was found nearly all round, it is grown again from that ring, as wide as it is
    where it was reached, in the pieces of the line where it was accepted and where it ends in
    something else (an "outline" of the photo's own colour, yellow text over a black helmet, goes
    on and on)."""
    from scipy import ndimage

    gdist = ndimage.distance_transform_edt(~glyphs)
    around = (gdist > 1.5) & (gdist <= 3.5) & reg
    width = gdist[found & ~glyphs]
    if width.size < 20 or not around.any() or found[around].mean() < MIX_COVER:
        return np.zeros_like(glyphs)
    fill = np.median(sub[glyphs], axis=0)
    ring = (gdist <= 2) & ~found & reg
    mixed = np.zeros_like(glyphs)
    near_colour = np.zeros_like(glyphs)
    for o in colours:
        seg = fill - o
        t = np.clip(((sub - o) @ seg) / max(float(seg @ seg), 1e-6), 0, 1)
        mixed |= ring & (np.abs(sub - (o + t[..., None] * seg)).max(axis=2) < MIX_TOL)
        near_colour |= np.abs(sub - o).max(axis=2) < COLOUR_TOL
    w90 = int(np.ceil(np.percentile(width, 90)))
    beyond = (gdist > w90 + 1.5) & (gdist <= w90 + 4.5) & reg
    for k in np.unique(chunk[reg]):
        piece = (chunk == k) & reg
        if (beyond & piece).sum() < 10 or near_colour[beyond & piece].mean() >= MIX_ENDS:
            mixed &= ~piece
    front = mixed.copy()
    for _ in range(w90):
        grown = ndimage.binary_dilation(front) & in_pieces & ~front & ~found
        if not grown.any():
            break
        front |= grown
    # a mixed pixel counts only where an outline was reached through it
    return (front & ~mixed) | (mixed & ndimage.binary_dilation(front & ~mixed))


def _glow(found: np.ndarray, deviation: np.ndarray, reg: np.ndarray, line_h: float) -> np.ndarray:
    """A soft glow or blurred shadow round the whole text (lighter behind dark text, darker behind
    light text) fades over several pixels, and what is left of it just beyond the mask's dilation is
    only a few grey levels: too faint for the shadow search, but the fill carries it into the letter
    shapes, which come back as a pale ghost. Found by its profile: the ring just beyond the dilation is
    shaded against the text nearly all round, and the shading has faded 10-12 px out (a photo that is
    merely lighter or darker than the estimate all round does not fade). Then the mask reaches out
    until about half of the glyph's shading there is left, at most GLOW_EXTRA pixels beyond the
    dilation: more only costs what the fill gets wrong in a larger hole."""
    from scipy import ndimage

    shade = deviation.mean(axis=2)
    polarity = -float(np.sign(np.mean(shade[found])))
    shaded = polarity * shade
    dist = ndimage.distance_transform_edt(~found)
    profile, share = [], []
    for d in range(1, 13):
        ring = (dist > d - 0.5) & (dist <= d + 0.5) & reg
        if ring.sum() < 20:
            break
        profile.append(float(shaded[ring].mean()))
        share.append(float((shaded[ring] > 2).mean()))
    m = GLOW_MARGIN  # profile[m] is the ring at distance m + 1: the first one left out of the mask
    if len(profile) < m + 5:
        return np.zeros_like(found)
    first, far = profile[m], float(np.mean(profile[-3:]))
    if first < GLOW_MIN or share[m] < GLOW_SHARE or far > GLOW_FAR * first:
        return np.zeros_like(found)
    # the mask reaches out until the glow has mostly faded
    reach, limit = m + 1, max(GLOW_LEFT_MIN, far + GLOW_LEFT * (first - far))
    while reach < m + GLOW_EXTRA and profile[reach] > limit:
        reach += 1
    return (dist <= reach) & reg & ~found


def glyph_mask(rgb: np.ndarray, quad, *, grow: float = 0.2) -> np.ndarray:
    """bool HxW: the glyph pixels of one line (see the module docstring), not dilated."""
    return glyph_mask_colours(rgb, quad, grow=grow)[0]


def glyph_mask_colours(rgb: np.ndarray, quad, *, grow: float = 0.2) -> tuple[np.ndarray, list[np.ndarray]]:
    """(glyph mask, the glyph colours found: fill and outline when there is one)."""
    import cv2
    from scipy import ndimage

    h, w = rgb.shape[:2]
    outer, line_h, _line_w, _c = expand_quad(quad, grow)
    region = np.zeros((h, w), np.uint8)
    cv2.fillPoly(region, [np.round(outer).astype(np.int32)], 1)
    inner = np.zeros((h, w), np.uint8)
    cv2.fillPoly(inner, [np.round(np.float64(quad)).astype(np.int32)], 1)
    if not region.any():
        return np.zeros((h, w), bool), []
    y0, y1, x0, x1 = mask_bounds(region > 0, 2)
    sub = rgb[y0:y1, x0:x1].astype(np.float64)
    reg = region[y0:y1, x0:x1] > 0
    # background estimate from the rim of the enlarged quad, on a copy shrunk to about 8 px per line
    # height: it is smooth anyway, and the sparse solve at full size was much of the mask's time for
    # the same removal scores (bench/RESULTS-text.md)
    scale = max(1, int(line_h // 8))
    small = sub[::scale, ::scale]
    small_reg = reg[::scale, ::scale].copy()
    small_reg[0, :] = small_reg[-1, :] = small_reg[:, 0] = small_reg[:, -1] = False
    background = harmonic_fill(small, small_reg)
    background = cv2.resize(background, (sub.shape[1], sub.shape[0]), interpolation=cv2.INTER_LINEAR)
    diff = np.abs(sub - background).max(axis=2)
    diff = cv2.GaussianBlur(diff, (0, 0), 0.7)
    inside = reg
    values = diff[inside]
    if values.size < 16:
        return np.zeros((h, w), bool), []
    high = max(_otsu(values), HIGH_MIN)
    strong = (diff > high) & reg
    if not strong.any():
        return np.zeros((h, w), bool), []
    # the glyphs' own colours: dominant colours of the strong core that are common inside the line's
    # quad and rare on the rim around it (a photo's own bright or dark parts run across the rim)
    inner_sub = inner[y0:y1, x0:x1] > 0
    rim = reg & ~inner_sub
    kept = []
    for colour in palette(sub[strong], 4):
        close = np.abs(sub - colour).max(axis=2) < COLOUR_TOL
        f_inner = close[inner_sub].mean() if inner_sub.any() else 0.0
        f_rim = close[rim].mean() if rim.any() else 0.0
        if f_inner > 2.5 * f_rim + 0.01:
            kept.append(colour)
    if not kept:
        kept = palette(sub[strong], 1)
    # a line's contrast changes along it when the photo does (light text over a light table, then a
    # dark saucer): the one Otsu threshold of the whole line would drop the low-contrast part, so a
    # pixel of a glyph colour is a stroke core when it differs from the background estimate by a good
    # share of that colour's own contrast against the background there
    core = np.zeros(diff.shape, bool)
    weak = np.zeros(diff.shape, bool)
    for colour in kept:
        dist = np.abs(sub - colour).max(axis=2)
        # the palette centre is pulled towards the anti-aliased edges; the strokes' own median is
        # what a tight tolerance needs (a loose one takes in dark hair next to dark purple text)
        sel = strong & (dist < COLOUR_TOL)
        if sel.sum() >= 8:
            colour = np.median(sub[sel], axis=0)
            dist = np.abs(sub - colour).max(axis=2)
        contrast = np.abs(background - colour).max(axis=2)
        local = np.clip(CORE_SHARE * contrast, HIGH_MIN, high)
        core |= (dist < CORE_TOL) & (diff > local) & reg
        weak |= (dist < WIDE * COLOUR_TOL) & (diff > np.maximum(local * LOW, 18.0))
    # anti-aliased edges are a pixel or two wide: the cores grow through weak pixels only that far
    # (an unbounded flood runs into hair or shadows of a similar colour)
    found = core.copy()
    for _ in range(GROW):
        found |= ndimage.binary_dilation(found) & (weak | core)
    found &= reg
    if OUTLINE > 0:
        q = np.float64(quad)
        direction = (q[1] - q[0] + q[2] - q[3]) / 2
        direction /= max(np.linalg.norm(direction), 1e-6)
        yy, xx = np.mgrid[y0:y1, x0:x1]
        along = ((xx - q[0][0]) * direction[0] + (yy - q[0][1]) * direction[1]) / max(line_h, 1.0)
        found |= _outline(found, sub, background, diff, reg, rim, along, line_h)
    deviation = sub - background
    if SHADOW > 0:
        # the tail is fitted to the strokes alone (and added last: the glow test looks beyond the rest)
        tail = _shadow_tail(found, sub, deviation, reg, line_h)
        found |= _drop_shadow(found, deviation, reg, line_h)
    # outlines and the rest of the shadows hug the strokes whatever their colour: pixels next to the
    # glyphs that still differ from the background estimate join them
    if BAND > 0:
        band = max(1, int(round(BAND * line_h)))
        near_glyphs = ndimage.distance_transform_edt(~found) <= band
        found |= near_glyphs & (diff > BAND_DIFF * high) & reg
    found |= _glow(found, deviation, reg, line_h)
    if SHADOW > 0:
        # text_mask dilates the glyphs by 2 px: the tail is taken in that much short of its end
        found |= ndimage.binary_erosion(tail | found, iterations=2) & tail
    out = np.zeros((h, w), bool)
    out[y0:y1, x0:x1] = found
    return out, [np.asarray(c) for c in kept]


def text_mask(image: Image.Image, quads, *, dilate: int = 2) -> Image.Image:
    """"L" mask (255 = text) of the glyphs inside each quad, dilated by `dilate` pixels."""
    import cv2

    rgb = np.asarray(image.convert("RGB"))
    h, w = rgb.shape[:2]
    mask = np.zeros((h, w), bool)
    for quad in quads:
        mask |= glyph_mask(rgb, quad)
    out = mask.astype(np.uint8) * 255
    if dilate > 0 and out.any():
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * dilate + 1, 2 * dilate + 1))
        out = cv2.dilate(out, kernel)
    return Image.fromarray(out, "L")
