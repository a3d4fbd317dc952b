from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from editing import services
from editing.params import CropParams, ResizeParams
from gallery.apis import JobCreateApi
from gallery.serializers import JobOutputSerializer


class _Sources(serializers.Serializer):
    sources = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=50,
                                    help_text="Ids of your gallery items to process.")
    files = serializers.ListField(child=serializers.FileField(), required=False,
                                  help_text="New images to upload and process (multipart).")


class CropJobCreateApi(JobCreateApi):
    class InputSerializer(_Sources, CropParams):  # the service's contract, plus the images
        class Meta:
            ref_name = "CropJobInput"  # both APIs' serializers are called InputSerializer

    create = staticmethod(services.crop_job_create)

    @extend_schema(request=InputSerializer, responses={202: JobOutputSerializer})
    def post(self, request):
        return super().post(request)


class ResizeJobCreateApi(JobCreateApi):
    class InputSerializer(_Sources, ResizeParams):
        class Meta:
            ref_name = "ResizeJobInput"

    create = staticmethod(services.resize_job_create)

    @extend_schema(request=InputSerializer, responses={202: JobOutputSerializer})
    def post(self, request):
        return super().post(request)
