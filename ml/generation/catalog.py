"""Which models exist and what each accepts. Every rule is checked here, before anything is sent
to a service or a pipeline; a problem is a (field, code, params) triple the Django side turns into a
translated message. The offered list is a setting (`offered(names)`): a name not listed below is
accepted when its family can be told from its prefix (qwen-image*, wan*), so new DashScope models can
be added without code."""

from __future__ import annotations

from dataclasses import dataclass, field

from ml.generation.types import SEED_MAX, GenerationRequest

PROMPT_MAX = 800
NEGATIVE_MAX = 500

QWEN_SIZES = ((1664, 928), (1472, 1140), (1328, 1328), (1140, 1472), (928, 1664))
WAN_PRESETS = ((1024, 1024), (1280, 720), (720, 1280), (1152, 864), (864, 1152), (1440, 1440), (512, 512))
LOCAL_PRESETS = ((512, 512), (768, 768), (512, 768), (768, 512), (256, 256), (64, 64))


@dataclass(frozen=True)
class ModelSpec:
    name: str
    backend: str  # "dashscope" or "local"
    family: str  # "qwen", "wan", "local"
    label: str
    fixed_sizes: tuple[tuple[int, int], ...] = ()  # when set, only these
    size_range: tuple[int, int] = (512, 1440)  # otherwise each side within this
    size_multiple: int = 1
    presets: tuple[tuple[int, int], ...] = ()
    default_size: tuple[int, int] = (1024, 1024)
    n_max: int = 1
    prompt_max: int = PROMPT_MAX
    negative_max: int = NEGATIVE_MAX
    prompt_extend: bool = False  # the service can rewrite the prompt
    watermark: bool = False
    steps: tuple[int, int, int] | None = None  # min, max, default (local)
    guidance: tuple[float, float, float] | None = None
    price_note: str = ""
    extra: dict = field(default_factory=dict)

    def size_presets(self) -> list[tuple[int, int]]:
        return list(self.fixed_sizes or self.presets)

    def to_dict(self) -> dict:
        return {
            "name": self.name, "backend": self.backend, "family": self.family, "label": self.label,
            "sizes": [f"{w}*{h}" for w, h in self.size_presets()],
            "fixed_sizes": bool(self.fixed_sizes), "size_range": list(self.size_range),
            "size_multiple": self.size_multiple, "default_size": "%d*%d" % self.default_size,
            "n_max": self.n_max, "prompt_max": self.prompt_max, "negative_max": self.negative_max,
            "prompt_extend": self.prompt_extend, "watermark": self.watermark,
            "steps": list(self.steps) if self.steps else None,
            "guidance": list(self.guidance) if self.guidance else None,
        }


def _qwen(name: str, label: str) -> ModelSpec:
    return ModelSpec(name=name, backend="dashscope", family="qwen", label=label, fixed_sizes=QWEN_SIZES,
                     default_size=(1328, 1328), n_max=1, prompt_extend=True, watermark=True)


def _wan(name: str, label: str) -> ModelSpec:
    return ModelSpec(name=name, backend="dashscope", family="wan", label=label, size_range=(512, 1440),
                     presets=WAN_PRESETS, default_size=(1024, 1024), n_max=4, prompt_extend=True, watermark=True)


def local_spec(name: str = "local", *, max_side: int = 1024, steps_default: int = 4,
               guidance_default: float = 0.0) -> ModelSpec:
    # The default is the largest square up to 512 (Stable Diffusion's own size) the limit allows, not
    # the smallest preset: a 256 limit offers and defaults to 256*256 rather than 64*64.
    side = max(64, min(512, max_side) // 8 * 8)
    presets = tuple(p for p in LOCAL_PRESETS if max(p) <= max_side)
    if (side, side) not in presets:
        presets = ((side, side), *presets)
    return ModelSpec(
        name=name, backend="local", family="local", label="Local diffusers", size_range=(64, max_side),
        size_multiple=8, presets=presets,
        default_size=(side, side), n_max=4, negative_max=NEGATIVE_MAX,
        steps=(1, 50, steps_default), guidance=(0.0, 20.0, guidance_default),
    )


KNOWN: dict[str, ModelSpec] = {
    s.name: s for s in (
        _qwen("qwen-image", "Qwen-Image"),
        _qwen("qwen-image-plus", "Qwen-Image Plus"),
        _wan("wanx2.1-t2i-turbo", "Wanx 2.1 Turbo"),
        _wan("wanx2.1-t2i-plus", "Wanx 2.1 Plus"),
        _wan("wan2.2-t2i-flash", "Wan 2.2 Flash"),
    )
}
DEFAULT_DASHSCOPE_MODELS = tuple(KNOWN)


class UnknownModel(KeyError):
    pass


def spec_for(name: str) -> ModelSpec:
    """The rules for a DashScope model name (known, or by family prefix)."""
    if name in KNOWN:
        return KNOWN[name]
    if name.startswith("qwen-image"):
        return _qwen(name, name)
    if name.startswith("wan"):
        return _wan(name, name)
    raise UnknownModel(name)


def offered(names, *, local: ModelSpec | None = None) -> list[ModelSpec]:
    """The specs of the models a deployment offers, in the order given."""
    specs = [spec_for(n) for n in names]
    if local is not None:
        specs.append(local)
    return specs


def size_for_aspect(spec: ModelSpec, width: int, height: int) -> tuple[int, int]:
    """A size `spec` accepts with the aspect ratio closest to width:height (for a background that
    must fill a photo with as little cropping as possible). Fixed sizes: the nearest one in log-ratio;
    a free range: about the model's default area, each side a multiple of its step (at least 8) and
    inside its range."""
    import math

    if width <= 0 or height <= 0:
        raise ValueError(f"not a size: {width}x{height}")
    target = math.log(width / height)
    if spec.fixed_sizes:
        return min(spec.fixed_sizes, key=lambda s: (abs(math.log(s[0] / s[1]) - target), -s[0] * s[1]))
    lo, hi = spec.size_range
    step = max(8, spec.size_multiple)
    first = -(-lo // step) * step  # the smallest and largest multiples of the step in range
    last = hi // step * step
    area = spec.default_size[0] * spec.default_size[1]
    w = math.sqrt(area * width / height)
    h = w * height / width
    scale = max(1.0, first / min(w, h))  # the short side up to the lower bound, then the long side
    scale = min(scale, last / max(w, h))  # down to the upper one (wins: a very thin photo is clamped)
    snap = lambda v: int(min(last, max(first, round(v * scale / step) * step)))  # noqa: E731
    return snap(w), snap(h)


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    params: dict = field(default_factory=dict)


def parse_size(value) -> tuple[int, int] | None:
    """'1024*1024', '1024x1024' or (w, h) -> (w, h); None when unreadable."""
    if isinstance(value, (tuple, list)) and len(value) == 2:
        try:
            return int(value[0]), int(value[1])
        except (TypeError, ValueError):
            return None
    text = str(value or "").strip().lower().replace("x", "*").replace("×", "*")
    parts = text.split("*")
    if len(parts) != 2:
        return None
    try:
        return int(parts[0]), int(parts[1])
    except ValueError:
        return None


def validate(spec: ModelSpec, request: GenerationRequest) -> list[Problem]:
    """Every rule `spec` sets, checked against `request`. Empty list: it may be sent."""
    problems: list[Problem] = []
    if not request.prompt.strip():
        problems.append(Problem("prompt", "prompt_required"))
    elif len(request.prompt) > spec.prompt_max:
        problems.append(Problem("prompt", "prompt_too_long", {"max": spec.prompt_max, "length": len(request.prompt)}))
    if len(request.negative_prompt) > spec.negative_max:
        problems.append(Problem("negative_prompt", "negative_too_long",
                                {"max": spec.negative_max, "length": len(request.negative_prompt)}))
    w, h = request.width, request.height
    if spec.fixed_sizes:
        if (w, h) not in spec.fixed_sizes:
            problems.append(Problem("size", "size_not_allowed",
                                    {"size": f"{w}*{h}", "allowed": ", ".join(f"{a}*{b}" for a, b in spec.fixed_sizes)}))
    else:
        lo, hi = spec.size_range
        if not (lo <= w <= hi and lo <= h <= hi):
            problems.append(Problem("size", "size_out_of_range", {"size": f"{w}*{h}", "min": lo, "max": hi}))
        elif spec.size_multiple > 1 and (w % spec.size_multiple or h % spec.size_multiple):
            problems.append(Problem("size", "size_not_multiple", {"size": f"{w}*{h}", "multiple": spec.size_multiple}))
    if not 1 <= request.n <= spec.n_max:
        problems.append(Problem("n", "n_out_of_range", {"max": spec.n_max}))
    if request.seed is not None and not 0 <= request.seed <= SEED_MAX:
        problems.append(Problem("seed", "seed_out_of_range", {"max": SEED_MAX}))
    if spec.steps and request.steps is not None and not spec.steps[0] <= request.steps <= spec.steps[1]:
        problems.append(Problem("steps", "steps_out_of_range", {"min": spec.steps[0], "max": spec.steps[1]}))
    if spec.guidance and request.guidance is not None and not spec.guidance[0] <= request.guidance <= spec.guidance[1]:
        problems.append(Problem("guidance", "guidance_out_of_range",
                                {"min": spec.guidance[0], "max": spec.guidance[1]}))
    return problems
