"""Names of what the text jobs store in their params and metadata (gallery.labels)."""

from django.utils.translation import gettext_lazy as _

from imagetext.engine import FILL_LABELS, FONT_LABELS

FIELDS = {
    "boxes": _("Text boxes"),
    "box": _("Position"),
    "quad": _("Position"),
    "font": _("Font"),
    "color": _("Colour"),
    "align": _("Alignment"),
    "vertical": _("Vertical text"),
    "outline": _("Outline"),
    "shadow": _("Shadow"),
    "max_size": _("Largest text size"),
    "edits": _("Changes"),
    "old": _("Old text"),
    "target": _("What to remove"),
    "strokes": _("Painted strokes"),
    "points": _("Path"),
    "region": _("Painted area"),
    "skipped": _("Kept: looks like a pattern, not text"),
    "traces": _("Share of the text left"),
    "readback": _("Read-back check"),
    "all_ok": _("All read back"),
    "expected": _("Expected"),
    "read": _("Read"),
    "ok": _("Matches"),
}

VALUES = {
    "mode": {"add": _("Add text"), "modify": _("Modify text"), "remove": _("Remove text"),
             "generate": _("Generate with text")},
    "target": {"all": _("All text in the image"), "lines": _("The lines I click"), "region": _("An area I paint")},
    "method": dict(FILL_LABELS),
    "align": {"left": _("Left"), "center": _("Centre"), "right": _("Right")},
    "font": dict(FONT_LABELS),
}
