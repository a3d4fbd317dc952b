"""A small TorchScript network with big-lama.pt's contract, to exercise the studio's LaMa code
(loading, cropping, scaling, padding, compositing, the registry, the job) where the real weights
cannot be had. It checks what it is given the way the real export would fail on it (sizes that
are multiples of 8, an image in 0..1, a mask of 0/1) and fills the hole with a normalised blur of
the known pixels: a plain, predictable answer the tests can check."""

from __future__ import annotations

import warnings
from pathlib import Path


def write_lama_compatible(path: Path) -> Path:
    import torch
    import torch.nn.functional as F

    class LamaCompatible(torch.nn.Module):
        def forward(self, image: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            torch._assert(image.dim() == 4 and image.shape[1] == 3, "image must be [1, 3, H, W]")
            torch._assert(mask.shape[1] == 1 and mask.shape[2:] == image.shape[2:], "mask must be [1, 1, H, W]")
            torch._assert(image.shape[2] % 8 == 0 and image.shape[3] % 8 == 0, "H and W must be multiples of 8")
            torch._assert(bool(image.min() >= 0.0) and bool(image.max() <= 1.0), "image must lie in 0..1")
            torch._assert(bool(((mask == 0) | (mask == 1)).all()), "mask must be 0 or 1")
            known = 1.0 - mask
            total = (image * known).sum(dim=(2, 3), keepdim=True) / known.sum(dim=(2, 3), keepdim=True).clamp(min=1.0)
            near = F.avg_pool2d(image * known, 31, stride=1, padding=15, count_include_pad=False)
            weight = F.avg_pool2d(known, 31, stride=1, padding=15, count_include_pad=False)
            guess = torch.where(weight > 0.01, near / weight.clamp(min=0.01), total)
            return image * known + guess * mask

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)   # the real file is TorchScript, so this is too
        torch.jit.script(LamaCompatible()).save(str(path))
    return path
