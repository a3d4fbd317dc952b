"""The named steps a job reports while it runs (Job.step), and their translated labels. A handler
calls `report(percent, step, item=i, items=n)`; the page and the API show the label, e.g. "Reading
the text · image 2 of 3"."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# step code -> (label, what `item of items` counts: "image", "line", "step" or None)
STEPS = {
    "start": (gettext_lazy("Starting"), None),
    "load": (gettext_lazy("Loading the model"), None),
    "read": (gettext_lazy("Reading the text"), "image"),
    "cut": (gettext_lazy("Cutting out the person"), "image"),
    "compose": (gettext_lazy("Putting the person on the new background"), "image"),
    "edit": (gettext_lazy("Editing the images"), "image"),
    "matte": (gettext_lazy("Applying your touch-up"), None),
    "detect": (gettext_lazy("Finding the text"), None),
    "mask": (gettext_lazy("Marking the area to clean"), None),
    "fill": (gettext_lazy("Filling in behind the text"), "line"),
    "replace": (gettext_lazy("Replacing the text"), "line"),
    "place": (gettext_lazy("Placing the text"), None),
    "read_back": (gettext_lazy("Reading the result back"), None),
    "check": (gettext_lazy("Checking the whole picture for text left behind"), None),
    "submit": (gettext_lazy("Sending the request to DashScope"), None),
    "wait": (gettext_lazy("Waiting for DashScope"), None),
    "generate": (gettext_lazy("Painting"), None),
    "denoise": (gettext_lazy("Painting"), "step"),
    "download": (gettext_lazy("Downloading the pictures"), "image"),
    "save": (gettext_lazy("Saving the results"), None),
}


def _counter(unit: str, item: int, items: int) -> str:
    if unit == "line":
        return _("line %(item)d of %(items)d") % {"item": item, "items": items}
    if unit == "step":
        return _("step %(item)d of %(items)d") % {"item": item, "items": items}
    return _("image %(item)d of %(items)d") % {"item": item, "items": items}


def step_label(code: str, item: int = 0, items: int = 0) -> str:
    """The step's label in the active language; an unknown code is shown as it is."""
    if not code:
        return ""
    label, unit = STEPS.get(code, (code, None))
    if unit and items > 1 and item:  # "image 1 of 1" says nothing
        return f"{label} · {_counter(unit, item, items)}"
    return str(label)
