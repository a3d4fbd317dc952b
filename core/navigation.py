"""The feature list behind the sidebar and the home page cards. A feature without a url_name is
shown as "coming soon" rather than hidden, so users see where the studio is going."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Feature:
    key: str
    title: str
    description: str
    icon: str
    url_name: str | None = None
    takes_input: bool = True  # offered under "use as input for…" (text to image starts from words)

    @property
    def available(self) -> bool:
        return self.url_name is not None

    @property
    def url(self) -> str | None:
        return reverse(self.url_name) if self.url_name else None


FEATURES: tuple[Feature, ...] = (
    Feature("generate", _("Text to image"), _("Describe a picture and let a model paint it."), "sparkles",
            "generation:generate", takes_input=False),
    Feature("cutout", _("Portrait cutout"), _("Remove the background behind people."), "scissors", "matting:cutout"),
    Feature("ocr", _("Read text"), _("Find and copy the text in an image."), "text", "ocr:read"),
    Feature("text", _("Text in images"), _("Place, change or remove text inside an image."), "type", "imagetext:text"),
    Feature("crop", _("Crop"), _("Crop, rotate and flip, with aspect presets."), "crop", "editing:crop"),
    Feature("resize", _("Resize"), _("Change pixel size, format and quality."), "resize", "editing:resize"),
)

# Feature keys a gallery item can be sent to ("use as input for ...").
INPUT_FEATURES = tuple(f for f in FEATURES if f.available and f.takes_input)


def sidebar(request):
    return {"features": FEATURES, "input_features": INPUT_FEATURES}
