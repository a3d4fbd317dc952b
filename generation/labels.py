"""Names of what the text-to-image jobs store in their params and metadata (gallery.labels)."""

from django.utils.translation import gettext_lazy as _

FIELDS = {
    "prompt": _("Prompt"),
    "negative_prompt": _("Negative prompt"),
    "actual_prompt": _("Prompt the model used"),
    "generation_prompt": _("Prompt the model used"),
    "backend": _("Backend"),
    "seed": _("Seed"),
    "seed_mode": _("Seed chosen"),
    "index": _("Picture number"),
    "n": _("Number of images"),
    "template": _("Template"),
    "subject": _("Short instruction"),
    "prompt_extend": _("Prompt extended by DashScope"),
    "watermark": _("Watermark"),
    "steps": _("Steps"),
    "guidance": _("Guidance"),
    "task_id": _("DashScope task"),
    "image_count": _("Billed images"),
    "params": _("Settings to make it again"),
    "key_source": _("API key"),
}

VALUES = {
    "seed_mode": {"random": _("At random"), "fixed": _("Fixed")},
    "key_source": {"server": _("The server's key"), "saved": _("My saved key"), "typed": _("A key for this request only")},
    "*": {"local": _("Local model"), "dashscope": "DashScope"},
}
