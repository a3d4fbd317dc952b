"""MODNet (Ke et al., "MODNet: Trimap-Free Portrait Matting in Real Time", AAAI 2022), our own code.

The module tree mirrors the official `src/models/modnet.py` (ZHKKKe/MODNet, Apache-2.0) exactly, so that
the official pretrained checkpoints load with ``strict=True`` once their DataParallel ``module.``
prefix is stripped: a MobileNetV2 backbone (``backbone.model.features.0..18``, shared with
``lr_branch.backbone``), the low-resolution (semantic) branch with an SE block, the high-resolution
(detail) branch and the fusion branch, all built from conv + IBNorm (half batch norm, half instance
norm) + ReLU units. Only the inference path is used here: the training-only heads (``lr_branch.conv_lr``,
``hr_branch.conv_hr``) exist so that the state dict matches, but are not run.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

# MobileNetV2 stages: (expansion, output channels, repeats, first stride); width multiplier 1.0.
_MOBILENET_V2_STAGES = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                        (6, 160, 3, 2), (6, 320, 1, 1))
# Encoder outputs taken after these feature indices: 2x, 4x, 8x, 16x and 32x down.
_STAGE_ENDS = (2, 4, 7, 14, 19)
ENC_CHANNELS = (16, 24, 32, 96, 1280)


def _conv_bn_relu6(cin: int, cout: int, kernel: int, stride: int = 1, groups: int = 1) -> list[nn.Module]:
    return [nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False), nn.BatchNorm2d(cout),
            nn.ReLU6(inplace=True)]


class InvertedResidual(nn.Module):
    """MobileNetV2 block: (1x1 expand) -> 3x3 depthwise -> 1x1 linear projection, residual when shapes allow."""

    def __init__(self, cin: int, cout: int, stride: int, expansion: int) -> None:
        super().__init__()
        hidden = round(cin * expansion)
        self.use_residual = stride == 1 and cin == cout
        layers: list[nn.Module] = []
        if expansion != 1:
            layers += _conv_bn_relu6(cin, hidden, 1)
        layers += _conv_bn_relu6(hidden, hidden, 3, stride, groups=hidden)
        layers += [nn.Conv2d(hidden, cout, 1, 1, 0, bias=False), nn.BatchNorm2d(cout)]
        self.conv = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv(x) if self.use_residual else self.conv(x)


class MobileNetV2Features(nn.Module):
    """MobileNetV2 without its classifier; ``features`` holds the 19 layers of the reference network."""

    def __init__(self, in_channels: int = 3) -> None:
        super().__init__()
        layers: list[nn.Module] = [nn.Sequential(*_conv_bn_relu6(in_channels, 32, 3, 2))]
        cin = 32
        for expansion, cout, repeats, stride in _MOBILENET_V2_STAGES:
            for i in range(repeats):
                layers.append(InvertedResidual(cin, cout, stride if i == 0 else 1, expansion))
                cin = cout
        layers.append(nn.Sequential(*_conv_bn_relu6(cin, 1280, 1)))
        self.features = nn.Sequential(*layers)


class MobileNetV2Backbone(nn.Module):
    def __init__(self, in_channels: int = 3) -> None:
        super().__init__()
        self.model = MobileNetV2Features(in_channels)
        self.enc_channels = list(ENC_CHANNELS)

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        outputs, start = [], 0
        for end in _STAGE_ENDS:
            for index in range(start, end):
                x = self.model.features[index](x)
            outputs.append(x)
            start = end
        return outputs


class IBNorm(nn.Module):
    """Batch norm on the first half of the channels, instance norm (no affine) on the rest.

    As in the reference, the instance-norm input is ``x[:, inorm_channels:]``; for the even channel
    counts MODNet uses this is exactly the second half.
    """

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.bnorm_channels = channels // 2
        self.inorm_channels = channels - self.bnorm_channels
        self.bnorm = nn.BatchNorm2d(self.bnorm_channels, affine=True)
        self.inorm = nn.InstanceNorm2d(self.inorm_channels, affine=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b = self.bnorm(x[:, :self.bnorm_channels].contiguous())
        i = self.inorm(x[:, self.inorm_channels:].contiguous())
        return torch.cat((b, i), 1)


class Conv2dIBNormRelu(nn.Module):
    def __init__(self, cin: int, cout: int, kernel: int, stride: int = 1, padding: int = 0, *,
                 with_ibn: bool = True, with_relu: bool = True) -> None:
        super().__init__()
        layers: list[nn.Module] = [nn.Conv2d(cin, cout, kernel, stride=stride, padding=padding, bias=True)]
        if with_ibn:
            layers.append(IBNorm(cout))
        if with_relu:
            layers.append(nn.ReLU(inplace=True))
        self.layers = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)


class SEBlock(nn.Module):
    """Squeeze-and-excitation channel attention (Hu et al. 2018)."""

    def __init__(self, channels: int, reduction: int = 1) -> None:
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        hidden = channels // reduction
        self.fc = nn.Sequential(nn.Linear(channels, hidden, bias=False), nn.ReLU(inplace=True),
                                nn.Linear(hidden, channels, bias=False), nn.Sigmoid())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c = x.shape[:2]
        weight = self.fc(self.pool(x).reshape(b, c)).reshape(b, c, 1, 1)
        # expand_as as the official code does: the same numbers as broadcasting, and an ONNX export with
        # the official graph's operators (Shape, Expand) in the same order (bench/modnet_provenance.py)
        return x * weight.expand_as(x)


def _up2(x: torch.Tensor) -> torch.Tensor:
    return F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)


def _down(x: torch.Tensor, factor: float) -> torch.Tensor:
    return F.interpolate(x, scale_factor=factor, mode="bilinear", align_corners=False)


class LRBranch(nn.Module):
    """Semantic estimation at 1/8 resolution from the backbone's 1/32 features."""

    def __init__(self, backbone: MobileNetV2Backbone) -> None:
        super().__init__()
        enc = backbone.enc_channels
        self.backbone = backbone
        self.se_block = SEBlock(enc[4], reduction=4)
        self.conv_lr16x = Conv2dIBNormRelu(enc[4], enc[3], 5, padding=2)
        self.conv_lr8x = Conv2dIBNormRelu(enc[3], enc[2], 5, padding=2)
        # Training-only semantic head (kept for checkpoint compatibility).
        self.conv_lr = Conv2dIBNormRelu(enc[2], 1, 3, stride=2, padding=1, with_ibn=False, with_relu=False)

    def forward(self, img: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        enc2x, enc4x, _, _, enc32x = self.backbone(img)
        lr16x = self.conv_lr16x(_up2(self.se_block(enc32x)))
        lr8x = self.conv_lr8x(_up2(lr16x))
        return lr8x, enc2x, enc4x


class HRBranch(nn.Module):
    """Detail branch at 1/4 and 1/2 resolution."""

    def __init__(self, hr: int, enc: list[int]) -> None:
        super().__init__()
        self.tohr_enc2x = Conv2dIBNormRelu(enc[0], hr, 1)
        self.conv_enc2x = Conv2dIBNormRelu(hr + 3, hr, 3, stride=2, padding=1)
        self.tohr_enc4x = Conv2dIBNormRelu(enc[1], hr, 1)
        self.conv_enc4x = Conv2dIBNormRelu(2 * hr, 2 * hr, 3, padding=1)
        self.conv_hr4x = nn.Sequential(Conv2dIBNormRelu(3 * hr + 3, 2 * hr, 3, padding=1),
                                       Conv2dIBNormRelu(2 * hr, 2 * hr, 3, padding=1),
                                       Conv2dIBNormRelu(2 * hr, hr, 3, padding=1))
        self.conv_hr2x = nn.Sequential(Conv2dIBNormRelu(2 * hr, 2 * hr, 3, padding=1),
                                       Conv2dIBNormRelu(2 * hr, hr, 3, padding=1),
                                       Conv2dIBNormRelu(hr, hr, 3, padding=1),
                                       Conv2dIBNormRelu(hr, hr, 3, padding=1))
        # Training-only detail head (kept for checkpoint compatibility).
        self.conv_hr = nn.Sequential(Conv2dIBNormRelu(hr + 3, hr, 3, padding=1),
                                     Conv2dIBNormRelu(hr, 1, 1, with_ibn=False, with_relu=False))

    def forward(self, img: torch.Tensor, enc2x: torch.Tensor, enc4x: torch.Tensor,
                lr8x: torch.Tensor) -> torch.Tensor:
        img2x, img4x = _down(img, 0.5), _down(img, 0.25)
        enc2x = self.tohr_enc2x(enc2x)
        hr4x = self.conv_enc2x(torch.cat((img2x, enc2x), 1))
        hr4x = self.conv_enc4x(torch.cat((hr4x, self.tohr_enc4x(enc4x)), 1))
        hr4x = self.conv_hr4x(torch.cat((hr4x, _up2(lr8x), img4x), 1))
        return self.conv_hr2x(torch.cat((_up2(hr4x), enc2x), 1))


class FusionBranch(nn.Module):
    def __init__(self, hr: int, enc: list[int]) -> None:
        super().__init__()
        self.conv_lr4x = Conv2dIBNormRelu(enc[2], hr, 5, padding=2)
        self.conv_f2x = Conv2dIBNormRelu(2 * hr, hr, 3, padding=1)
        self.conv_f = nn.Sequential(Conv2dIBNormRelu(hr + 3, hr // 2, 3, padding=1),
                                    Conv2dIBNormRelu(hr // 2, 1, 1, with_ibn=False, with_relu=False))

    def forward(self, img: torch.Tensor, lr8x: torch.Tensor, hr2x: torch.Tensor) -> torch.Tensor:
        lr2x = _up2(self.conv_lr4x(_up2(lr8x)))
        f2x = self.conv_f2x(torch.cat((lr2x, hr2x), 1))
        return torch.sigmoid(self.conv_f(torch.cat((_up2(f2x), img), 1)))


class MODNet(nn.Module):
    """Input: Nx3xHxW in [-1, 1], H and W multiples of 32. Output: the alpha matte, Nx1xHxW in [0, 1]."""

    def __init__(self, in_channels: int = 3, hr_channels: int = 32) -> None:
        super().__init__()
        self.backbone = MobileNetV2Backbone(in_channels)
        self.lr_branch = LRBranch(self.backbone)
        self.hr_branch = HRBranch(hr_channels, self.backbone.enc_channels)
        self.f_branch = FusionBranch(hr_channels, self.backbone.enc_channels)

    def forward(self, img: torch.Tensor) -> torch.Tensor:
        lr8x, enc2x, enc4x = self.lr_branch(img)
        hr2x = self.hr_branch(img, enc2x, enc4x, lr8x)
        return self.f_branch(img, lr8x, hr2x)
