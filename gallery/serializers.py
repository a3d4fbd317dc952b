"""Output shapes shared by every feature's API (input serializers live beside each API view)."""

import functools
import uuid

from django.urls import get_script_prefix, reverse
from rest_framework import serializers

from gallery.models import GalleryItem, Job


_PLACEHOLDER = uuid.UUID(int=0)


@functools.cache
def _url_pattern(name: str, kwarg: str, script_prefix: str) -> str:
    return reverse(name, kwargs={kwarg: _PLACEHOLDER})


def object_url(name: str, kwarg: str, obj_id, request=None) -> str:
    """reverse() once per URL name, then substitute the id: a page of 50 items asks for 150 URLs,
    and reverse() was 40% of the request."""
    url = _url_pattern(name, kwarg, get_script_prefix()).replace(str(_PLACEHOLDER), str(obj_id))
    return request.build_absolute_uri(url) if request else url


class GalleryItemOutputSerializer(serializers.ModelSerializer):
    file_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()
    parent = serializers.UUIDField(source="parent_id", allow_null=True)
    job = serializers.UUIDField(source="job_id", allow_null=True)

    class Meta:
        model = GalleryItem
        fields = (
            "id", "name", "kind", "width", "height", "format", "bytes", "sha256", "parent", "job",
            "metadata", "created_at", "expires_at", "file_url", "thumbnail_url", "download_url",
        )

    def _abs(self, name: str, obj) -> str:
        return object_url(name, "item_id", obj.id, self.context.get("request"))

    def get_file_url(self, obj) -> str:
        return self._abs("api:gallery-item-file", obj)

    def get_thumbnail_url(self, obj) -> str:
        return self._abs("api:gallery-item-thumbnail", obj)

    def get_download_url(self, obj) -> str:
        return self._abs("api:gallery-item-download", obj)


class JobOutputSerializer(serializers.ModelSerializer):
    inputs = serializers.SerializerMethodField()
    outputs = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    step = serializers.SerializerMethodField(
        help_text="The named step the job is in (or ended in): code, translated label and, for a step "
                  "repeated per image, line or denoising step, item of items (0 when not counted); null "
                  "before it starts.")

    class Meta:
        model = Job
        fields = (
            "id", "kind", "status", "progress", "step", "params", "inputs", "outputs", "result", "error", "engine",
            "model_name", "queued_at", "started_at", "finished_at", "url",
        )

    def get_inputs(self, obj) -> list[str]:
        return [str(i.id) for i in obj.inputs.all()]

    def get_outputs(self, obj) -> list[dict]:
        return GalleryItemOutputSerializer(obj.outputs.all(), many=True, context=self.context).data

    def get_step(self, obj) -> dict | None:
        if not obj.step:
            return None
        return {"code": obj.step, "label": obj.step_label, "item": obj.step_item, "items": obj.step_items}

    def get_error(self, obj) -> dict | None:
        if obj.status in (Job.Status.FAILED, Job.Status.CANCELLED):
            return {"code": obj.error_code, "message": obj.error_message}
        return None

    def get_url(self, obj) -> str:
        return object_url("api:job-detail", "job_id", obj.id, self.context.get("request"))
