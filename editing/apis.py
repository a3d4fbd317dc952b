from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from editing import services
from editing.operations import FILTERS
from editing.params import FORMAT_CHOICES
from gallery.apis import JobCreateApi
from gallery.serializers import JobOutputSerializer


class _SourcesInput(serializers.Serializer):
    sources = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=50,
                                    help_text="Ids of your gallery items to process.")
    files = serializers.ListField(child=serializers.FileField(), required=False,
                                  help_text="New images to upload and process (multipart).")
    format = serializers.ChoiceField(choices=FORMAT_CHOICES, required=False, default="same")
    quality = serializers.IntegerField(required=False, min_value=1, max_value=100, default=92)



class CropJobCreateApi(JobCreateApi):
    class InputSerializer(_SourcesInput):
        left = serializers.FloatField(required=False, default=0, min_value=0, max_value=100)
        top = serializers.FloatField(required=False, default=0, min_value=0, max_value=100)
        right = serializers.FloatField(required=False, default=100, min_value=0, max_value=100)
        bottom = serializers.FloatField(required=False, default=100, min_value=0, max_value=100)
        rotate = serializers.ChoiceField(choices=[0, 90, 180, 270], required=False, default=0)
        flip_horizontal = serializers.BooleanField(required=False, default=False)
        flip_vertical = serializers.BooleanField(required=False, default=False)
        aspect = serializers.CharField(
            required=False, default="free", max_length=20,
            help_text='A preset aspect "W:H" (e.g. "1:1") or "free". With several images, each one gets the '
                      "largest box of that aspect inside its own box, centred on the same relative point.",
        )

        class Meta:
            ref_name = "CropJobInput"  # both APIs' serializers are called InputSerializer

    create = staticmethod(services.crop_job_create)

    @extend_schema(request=InputSerializer, responses={202: JobOutputSerializer})
    def post(self, request):
        return super().post(request)


class ResizeJobCreateApi(JobCreateApi):
    class InputSerializer(_SourcesInput):
        width = serializers.IntegerField(required=False, allow_null=True, min_value=1)
        height = serializers.IntegerField(required=False, allow_null=True, min_value=1)
        percent = serializers.FloatField(required=False, allow_null=True, min_value=1, max_value=1000)
        keep_aspect = serializers.BooleanField(required=False, default=True)
        filter = serializers.ChoiceField(choices=list(FILTERS), required=False, default="lanczos")

        class Meta:
            ref_name = "ResizeJobInput"

    create = staticmethod(services.resize_job_create)

    @extend_schema(request=InputSerializer, responses={202: JobOutputSerializer})
    def post(self, request):
        return super().post(request)
