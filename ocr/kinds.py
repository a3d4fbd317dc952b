"""The job kind of Read text (registered in gallery.kinds by OcrConfig)."""

from django.utils.translation import gettext_lazy as _

from gallery.kinds import JobKind

READ = JobKind("ocr.read", "ocr.handlers.ocr_handle", _("Read text"), loads_model=True,
               result_page="ocr:result", result_link=_("Text found"), result_icon="text")
KINDS = (READ,)
