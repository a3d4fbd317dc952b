"""A model's "why it cannot run here" (ml.availability) worded for users, in their language, without the
server's folders (those stay in the English reason, for operators' logs)."""

from django.utils.translation import gettext as _

from ml import availability


def reason_text(reason: str) -> str:
    """"" for no reason; else one translated clause, e.g. "its weights file big-lama.pt is not installed"."""
    if not reason:
        return ""
    name = getattr(reason, "name", "")
    messages = {
        availability.PACKAGE: _("the Python package %(name)s is not installed"),
        availability.WEIGHTS_MISSING: _("its weights file %(name)s is not installed"),
        availability.WEIGHTS_BAD: _("its weights file %(name)s is not the expected one (its checksum does not match)"),
        availability.NO_RUNTIME: _("no ONNX runtime is installed (onnxruntime or openvino)"),
        availability.NOT_CONFIGURED: _("it is not configured (%(name)s)"),
        availability.NOT_A_MODEL: _("%(name)s is not a diffusers model folder"),
        availability.NOT_HERE: _("the model %(name)s is not on this server and downloads are turned off"),
    }
    message = messages.get(getattr(reason, "code", ""))
    # A reason from code that does not say what it is (a plain string) may hold a path: not shown to users.
    return message % {"name": name} if message else _("it is not available on this server")
