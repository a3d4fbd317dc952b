"""The job kinds of Text to image and Generate with text, one per backend so that the local ones can run
on a GPU machine's cluster (registered in gallery.kinds by GenerationConfig)."""

from django.utils.translation import gettext_lazy as _

from gallery.kinds import JobKind

_TEXT_RESULT = {"result_page": "editing:text-result", "result_link": _("Read-back check"), "result_icon": "type"}

DASHSCOPE = JobKind("generation.dashscope", "generation.handlers.generation_handle", _("Text to image (DashScope)"),
                     cancel_while_running=True)
LOCAL = JobKind("generation.local", "generation.handlers.generation_handle", _("Text to image (local model)"),
                loads_model=True, local_model=True, cancel_while_running=True)
TEXT = JobKind("generation.text", "generation.handlers.text_generation_handle", _("Generate with text"),
               loads_model=True, cancel_while_running=True, **_TEXT_RESULT)
TEXT_LOCAL = JobKind("generation.text_local", "generation.handlers.text_generation_handle",
                     _("Generate with text (local model)"), loads_model=True, local_model=True,
                     cancel_while_running=True, **_TEXT_RESULT)
KINDS = (DASHSCOPE, LOCAL, TEXT, TEXT_LOCAL)
