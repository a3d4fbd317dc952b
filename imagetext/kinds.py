"""The job kinds of "Text in images" (registered in gallery.kinds by ImageTextConfig). Their names keep
the apps they were first declared in (stored in every job row); "Generate with text" has one kind per
backend so that the local one can run on a GPU machine's cluster."""

from django.utils.translation import gettext_lazy as _

from gallery.kinds import JobKind

_RESULT = {"result_page": "imagetext:text-result", "result_link": _("Read-back check"), "result_icon": "type"}
# every one reads text with OCR (and draws or fills with it): each loads a model
_MODEL = {"loads_model": True}
_GENERATE = {**_RESULT, **_MODEL, "generation_backed": True, "cancel_while_running": True}

LINES = JobKind("editing.text_lines", "imagetext.handlers.text_lines_handle", _("Find text lines"), **_MODEL)
ADD = JobKind("editing.text_add", "imagetext.handlers.text_add_handle", _("Add text"), **_RESULT, **_MODEL)
MODIFY = JobKind("editing.text_modify", "imagetext.handlers.text_modify_handle", _("Modify text"), **_RESULT,
                 **_MODEL)
REMOVE = JobKind("editing.text_remove", "imagetext.handlers.text_remove_handle", _("Remove text"), **_RESULT,
                 **_MODEL)
GENERATE = JobKind("generation.text", "imagetext.handlers.text_generation_handle", _("Generate with text"),
                   **_GENERATE)
GENERATE_LOCAL = JobKind("generation.text_local", "imagetext.handlers.text_generation_handle",
                         _("Generate with text (local model)"), local_model=True, **_GENERATE)
KINDS = (LINES, ADD, MODIFY, REMOVE, GENERATE, GENERATE_LOCAL)
