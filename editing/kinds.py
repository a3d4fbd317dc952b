"""The job kinds of crop, resize and text in images (registered in gallery.kinds by EditingConfig)."""

from django.utils.translation import gettext_lazy as _

from gallery.kinds import JobKind

_TEXT_RESULT = {"result_page": "editing:text-result", "result_link": _("Read-back check"), "result_icon": "type"}

CROP = JobKind("editing.crop", "editing.handlers.crop_handle", _("Crop"))
RESIZE = JobKind("editing.resize", "editing.handlers.resize_handle", _("Resize"))
TEXT_LINES = JobKind("editing.text_lines", "editing.text_handlers.text_lines_handle", _("Find text lines"),
                     loads_model=True)
TEXT_ADD = JobKind("editing.text_add", "editing.text_handlers.text_add_handle", _("Add text"), loads_model=True,
                  **_TEXT_RESULT)
TEXT_MODIFY = JobKind("editing.text_modify", "editing.text_handlers.text_modify_handle", _("Modify text"),
                      loads_model=True, **_TEXT_RESULT)
TEXT_REMOVE = JobKind("editing.text_remove", "editing.text_handlers.text_remove_handle", _("Remove text"),
                      loads_model=True, **_TEXT_RESULT)
KINDS = (CROP, RESIZE, TEXT_LINES, TEXT_ADD, TEXT_MODIFY, TEXT_REMOVE)
