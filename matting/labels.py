"""Names of what the cutout, new-background and touch-up jobs store in their params and metadata
(gallery.labels)."""

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from matting.engines import ENGINE_NAMES
from matting.params import REFINE_METHODS

_REFINE_STEPS = {"none": _("None"), "sharpen": _("Sharpen edges"), "guided": _("Guided filter"), "grabcut": "GrabCut"}


def _refine_label(method: str) -> str:
    return " + ".join(str(_REFINE_STEPS.get(step, step)) for step in method.split("+"))


_BACKGROUNDS = {"color": _("A colour"), "image": _("An image"), "blur": _("The blurred original"),
                "generated": _("A generated picture")}

FIELDS = {
    "refine": _("Refinement"),
    "decontaminate": _("Remove colour fringes"),
    "auto": _("Automatic choice"),
    "chose": _("Chosen"),
    "reason": _("Why"),
    "faces": _("Faces found"),
    "background": _("Background"),
    "color": _("Colour"),
    "fit": _("Fit"),
    "blur": _("Blur strength"),
    "photo": _("Photo"),
    "matte": _("Matte"),
    "edited_from": _("Edited from"),
}

VALUES = {
    "engine": dict(ENGINE_NAMES, **{"touch-up": _("Touch-up by hand")}),
    "chose": {"modnet": "MODNet", "u2netp": "U²-Net-p", "fusion": _("Both models combined")},
    "reason": {
        "face": _("a face on the main subject, so a portrait"),
        "person": _("a small person's face on the person MODNet found, so a portrait"),
        "no_face": _("no face found, so not treated as a portrait"),
        "face_not_subject": _("a face was found, but not on the main subject"),
        "no_detector": _("the face detector (scikit-image) is not installed"),
        "modnet_unavailable": _("MODNet cannot run here"),
    },
    "refine": {method: lazy(_refine_label, str)(method) for method in REFINE_METHODS},
    "role": {"cutout": _("Cutout"), "matte": _("Matte"), "background": _("Background")},
    "mode": _BACKGROUNDS,
    "background": _BACKGROUNDS,
    "fit": {"fill": _("Fill (crop to cover)"), "fit": _("Fit (show all)")},
}
