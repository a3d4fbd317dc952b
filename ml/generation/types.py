"""Plain data passed between the Django side and the backends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PIL import Image

SEED_MAX = 2_147_483_647

# progress(fraction 0..1, note) and should_cancel() are passed in by the caller (the job handler).
ProgressFn = Callable[[float, str], None]
CancelFn = Callable[[], bool]


@dataclass(frozen=True)
class GenerationRequest:
    model: str
    prompt: str
    negative_prompt: str = ""
    width: int = 1024
    height: int = 1024
    n: int = 1
    seed: int | None = None
    prompt_extend: bool | None = None
    watermark: bool | None = None
    steps: int | None = None
    guidance: float | None = None

    @property
    def size(self) -> str:
        return f"{self.width}*{self.height}"


@dataclass
class GeneratedImage:
    image: Image.Image
    seed: int | None = None
    actual_prompt: str = ""
    source_url: str = ""
    data: bytes | None = None  # the file as the service sent it (PNG, JPEG, ...), when there is one
    format: str = ""  # its format as Pillow names it


@dataclass
class GenerationResult:
    images: list[GeneratedImage]
    backend: str
    model: str
    image_count: int | None = None  # what the service billed (usage.image_count)
    task_id: str = ""
    request_id: str = ""
    seconds: float = 0.0
    backend_seconds: float = 0.0
    extra: dict = field(default_factory=dict)


class GenerationError(Exception):
    """A failure a user should read about. `code` is stable (the Django side maps it to a translated
    message); `detail` is the service's own words, kept for the job record."""

    def __init__(self, code: str, detail: str = "", *, status: int | None = None, extra: dict | None = None):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
        self.status = status
        self.extra = extra or {}


class GenerationCancelled(GenerationError):
    def __init__(self, detail: str = ""):
        super().__init__("cancelled", detail)
