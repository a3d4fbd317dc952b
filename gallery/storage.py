from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class PrivateStorage(FileSystemStorage):
    """Media storage with no public URL: every file is streamed by gallery.views after an
    ownership check. Swap for an S3-compatible backend in STORAGES for multi-machine set-ups."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.MEDIA_ROOT)

    def url(self, name):
        raise NotImplementedError("Private files have no public URL; use gallery:item-file.")
