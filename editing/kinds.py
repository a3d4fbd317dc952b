"""The job kinds of crop and resize (registered in gallery.kinds by EditingConfig)."""

from django.utils.translation import gettext_lazy as _

from gallery.kinds import JobKind

CROP = JobKind("editing.crop", "editing.handlers.crop_handle", _("Crop"))
RESIZE = JobKind("editing.resize", "editing.handlers.resize_handle", _("Resize"))
KINDS = (CROP, RESIZE)
