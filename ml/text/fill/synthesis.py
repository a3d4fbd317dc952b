"""Texture that no shift predicts (knit, grass, hair, denim), synthesised pixel by pixel.

A piece of a glyph group is judged on the rim round it (textured_rim): a texture (fine detail strong
on most of it - less on a dark photo, in proportion to the square of its brightness - as strong as
the coarser variation, spread evenly, in one family of colours), or coarser structure spread as
evenly (a blurred railing), but not a logo, a badge, tripod legs or folds of a suit. There texture
is synthesised (synthesise): onion-peel layers from the rim inwards, each layer vectorised; every
pixel copies the source position (unmasked photo within reach) whose 7x7 patch best matches what is
known or filled round it, among its filled neighbours' sources moved along (coherence: runs of
pixels copy one piece of texture), random offsets shared by the layer and jitters round the best; a
source flatter than the photo round the pixel pays for it (flat pieces match any guess best and left
a smooth band). A whole-patch pass of propagation and random search and a 3x3 vote (Wexler-style)
ends it. Only the synthesised detail (keep_detail: minus its blur inside the glyphs) goes on the
membrane fill, which keeps the shading: texture that does not line up with the lost one doubles the
error where it is added, which the membrane avoids, so smooth rims keep the membrane. Mirrored
high-pass detail (texture without matching) was tried and is not used (bench/RESULTS-text.md)."""

from __future__ import annotations

import numpy as np

from ml.text.geometry import mask_bounds

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


def masked_blur(src: np.ndarray, mask: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur of the unmasked pixels only (the text would otherwise bleed into the rim's detail)."""
    import cv2

    known = (~mask).astype(np.float32)
    num = cv2.GaussianBlur(src.astype(np.float32) * known[..., None], (0, 0), sigma)
    den = cv2.GaussianBlur(known, (0, 0), sigma)
    return num / np.maximum(den, 1e-3)[..., None]


def textured_rim(src: np.ndarray, mask: np.ndarray, ring: np.ndarray, y0: int, x0: int) -> int:
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
    fine_blur, coarse_blur = masked_blur(area, known, TEXTURE_BLUR), masked_blur(area, known, TEXTURE_COARSE)
    ry, rx = y0 + ry - Y0, x0 + rx - X0
    colours = area[ry, rx]
    fine = ((colours - fine_blur[ry, rx]) ** 2).sum(axis=1)
    coarse = ((fine_blur[ry, rx] - coarse_blur[ry, rx]) ** 2).sum(axis=1)
    level, coarse_level = float(np.median(fine)), float(np.median(coarse))
    hues = float((colours - colours.mean(axis=1, keepdims=True)).std(axis=0).sum())
    if float(fine.mean()) > TEXTURE_EVEN * level or hues >= TEXTURE_HUES:
        return 0
    # a dark photo's detail is as plain to the eye as a bright one's at a fraction of its energy
    # (dark curly hair against grass, bench/RESULTS-text.md); the grain of a dark sky is as strong,
    # but has no coarser variation with it
    threshold = TEXTURE_MIN
    if coarse_level >= TEXTURE_DARK_COARSE * level:
        brightness = min(1.0, float(colours.mean()) / 128.0)
        threshold = max(TEXTURE_DARK_MIN, TEXTURE_MIN * brightness ** 2)
    if level > threshold and level >= TEXTURE_FINE * coarse_level:
        return 1
    if level > STRUCTURE_FINE and coarse_level > STRUCTURE_MIN and float(fine.mean()) <= STRUCTURE_EVEN * level:
        return 2
    return 0


def synthesise(src: np.ndarray, mask: np.ndarray, todo: np.ndarray, out: np.ndarray) -> None:
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
    (keep_detail). Deterministic (a fixed seed)."""
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


def keep_detail(membrane: np.ndarray, out: np.ndarray, todo: np.ndarray, sigma: float) -> None:
    """On the `todo` pixels, `out` (synthesised) becomes the membrane fill's shading plus the
    synthesised detail: each blurred (`sigma`) over the `todo` pixels alone, the detail being `out`
    minus its blur. Copied pieces a little brighter or darker than the photo they replace would
    otherwise show the letters' outline, and the membrane is the better guess of the shading (of
    several ways tried, this cost the least PSNR for the same texture)."""
    pad = int(3 * sigma) + 1
    y0, y1, x0, x1 = mask_bounds(todo, pad)
    inside = todo[y0:y1, x0:x1]
    synth, smooth = out[y0:y1, x0:x1], membrane[y0:y1, x0:x1]
    shading = masked_blur(smooth, ~inside, sigma)
    detail = synth - masked_blur(synth, ~inside, sigma)
    synth[inside] = shading[inside] + detail[inside]
