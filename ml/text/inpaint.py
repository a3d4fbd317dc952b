"""Text masks and text removal (filling masked pixels from their surroundings).

text_mask: for each line quad (e.g. from OCR), the background under the line is estimated by a
membrane (harmonic) fill of the quad enlarged by 20 % of its height, from its rim. Glyph pixels
differ from that estimate; of the dominant colours of the clearly different pixels (above an Otsu
threshold), those common inside the quad and rare on the rim around it are the text's colours (a
photo's own bright or dark parts run across the rim). A pixel within 28 of such a colour (around the
strokes' own median) is a stroke core when it differs from the background estimate by half that
colour's contrast with the background at that spot: the contrast changes along a line when the photo
does, and one threshold for the whole line dropped its low-contrast part. Anti-aliased edges (close
to a text colour, still different from the background) join the cores within 2 px. Then what
surrounds the glyphs: an outline (one colour that most pixels right next to the glyphs share and
that differs from the background, grown through that colour), a drop shadow (the glyph shapes
shifted by the offset whose copy lands on pixels shaded against the text - darker behind light text
- much more than the opposite offset does; shading all round is outline, anti-aliasing or texture),
the faint tail of a blurred drop shadow on a smooth photo (the shading fitted as a shifted, blurred
copy of the glyph mask), a narrow band of pixels that differ strongly, and a soft glow (a ring just
beyond the dilation still shaded against the text nearly all round, fading further out: the mask
reaches out until it has mostly faded). An outline that touches the strokes only through their
anti-aliased ring (a mixture of the two colours, neither one nor the other) is reached from that
ring. The result is dilated by 2 px. Only text pixels are masked, so the photo between strokes stays as it was: extra masked pixels cost far more than
missed fringes (bench/RESULTS-text.md), but unmasked outline or shadow pixels leave a ghost, because
the fill carries their colour into the letter shapes.

remove_text, method "default": straight structure continued first, then a membrane fill, then
shifted or synthesised texture. Lines the text crossed (a tripod's legs, a lamp post, a coat's edge,
a wall's joints) are found by OpenCV's line segment detector on the membrane-filled photo and
followed through the mask; where the photo across the line as it comes out matches the photo across
it before the gap (correlation 0.8, allowing 2 px of drift), a band 6 px either side of the line is
painted by blending the two, and the rest of the fill treats it as known. The masked
pixels get the solution of Laplace's equation with the unmasked rim as boundary values (one sparse
LU solve per connected group of masked pixels: exact, no smear along a marching front as with
Telea). Then, glyph by glyph, where the rim around it is textured and a shifted copy of the
neighbourhood predicts the rim well (bricks, stripes, lines), that copy is blended in seamlessly
(copy plus the membrane fill of the rim difference, as in Poisson cloning); the shift is searched
on a grid centred on no shift, then refined to the pixel (a joint lines up only at its own offset).
Where no single shift fits a glyph group (letters run together across joints spaced unevenly), each
piece of it along the line gets its own, from farther out but only from straight across the line
(what lies above and below a piece is all its rim shows). Where none fits, the pieces are judged
on the rim round each: a texture (fine detail strong on most of it - less on a dark photo, in
proportion to the square of its brightness - as strong as the coarser variation, spread evenly, in
one family of colours: knit, grass, hair, denim), or coarser structure spread as evenly (a blurred
railing), but not a logo, a badge, tripod legs or folds of a suit. There texture is synthesised
pixel by pixel, onion-peel layers from the rim inwards, each layer vectorised: every pixel copies the
source position (unmasked photo within reach) whose 7x7 patch best matches what is known or filled
round it, among its filled neighbours' sources moved along (coherence: runs of pixels copy one piece
of texture), random offsets shared by the layer and jitters round the best; a source flatter than
the photo round the pixel pays for it (flat pieces match any guess best and left a smooth band).
A whole-patch pass of propagation and random search and a 3x3 vote (Wexler-style) ends it; only
the synthesised detail (minus its blur inside the glyphs, sigma 3, or 8 on coarser structure) goes
on the membrane fill, which keeps the shading. Where the photo round the text is nearly grey, the
fill's colour (chroma, not brightness) comes from 3 px further out: a JPEG's colour bleeds beyond
the glyphs and tinted the fill. Letters on grass, knit, denim, fur no longer read as
smooth blobs (the fine detail inside tr_006's letters: 0.5 of the grass's, 0.35 with the earlier
averaged exemplar tiles on big groups only, about 0 on small ones). Texture that does not line up
with the lost one doubles the error where it is added, which the membrane avoids: 27.80 dB / 0.769
against 27.87 / 0.773 with the exemplar tiles on big groups (dev set, same OCR lines); smooth rims
keep the membrane. Mirrored high-pass detail (texture synthesis without matching) was tried and
lowered both PSNR and SSIM, so it is not used. "telea" and "ns" are OpenCV's (the baselines)."""

from __future__ import annotations

import numpy as np
from PIL import Image

from ml.text.types import TextError

METHODS = ("default", "lama", "telea", "ns")   # "lama" only with its weights (ml/text/lama.py)
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
TEXTURE_MIN = 80.0    # texture synthesised where the rim's median high-pass energy (summed over channels) exceeds this
TEXTURE_DARK_MIN = 20.0  # ... scaled down on dark photos (with the square of their brightness), to this at least
TEXTURE_DARK_COARSE = 0.3  # ... where the coarser variation is at least this share of the fine one
TEXTURE_BLUR = 2.0    # ... high pass: the image minus its Gaussian blur of this sigma
TEXTURE_COARSE = 8.0  # ... coarser variation: that blur minus one of this sigma
TEXTURE_FINE = 0.25   # ... the rim's median fine energy is at least this share of its median coarse one
TEXTURE_EVEN = 9.0    # ... and its mean at most this many times its median (not a few strong edges)
TEXTURE_HUES = 48.0   # ... and its colours minus their grey spread less than this (std summed over channels)
STRUCTURE_MIN = 250.0  # coarser structure where the rim's median coarse energy exceeds this
STRUCTURE_FINE = 50.0  # ... and its fine one this
STRUCTURE_EVEN = 4.5   # ... its fine energy spread more evenly than texture's (tripod legs, a face's edge are not)
TEXTURE_PIECE_MIN = 32  # ... judged and filled in pieces along the line about as long as it is thick, at least this
SYNTH_HALF = 3        # texture synthesis: patches of 2 x this + 1 pixels a side are matched (7x7)
SYNTH_REACH = 24      # ... fresh sources drawn this far from the pixel at most (coherence carries them further)
SYNTH_SHIFTS = 24     # ... this many random offsets per onion-peel layer, shared by its pixels
SYNTH_JITTER = 2      # ... then 3 sources this close round the best
SYNTH_COHERENCE = 0.4  # ... a neighbour's source moved along wins unless a fresh one matches this much better
SYNTH_PROP = 2        # ... times the neighbours' choices within a layer are tried again
SYNTH_PASSES = 1      # ... whole-patch passes over all the synthesised pixels at the end
SYNTH_GUIDE = 0.5     # ... pixels not yet filled count in the match with the membrane fill, at this weight
SYNTH_CHROMA = 0.5    # ... colour differences (red - green, blue - green, on 3x3 of the patch pixels) count this much
SYNTH_CONTRAST = 10.0  # ... a source's contrast short of the one expected costs this times the shortfall squared
SYNTH_CONTRAST_BLUR = 6.0  # ... the expected one: the photo's (grey std over 7x7) blurred this much into the hole
SYNTH_GREY = 4.0      # ... (unless red - green and blue - green vary less than this round the glyphs)
SYNTH_CLEAR = 1       # ... sources at least this far from any masked pixel
SYNTH_VOTE = 1        # ... each pixel the mean of what its neighbours this close say
SYNTH_DETAIL = 3.0    # ... only the detail (minus a Gaussian blur of this sigma inside the glyphs) is kept
SYNTH_STRUCTURE = 8.0  # ... on coarser structure, down to this sigma
LINE_MIN_LENGTH = 14.0  # straight structure continued through the text: segments (LSD) at least this long
LINE_OUTSIDE = 0.8      # ... lying this much outside the mask
LINE_REACH = 4          # ... that end at most this many pixels before it
LINE_MAX_GAP = 120      # ... and come out of it at most this many pixels further on
LINE_EXTEND = 3.0       # ... and at most this many times the segment's length (a short one says little of where it goes)
LINE_HALF_WIDTH = 6     # ... painted this many pixels either side of the line
LINE_CONTRAST = 25.0    # ... when the photo across the line's end varies by at least this (grey levels)
LINE_MATCH = 0.8        # ... and the profile where it comes out correlates this well with it
LINE_MATCH_DIFF = 20.0  # ... and differs from it by at most this on average
LINE_MATCH_SLIDE = 2    # ... allowing the line to drift this many pixels sideways across the gap


# --- membrane (harmonic) fill -------------------------------------------------------------------

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


def _bbox(mask: np.ndarray, pad: int):
    ys, xs = np.nonzero(mask)
    h, w = mask.shape
    return max(0, ys.min() - pad), min(h, ys.max() + pad + 1), max(0, xs.min() - pad), min(w, xs.max() + pad + 1)


SHIFT_ASIDE = 0.25     # ... those shifts at most this share of the reach along the line
SHIFT_PIECE_REACH = 64  # ... for a piece of a glyph group (below), shifts up to this far
CHROMA_CLEAR = 3  # the fill's colour comes from this many pixels beyond the mask
CHROMA_GREY = (4.0, 8.0)  # ... fully where the far colour is within the first of grey (channel minus luma), not beyond the second
_LUMA = np.array([0.299, 0.587, 0.114])
SHIFT_TAU = 0.35    # copy shifted texture where it predicts the rim this much better than its variance


# --- texture that no single shift predicts: exemplar tiles ----------------------------------------

def _masked_blur(src: np.ndarray, mask: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur of the unmasked pixels only (the text would otherwise bleed into the rim's detail)."""
    import cv2

    known = (~mask).astype(np.float32)
    num = cv2.GaussianBlur(src.astype(np.float32) * known[..., None], (0, 0), sigma)
    den = cv2.GaussianBlur(known, (0, 0), sigma)
    return num / np.maximum(den, 1e-3)[..., None]


def _textured_rim(src: np.ndarray, mask: np.ndarray, ring: np.ndarray, y0: int, x0: int) -> int:
    """What the `ring` pixels (placed at y0, x0) are: 1, a texture the membrane would show up as a
    smooth blob (fine detail, high pass, strong on most of them, as strong as the coarser variation);
    2, coarser structure (the fine detail weaker but present, the coarser variation strong: a blurred
    railing, bands of light), where the membrane's blob in the letters' shape is as plain; 0,
    neither. Both spread evenly, in colours of one family. A few strong edges (a logo, folds of a
    suit), smooth shading or several distinct hues (a badge on a suit) are not texture: pieces copied
    from them draw pieces of edges or of other things into the hole, which OCR may read again."""
    h, w = mask.shape
    ry, rx = np.nonzero(ring)
    # blurred round the ring only: blurring the whole photo cost more than the rest of the test
    margin = int(3 * TEXTURE_COARSE) + 1
    Y0, X0 = max(0, y0 + ry.min() - margin), max(0, x0 + rx.min() - margin)
    Y1, X1 = min(h, y0 + ry.max() + margin + 1), min(w, x0 + rx.max() + margin + 1)
    area, known = src[Y0:Y1, X0:X1], mask[Y0:Y1, X0:X1]
    fine_blur, coarse_blur = _masked_blur(area, known, TEXTURE_BLUR), _masked_blur(area, known, TEXTURE_COARSE)
    ry, rx = y0 + ry - Y0, x0 + rx - X0
    colours = area[ry, rx]
    fine = ((colours - fine_blur[ry, rx]) ** 2).sum(axis=1)
    coarse = ((fine_blur[ry, rx] - coarse_blur[ry, rx]) ** 2).sum(axis=1)
    level, coarse_level = float(np.median(fine)), float(np.median(coarse))
    hues = float((colours - colours.mean(axis=1, keepdims=True)).std(axis=0).sum())
    if float(fine.mean()) > TEXTURE_EVEN * level or hues >= TEXTURE_HUES:
        return 0
    # a dark photo's detail is as plain to the eye as a bright one's at a fraction of its energy
    # (dark curly hair round tr_013's "Emergency Exit" at 24-56 against grass at 80-300); the grain
    # of a dark sky is as strong, but has no coarser variation with it
    threshold = TEXTURE_MIN
    if coarse_level >= TEXTURE_DARK_COARSE * level:
        brightness = min(1.0, float(colours.mean()) / 128.0)
        threshold = max(TEXTURE_DARK_MIN, TEXTURE_MIN * brightness ** 2)
    if level > threshold and level >= TEXTURE_FINE * coarse_level:
        return 1
    if level > STRUCTURE_FINE and coarse_level > STRUCTURE_MIN and float(fine.mean()) <= STRUCTURE_EVEN * level:
        return 2
    return 0


def _synthesise(src: np.ndarray, mask: np.ndarray, todo: np.ndarray, out: np.ndarray) -> None:
    """Texture synthesis pixel by pixel into the `todo` pixels (bool HxW, part of `mask`), in
    onion-peel order: layer k holds the pixels k px from the nearest pixel not to be synthesised, and
    each layer is done at once (vectorised), after the layers outside it. Every pixel copies the
    photo at a source position: of its candidates, the one whose 7x7 patch best matches what is
    already around the pixel (the photo, or pixels filled before; pixels not yet filled count with
    the membrane fill from `out`, at SYNTH_GUIDE weight, which keeps the brightness on course deep
    inside). The match: mean squared brightness difference, plus colour on a sparse 3x3 grid of the
    patch, plus the square of how far the source patch's contrast falls short of the contrast of
    the photo round the pixel (flat pieces match any guess best; without it the fill drifted to them
    and the letters stayed as a smooth band). Candidates: the sources of the 4 neighbours already
    filled, moved by one pixel (coherence, as in Ashikhmin's synthesis and PatchMatch's propagation:
    a run of pixels copies one piece of the texture; they win unless a fresh one matches
    SYNTH_COHERENCE better), SYNTH_SHIFTS offsets drawn at random within SYNTH_REACH px but shared by
    the whole layer (so neighbours tend to pick the same one), a few jitters round the best
    (PatchMatch's random search), then the choices of the neighbours in the same layer (SYNTH_PROP
    times). Sources are unmasked pixels more than SYNTH_CLEAR px from any masked one (a fringe of the
    text is never copied). When all is filled, SYNTH_PASSES pass(es) let every pixel try its
    neighbours' sources and jitters again on whole patches, and a vote ends it (as in Wexler et
    al.): each pixel the mean of what its 3x3 neighbours' sources, moved along, say it is, so that
    where neighbours copy different pieces there is no speckle finer than the texture itself. The
    colours replace `out` on the `todo` pixels; the caller keeps only their detail
    (_keep_detail). Deterministic (a fixed seed)."""
    import cv2

    r, reach = SYNTH_HALF, SYNTH_REACH
    height, width = mask.shape
    ys, xs = np.nonzero(todo)
    if ys.size == 0:
        return
    m = reach + 2 * r + 1
    Y0, Y1 = max(0, ys.min() - m), min(height, ys.max() + m + 1)
    X0, X1 = max(0, xs.min() - m), min(width, xs.max() + m + 1)
    h, w = Y1 - Y0, X1 - X0
    # padded by the patch radius so that every patch offset of a crop pixel stays in the arrays
    wp = w + 2 * r
    cur = np.pad(out[Y0:Y1, X0:X1].astype(np.float32), ((r, r), (r, r), (0, 0)), mode="edge").reshape(-1, 3)
    grey = cur.mean(axis=1)
    red, blue = cur[:, 0] - cur[:, 1], cur[:, 2] - cur[:, 1]
    size = grey.size
    pending = np.pad(todo[Y0:Y1, X0:X1], r)
    side = 2 * SYNTH_CLEAR + 1
    near_mask = cv2.dilate(np.pad(mask[Y0:Y1, X0:X1], r, constant_values=True).astype(np.uint8),
                           np.ones((side, side), np.uint8)) > 0
    near_mask[:2 * r] = near_mask[-2 * r:] = True
    near_mask[:, :2 * r] = near_mask[:, -2 * r:] = True
    source_ok = ~near_mask.ravel()
    # colour is matched too unless the photo round the glyphs is grey (a grey photo, or grass)
    coloured = max(float(red[source_ok].std()), float(blue[source_ok].std())) > SYNTH_GREY
    # the contrast of each source patch (grey standard deviation over 7x7), and the contrast expected
    # round each pixel (that of the unmasked photo nearby, blurred into the hole)
    side_p = 2 * r + 1
    g2 = grey.reshape(-1, wp)
    mean = cv2.blur(g2, (side_p, side_p))
    spread = np.sqrt(np.maximum(cv2.blur(g2 * g2, (side_p, side_p)) - mean * mean, 0)).astype(np.float32)
    clear = (~near_mask).astype(np.float32)
    expect = (cv2.GaussianBlur(spread * clear, (0, 0), SYNTH_CONTRAST_BLUR)
              / np.maximum(cv2.GaussianBlur(clear, (0, 0), SYNTH_CONTRAST_BLUR), 1e-3)).ravel()
    spread = spread.ravel()
    weight = np.where(pending.ravel(), np.float32(SYNTH_GUIDE), np.float32(1.0))
    source_of = np.full(size, -1, np.int64)
    offsets = np.array([dy * wp + dx for dy in range(-r, r + 1) for dx in range(-r, r + 1)], np.int64)
    sparse = np.array([dy * wp + dx for dy in (-r, 0, r) for dx in (-r, 0, r)], np.int64)
    neighbours = np.array([-wp, wp, -1, 1], np.int64)
    safe = 2 * r * wp + 2 * r   # an index whose patch is inside the arrays (for candidates not allowed)
    rng = np.random.default_rng(0)

    def costs(pix: np.ndarray, cand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The match of the patches round `pix` (n) with those round each of their candidates (n x k,
        returned sorted along each row with the costs); inf for candidates that are not allowed or
        repeated in a row (only the other pairs are computed, as one vector: a third to half are out)."""
        cand = np.sort(cand, axis=1)
        ok = (cand >= 0) & (cand < size)
        ok[:, 1:] &= cand[:, 1:] != cand[:, :-1]
        ok[ok] = source_ok[cand[ok]]
        rows, cols = np.nonzero(ok)
        at, c = pix[rows], cand[rows, cols]
        total = np.zeros(c.size, np.float32)
        wsum = np.zeros(pix.size, np.float32)
        for o in offsets:
            d = grey[c + o] - grey[at + o]
            d *= d
            d *= weight[at + o]
            total += d
            wsum += weight[pix + o]
        total /= wsum[rows]
        # colour on a sparse 3x3 grid of the patch: brightness alone drew red and blue pieces of a
        # shirt into denim
        hue = np.zeros(c.size, np.float32)
        wsum[:] = 0
        for o in sparse if coloured else ():
            d = red[c + o] - red[at + o]
            e = blue[c + o] - blue[at + o]
            d *= d
            e *= e
            d += e
            d *= weight[at + o]
            hue += d
            wsum += weight[pix + o]
        if coloured:
            total += np.float32(SYNTH_CHROMA) * hue / wsum[rows]
        # plain patches match a guess best (the squared difference of a flat patch from a texture is
        # half that of the same texture misaligned): a source whose contrast falls short of the
        # contrast round the pixel pays for it, else the fill drifts to flat pieces, a smooth band
        short = np.maximum(expect[at] - spread[c], 0)
        total += np.float32(SYNTH_CONTRAST) * short * short
        full = np.full(cand.shape, np.inf, np.float32)
        full[rows, cols] = total
        return full, cand

    def better(pix, cand, best, best_cost, factor=1.0):
        c, cand = costs(pix, cand)
        c *= np.float32(factor)
        i = c.argmin(axis=1)
        rows = np.arange(pix.size)
        won = c[rows, i] < best_cost
        best[won] = cand[rows, i][won]
        best_cost[won] = c[rows, i][won]

    def adopt(pix, best):
        """The pixels with a source copy it."""
        got = best >= 0
        at, source = pix[got], best[got]
        cur[at], grey[at], red[at], blue[at] = cur[source], grey[source], red[source], blue[source]
        source_of[at] = source

    dist = cv2.distanceTransform(pending.astype(np.uint8), cv2.DIST_L2, 5)
    py, px = np.nonzero(pending)
    layer = np.ceil(dist[py, px] - 1e-3).astype(np.int64)
    order = np.argsort(layer, kind="stable")
    py, px, layer = py[order], px[order], layer[order]
    starts = np.searchsorted(layer, np.arange(layer.min(), layer.max() + 2))
    for a, b in zip(starts[:-1], starts[1:]):
        if a == b:
            continue
        pix = py[a:b].astype(np.int64) * wp + px[a:b]
        n = pix.size
        best = np.full(n, -1, np.int64)
        best_cost = np.full(n, np.inf, np.float32)
        near = source_of[pix[:, None] + neighbours]
        better(pix, np.where(near >= 0, near - neighbours, -1), best, best_cost)
        best_cost *= np.float32(1.0 - SYNTH_COHERENCE)
        dy, dx = rng.integers(-reach, reach + 1, (2, SYNTH_SHIFTS))
        better(pix, pix[:, None] + (dy * wp + dx), best, best_cost)
        jy, jx = rng.integers(-SYNTH_JITTER, SYNTH_JITTER + 1, (2, n, 3))
        better(pix, np.where(best[:, None] >= 0, best[:, None] + jy * wp + jx, -1), best, best_cost)
        for _ in range(SYNTH_PROP):
            source_of[pix] = best
            near = source_of[pix[:, None] + neighbours]
            better(pix, np.where(near >= 0, near - neighbours, -1), best, best_cost, 1.0 - SYNTH_COHERENCE)
        adopt(pix, best)
        weight[pix] = 1.0
    # then, everything filled, each pixel tries its neighbours' sources again, matched on whole
    # patches (PatchMatch's propagation and random search, all pixels at once)
    pix = py.astype(np.int64) * wp + px
    for _ in range(SYNTH_PASSES):
        best = source_of[pix].copy()
        best_cost = np.full(pix.size, np.inf, np.float32)
        better(pix, best[:, None], best, best_cost)
        near = source_of[pix[:, None] + neighbours]
        better(pix, np.where(near >= 0, near - neighbours, -1), best, best_cost)
        jy, jx = rng.integers(-SYNTH_JITTER, SYNTH_JITTER + 1, (2, pix.size, 3))
        better(pix, np.where(best[:, None] >= 0, best[:, None] + jy * wp + jx, -1), best, best_cost)
        adopt(pix, best)
    # voting (as in Wexler et al.): each pixel becomes the mean of what its synthesised neighbours'
    # sources, moved along, say it is; where neighbours copy different pieces, pixel-sized speckle
    # finer than the texture itself turned into a blend
    total = np.zeros((pix.size, 3), np.float32)
    count = np.zeros(pix.size, np.float32)
    for dy in range(-SYNTH_VOTE, SYNTH_VOTE + 1):
        for dx in range(-SYNTH_VOTE, SYNTH_VOTE + 1):
            o = dy * wp + dx
            said = source_of[pix + o]
            ok = said >= 0
            total[ok] += cur[said[ok] - o]
            count += ok
    voted = count > 0
    cur[pix[voted]] = total[voted] / count[voted][:, None]
    area = cur.reshape(h + 2 * r, wp, 3)[r:r + h, r:r + w]
    inside = todo[Y0:Y1, X0:X1]
    out[Y0:Y1, X0:X1][inside] = area[inside]


def _pieces_along(comp: np.ndarray) -> list[np.ndarray]:
    """A glyph group cut across its longer side into pieces about as long as it is thick: a group
    of several letters crosses several backgrounds (knit, then a smooth face, then a blurred
    railing), and each piece is judged on the rim round it."""
    ys, xs = np.nonzero(comp)
    along = xs if np.ptp(xs) >= np.ptp(ys) else ys
    length = max(TEXTURE_PIECE_MIN, min(np.ptp(xs), np.ptp(ys)) + 1)
    count = max(1, int(round((np.ptp(along) + 1) / length)))
    edges = np.linspace(along.min(), along.max() + 1, count + 1)
    pieces = []
    for a, b in zip(edges[:-1], edges[1:]):
        piece = np.zeros_like(comp)
        inside = (along >= a) & (along < b)
        piece[ys[inside], xs[inside]] = True
        if piece.any():
            pieces.append(piece)
    return pieces


def _best_shift(src: np.ndarray, mask: np.ndarray, region: np.ndarray, y0: int, x0: int, reach: int,
                across: int | None = None):
    """(dy, dx) whose copy of the photo best matches the rim of unmasked pixels round `region` (bool,
    placed at y0, x0), when it matches well next to the rim's own variation; "smooth" when the rim
    is smooth (the membrane is right); None when no shift fits. `across` (0: rows, 1: columns): only
    shifts mostly along that axis, at most SHIFT_ASIDE of the reach off it."""
    from scipy import ndimage

    h, w = mask.shape
    rh, rw = region.shape
    ring = ndimage.binary_dilation(region, iterations=3) & ~mask[y0:y0 + rh, x0:x0 + rw]
    cy, cx = np.nonzero(region)
    ry, rx = np.nonzero(ring)
    if ry.size < 8:
        return None
    ring_vals = src[y0 + ry, x0 + rx]
    variance = float(ring_vals.var(axis=0).sum())
    if variance < 20.0:
        return "smooth"

    def cost_of(dy: int, dx: int) -> float | None:
        """How far the rim shifted by (dy, dx) is from the rim; None where the copy would take
        masked or outside pixels."""
        if abs(dy) < 2 and abs(dx) < 2:
            return None
        if across is not None and abs((dx, dy)[across]) > SHIFT_ASIDE * reach:
            return None
        sy, sx = y0 + cy + dy, x0 + cx + dx
        if sy.min() < 0 or sx.min() < 0 or sy.max() >= h or sx.max() >= w:
            return None
        if mask[sy, sx].any():
            return None
        qy, qx = y0 + ry + dy, x0 + rx + dx
        ok = (qy >= 0) & (qx >= 0) & (qy < h) & (qx < w)
        if ok.mean() < 0.8:
            return None
        ok &= ~mask[np.clip(qy, 0, h - 1), np.clip(qx, 0, w - 1)]
        if ok.mean() < 0.8:
            return None
        diff = src[qy[ok], qx[ok]] - ring_vals[ok]
        return float((diff ** 2).sum(axis=1).mean()) + 0.5 * (dy * dy + dx * dx) / reach

    step = max(2, reach // 4)
    best, best_cost = None, None
    # centred on no shift: straight up, down or across are on the grid whatever the reach
    steps = range(-(reach // step) * step, reach + 1, step)
    grid = [(dy, dx) for dy in steps for dx in steps]
    while grid:
        for dy, dx in grid:
            cost = cost_of(dy, dx)
            if cost is not None and (best_cost is None or cost < best_cost):
                best, best_cost = (dy, dx), cost
        # the grid is a few pixels apart: a mortar joint or a stripe lines up only at its own
        # offset, found by halving the step round the best so far
        step //= 2
        grid = [] if best is None or step < 1 else [
            (best[0] + dy, best[1] + dx) for dy in (-step, 0, step) for dx in (-step, 0, step) if dy or dx]
    if best is None or best_cost > SHIFT_TAU * 2 * variance:
        return None
    return best


def _paste_shifted(src: np.ndarray, out: np.ndarray, region: np.ndarray, y0: int, x0: int, shift) -> None:
    """`region` (placed at y0, x0) gets the photo shifted by `shift` plus the membrane fill of the
    difference on its rim (seamless, as in Poisson cloning)."""
    h, w = src.shape[:2]
    dy, dx = shift
    rh, rw = region.shape
    yy, xx = np.mgrid[y0:y0 + rh, x0:x0 + rw]
    shifted = src[np.clip(yy + dy, 0, h - 1), np.clip(xx + dx, 0, w - 1)]
    residual = harmonic_fill(out[y0:y0 + rh, x0:x0 + rw] - shifted, region)
    patch = out[y0:y0 + rh, x0:x0 + rw]
    patch[region] = shifted[region] + residual[region]


def _shift_fill(src: np.ndarray, mask: np.ndarray, out: np.ndarray, blocked: np.ndarray | None = None) -> np.ndarray:
    """Where the surroundings of a glyph are a texture that repeats nearby (bricks, stripes, lines),
    the glyph is filled with a shifted copy of its neighbourhood, blended seamlessly (_best_shift,
    _paste_shifted). A glyph group that no single shift fits (several letters across mortar joints
    spaced unevenly) is tried again piece by piece along the line; where even that fails (unpredictable
    texture, smooth areas), the membrane fill stays. Returns a uint8 map of the pieces left, judged on
    the rim round each (_textured_rim): 1 where it is a texture (knit, grass, hair), 2 where it is
    coarser structure (a blurred railing), 0 elsewhere; the caller synthesises texture there
    (_synthesise). `blocked` (a superset of `mask`): pixels neither copied nor read as rim."""
    from scipy import ndimage

    blocked = mask if blocked is None else blocked
    h, w = mask.shape
    texture = np.zeros(mask.shape, np.uint8)
    labels, _count = ndimage.label(mask)
    for k, sl in enumerate(ndimage.find_objects(labels), start=1):
        if sl is None:
            continue
        ch, cw = sl[0].stop - sl[0].start, sl[1].stop - sl[1].start
        reach = int(min(32, max(6, max(ch, cw) // 2 + 4)))
        y0, y1 = max(0, sl[0].start - 3), min(h, sl[0].stop + 3)
        x0, x1 = max(0, sl[1].start - 3), min(w, sl[1].stop + 3)
        comp = labels[y0:y1, x0:x1] == k
        if comp.sum() < 6:
            continue
        shift = _best_shift(src, blocked, comp, y0, x0, reach)
        if shift == "smooth":
            continue
        if shift is not None:
            _paste_shifted(src, out, comp, y0, x0, shift)
            continue
        pieces = _pieces_along(comp)
        gy, gx = np.nonzero(comp)
        across = 0 if np.ptp(gx) >= np.ptp(gy) else 1   # the pieces are cut along the longer side
        for piece in pieces:
            if len(pieces) > 1:
                ys, xs = np.nonzero(piece)
                # a piece is cut out of a wider group: its source may lie beyond the group, farther out
                # ... and only from straight across the line: the rim of a piece is what lies above
                # and below it (its neighbours are masked), and a copy from aside matched on that
                # alone put a piece of a white shirt into a black coat
                piece_reach = int(min(SHIFT_PIECE_REACH, max(6, max(np.ptp(ys), np.ptp(xs)) + 8)))
                shift = _best_shift(src, blocked, piece, y0, x0, piece_reach, across=across)
                if shift == "smooth":
                    continue
                if shift is not None:
                    _paste_shifted(src, out, piece, y0, x0, shift)
                    continue
            piece_ring = ndimage.binary_dilation(piece, iterations=3) & ~blocked[y0:y1, x0:x1]
            if piece_ring.sum() >= 8:
                kind = _textured_rim(src, blocked, piece_ring, y0, x0)
                if kind:
                    texture[y0:y1, x0:x1][piece] = kind
    return texture


def _profile(image: np.ndarray, points: np.ndarray, normal: np.ndarray, offsets: np.ndarray) -> np.ndarray | None:
    """The photo across a line (RGB at `offsets` along `normal`), averaged over `points` (k x 2, x y),
    or None where a sample leaves the photo."""
    from scipy import ndimage

    xs = (points[:, 0, None] + normal[0] * offsets[None, :]).ravel()
    ys = (points[:, 1, None] + normal[1] * offsets[None, :]).ravel()
    h, w = image.shape[:2]
    if xs.min() < 0 or ys.min() < 0 or xs.max() > w - 1 or ys.max() > h - 1:
        return None
    values = np.stack([ndimage.map_coordinates(image[..., c], [ys, xs], order=1, mode="nearest")
                       for c in range(image.shape[2])], axis=-1)
    return values.reshape(len(points), len(offsets), image.shape[2]).mean(axis=0)


def _line_gap(mask: np.ndarray, end: np.ndarray, direction: np.ndarray) -> tuple[int, int] | None:
    """Steps along `direction` from a segment's `end` where the mask starts (within LINE_REACH) and
    where the line comes out of it again for good (3 clear pixels), or None."""
    h, w = mask.shape
    steps = np.arange(LINE_MAX_GAP + LINE_REACH + 4)
    xs, ys = (end[:, None] + direction[:, None] * steps).round().astype(int)
    inside = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)
    masked = np.zeros(steps.size, bool)
    masked[inside] = mask[ys[inside], xs[inside]]
    first = np.flatnonzero(masked[:LINE_REACH + 1])
    if first.size == 0:
        return None
    entry = int(first[0])
    clear = ~masked[entry:] & inside[entry:]
    runs = np.flatnonzero(clear[:-2] & clear[1:-1] & clear[2:])   # three clear pixels in a row
    if runs.size == 0 or not inside[entry:entry + runs[0] + 3].all():
        return None
    exit_ = entry + int(runs[0])
    return (entry, exit_) if 2 <= exit_ - entry <= LINE_MAX_GAP else None


def _continue_lines(src: np.ndarray, mask: np.ndarray, membrane: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Straight structure the text crossed (a tripod leg, a lamp post, a coat's edge, a joint of a
    wall): every segment the line segment detector finds on the membrane-filled photo (the letters
    gone, so their own edges are not found) that runs into the mask is followed to where it comes out;
    when the photo across the line there matches the photo across it before the gap (allowing a
    little drift), the band along the line through the mask is painted by blending the two profiles.
    Returns (the band's pixels, the photo with them painted); the fill then treats them as known, so
    the rest bends round the line instead of smearing it away."""
    import cv2

    band = np.zeros_like(mask)
    painted = src.copy()
    # the whole photo, not a crop round the text: the detector's threshold depends on the image's size
    grey = np.clip(membrane @ _LUMA + 0.5, 0, 255).astype(np.uint8)
    segments = cv2.createLineSegmentDetector().detect(grey)[0]
    if segments is None:
        return band, painted
    h, w = mask.shape
    near = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    reach = cv2.dilate(mask.astype(np.uint8), np.ones((2 * LINE_REACH + 3,) * 2, np.uint8)) > 0
    segments = segments.reshape(-1, 4).astype(np.float64)
    lengths = np.hypot(segments[:, 2] - segments[:, 0], segments[:, 3] - segments[:, 1])
    ends = np.clip(segments.round().astype(int), 0, [w - 1, h - 1, w - 1, h - 1])
    # only long segments with an end close to the text can run into it
    keep = (lengths >= LINE_MIN_LENGTH) & (reach[ends[:, 1], ends[:, 0]] | reach[ends[:, 3], ends[:, 2]])
    offsets = np.arange(-LINE_HALF_WIDTH, LINE_HALF_WIDTH + 1, dtype=np.float64)
    for (ax, ay, bx, by), length in zip(segments[keep], lengths[keep]):
        t = np.linspace(0, 1, int(length) + 1)
        along_x = np.clip((ax + t * (bx - ax)).round().astype(int), 0, w - 1)
        along_y = np.clip((ay + t * (by - ay)).round().astype(int), 0, h - 1)
        if near[along_y, along_x].mean() > 1 - LINE_OUTSIDE:
            continue
        for end, start in (((bx, by), (ax, ay)), ((ax, ay), (bx, by))):
            end = np.array(end)
            direction = (end - np.array(start)) / length
            gap = _line_gap(mask, end, direction)
            if gap is None or gap[1] - gap[0] > LINE_EXTEND * length:
                continue
            normal = np.array([-direction[1], direction[0]])
            p0 = end + direction * (gap[0] - 1)
            p1 = end + direction * gap[1]
            before = _profile(membrane, p0 - direction * np.arange(2, 6)[:, None], normal, offsets)
            if before is None:
                continue
            grey_before = before @ _LUMA
            if np.ptp(grey_before) < LINE_CONTRAST:
                continue
            best = None
            for slide in range(-LINE_MATCH_SLIDE, LINE_MATCH_SLIDE + 1):
                after = _profile(membrane, p1 + direction * np.arange(2, 6)[:, None], normal, offsets + slide)
                if after is None:
                    continue
                grey_after = after @ _LUMA
                if grey_after.std() < 1e-6:
                    continue
                match = float(np.corrcoef(grey_before, grey_after)[0, 1])
                if best is None or match > best[0]:
                    best = (match, float(np.abs(before - after).mean()), slide, after)
            if best is None or best[0] < LINE_MATCH or best[1] > LINE_MATCH_DIFF:
                continue
            _match, _diff, slide, after = best
            span = float(np.linalg.norm(p1 - p0))
            bx0, by0 = (np.minimum(p0, p1) - LINE_HALF_WIDTH - 1).astype(int).clip(0)
            bx1, by1 = np.minimum((np.maximum(p0, p1) + LINE_HALF_WIDTH + 2).astype(int), (w, h))
            yy, xx = np.mgrid[by0:by1, bx0:bx1]
            rel = np.stack([xx - p0[0], yy - p0[1]], axis=-1)
            frac = (rel @ direction) / max(span, 1e-6)
            across = rel @ normal - slide * np.clip(frac, 0, 1)
            inside = mask[by0:by1, bx0:bx1] & (frac >= 0) & (frac <= 1) & (np.abs(across) <= LINE_HALF_WIDTH)
            if not inside.any():
                continue
            f, o = frac[inside][:, None], across[inside]
            first = np.stack([np.interp(o, offsets, before[:, c]) for c in range(src.shape[2])], axis=-1)
            second = np.stack([np.interp(o, offsets, after[:, c]) for c in range(src.shape[2])], axis=-1)
            painted[yy[inside], xx[inside]] = (1 - f) * first + f * second
            band[yy[inside], xx[inside]] = True
    return band, painted


def _membranes(src: np.ndarray, mask: np.ndarray, previous: np.ndarray | None = None,
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
    out = _membranes(src, mask)
    if CHROMA_CLEAR:
        _chroma_from_afar(src, mask, out)
    return out


def fill_layers(rgb: np.ndarray, mask: np.ndarray, avoid: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(the default fill, the membrane fill alone), uint8 HxWx3 each. The default: straight structure
    continued through the mask first (_continue_lines), the membrane fill round it, then shifted texture where the surroundings repeat (_shift_fill), and synthesised texture where
    they are textured but do not repeat (_synthesise): its detail on the membrane fill
    (_keep_detail). New text drawn over a fill reads better on the smooth one (modify_text). `avoid`:
    pixels never copied into the fill (other lines of text beside the one being replaced)."""
    src = rgb.astype(np.float64)
    out = _membranes(src, mask)
    band, painted = _continue_lines(src, mask, out)
    if band.any():
        src, mask = painted, mask & ~band
        out = _membranes(src, mask, previous=out, touched=band)
    if CHROMA_CLEAR and mask.any():
        _chroma_from_afar(src, mask, out)
    membrane = out.copy()
    blocked = mask if avoid is None else mask | avoid
    texture = _shift_fill(src, mask, out, blocked)
    if texture.any():
        shifted = out.copy()
        _synthesise(src, blocked, texture > 0, out)
        for kind, sigma in ((1, SYNTH_DETAIL), (2, SYNTH_STRUCTURE)):
            if (texture == kind).any():
                _keep_detail(shifted, out, texture == kind, sigma)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8), np.clip(membrane + 0.5, 0, 255).astype(np.uint8)


def _chroma_from_afar(src: np.ndarray, mask: np.ndarray, out: np.ndarray) -> None:
    """The membrane fill's colour (chroma; its brightness stays) from the photo CHROMA_CLEAR pixels
    further out. A JPEG keeps colour at half resolution and rings round sharp edges, so the pixels
    just beyond the glyphs still hold some of the text's colour, and a fill from them tinted the
    letters' place (yellow text on grey grass left a yellowish band). Chroma is smooth: it is filled
    at half size."""
    import cv2
    from scipy import ndimage

    grown = ndimage.binary_dilation(mask, iterations=CHROMA_CLEAR)
    y0, y1, x0, x1 = _bbox(grown, 4)
    area = src[y0:y1, x0:x1]
    h, w = y1 - y0, x1 - x0
    luma = area @ _LUMA
    chroma = area - luma[..., None]
    small = cv2.resize(chroma, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)
    small_mask = cv2.resize(grown[y0:y1, x0:x1].astype(np.uint8), (small.shape[1], small.shape[0]),
                            interpolation=cv2.INTER_AREA) > 0
    small_mask[0, :] = small_mask[-1, :] = small_mask[:, 0] = small_mask[:, -1] = False
    filled = cv2.resize(harmonic_fill(small, small_mask), (w, h), interpolation=cv2.INTER_LINEAR)
    inside = mask[y0:y1, x0:x1]
    patch = out[y0:y1, x0:x1]
    near = patch[inside] - (patch[inside] @ _LUMA)[:, None]
    far = filled[inside]
    # where the photo round the text has little colour of its own (grey grass, a black-and-white
    # photo) any tint shows and the far colour is right; a colourful photo (an orange suit beside a
    # black helmet) changes colour over a few pixels, and the near rim is the better guess there
    grey = np.clip((CHROMA_GREY[1] - np.abs(far).max(axis=1)) / (CHROMA_GREY[1] - CHROMA_GREY[0]), 0, 1)[:, None]
    patch[inside] = (patch[inside] @ _LUMA)[:, None] + grey * far + (1 - grey) * near


def _keep_detail(membrane: np.ndarray, out: np.ndarray, todo: np.ndarray, sigma: float) -> None:
    """On the `todo` pixels, `out` (synthesised) becomes the membrane fill's shading plus the
    synthesised detail: each blurred (`sigma`) over the `todo` pixels alone, the detail being `out`
    minus its blur. Copied pieces a little brighter or darker than the photo they replace would
    otherwise show the letters' outline, and the membrane is the better guess of the shading (of
    several ways tried, this cost the least PSNR for the same texture)."""
    pad = int(3 * sigma) + 1
    y0, y1, x0, x1 = _bbox(todo, pad)
    inside = todo[y0:y1, x0:x1]
    synth, smooth = out[y0:y1, x0:x1], membrane[y0:y1, x0:x1]
    shading = _masked_blur(smooth, ~inside, sigma)
    detail = synth - _masked_blur(synth, ~inside, sigma)
    synth[inside] = shading[inside] + detail[inside]


def remove_text(image: Image.Image, mask: Image.Image, *, method: str = "default", learned=None) -> Image.Image:
    """Fills the pixels where `mask` (L, >127 = text) is set. Returns a new image, same mode.
    `learned`: for method "lama", the loaded network (ml.text.lama.LamaInpainter, or anything with
    its `fill(rgb, mask) -> rgb`)."""
    import cv2

    if method not in METHODS:
        raise TextError("bad_option", f"removal method {method!r} is not one of {', '.join(METHODS)}")
    if method == "lama" and learned is None:
        raise TextError("model_missing", "the lama method needs its network (ml.text.lama.LamaInpainter)")
    mode = image.mode
    rgb = np.asarray(image.convert("RGB"))
    m = np.asarray(mask.convert("L").resize(image.size) if mask.size != image.size else mask.convert("L")) > 127
    if not m.any():
        return image.copy()
    if method == "telea":
        out = cv2.inpaint(rgb, m.astype(np.uint8) * 255, 3, cv2.INPAINT_TELEA)
    elif method == "ns":
        out = cv2.inpaint(rgb, m.astype(np.uint8) * 255, 3, cv2.INPAINT_NS)
    elif method == "lama":
        out = learned.fill(rgb, m)
    else:
        out = fill_layers(rgb, m)[0]
    result = Image.fromarray(out, "RGB")
    if mode == "RGBA":
        result.putalpha(image.getchannel("A"))
    elif mode in ("L", "LA"):
        result = result.convert(mode) if mode == "L" else Image.merge("LA", (result.convert("L"), image.getchannel("A")))
    return result


# --- masks --------------------------------------------------------------------------------------

def _expand(quad, by: float):
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


def _palette(colours: np.ndarray, k: int) -> list[np.ndarray]:
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
    face or wall (tr_014: 6.5 grey levels darker inside the glyphs). A shadow drawn by a design tool
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
    for colour in _palette(ring_px, 3):
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
    outer, line_h, _line_w, _c = _expand(quad, grow)
    region = np.zeros((h, w), np.uint8)
    cv2.fillPoly(region, [np.round(outer).astype(np.int32)], 1)
    inner = np.zeros((h, w), np.uint8)
    cv2.fillPoly(inner, [np.round(np.float64(quad)).astype(np.int32)], 1)
    if not region.any():
        return np.zeros((h, w), bool), []
    y0, y1, x0, x1 = _bbox(region > 0, 2)
    sub = rgb[y0:y1, x0:x1].astype(np.float64)
    reg = region[y0:y1, x0:x1] > 0
    # background estimate from the rim of the enlarged quad, on a copy shrunk to about 8 px per line
    # height: it is smooth anyway, and the sparse solve at full size was a third of the mask's time
    # (same removal scores: 27.93 dB / 0.778 against 27.91 / 0.779 at line_h // 24)
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
    for colour in _palette(sub[strong], 4):
        close = np.abs(sub - colour).max(axis=2) < COLOUR_TOL
        f_inner = close[inner_sub].mean() if inner_sub.any() else 0.0
        f_rim = close[rim].mean() if rim.any() else 0.0
        if f_inner > 2.5 * f_rim + 0.01:
            kept.append(colour)
    if not kept:
        kept = _palette(sub[strong], 1)
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


def remove_lines(image: Image.Image, quads, *, method: str = "default", dilate: int = 2, learned=None) -> Image.Image:
    """text_mask + remove_text."""
    return remove_text(image, text_mask(image, quads, dilate=dilate), method=method, learned=learned)
