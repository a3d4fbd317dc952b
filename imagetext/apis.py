"""REST API of "Text in images": find lines, add, modify and remove text, generate with text. Each
answers 202 with the job (poll its url); the same services as the page. Boxes, edits, lines and
strokes are JSON lists (in a multipart request, JSON strings)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from gallery.apis import JobCreateApi
from gallery.serializers import JobOutputSerializer
from generation.apis import PARAM_FIELDS, GenerationJobCreateApi
from imagetext import engine, services
from imagetext.params import (
    MODIFY_METHODS,
    REMOVAL_METHODS,
    TextAddParams,
    TextGenerationParams,
    TextLinesParams,
    TextModifyParams,
    TextRemoveParams,
)


class _OneImage(serializers.Serializer):
    sources = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=1,
                                    help_text="The id of one of your gallery items.")
    files = serializers.ListField(child=serializers.FileField(), required=False, max_length=1,
                                  help_text="Or one new image to upload (multipart).")


class TextLinesJobCreateApi(JobCreateApi):
    """Finds the lines of text (OCR): the job's result has `lines` with their four-point `quad`s, to
    pass to modify or remove."""

    class InputSerializer(_OneImage, TextLinesParams):  # the service's contract, plus the image
        class Meta:
            ref_name = "TextLinesJobInput"

    create = staticmethod(services.text_lines_job_create)

    @extend_schema(request=InputSerializer, responses={202: JobOutputSerializer})
    def post(self, request):
        return super().post(request)


class TextAddJobCreateApi(JobCreateApi):
    class InputSerializer(_OneImage, TextAddParams):
        class Meta:
            ref_name = "TextAddJobInput"

    create = staticmethod(services.text_add_job_create)

    @extend_schema(request=InputSerializer, responses={202: JobOutputSerializer})
    def post(self, request):
        return super().post(request)


class TextModifyJobCreateApi(JobCreateApi):
    class InputSerializer(_OneImage, TextModifyParams):
        class Meta:
            ref_name = "TextModifyJobInput"

    create = staticmethod(services.text_modify_job_create)

    @extend_schema(request=InputSerializer, responses={202: JobOutputSerializer})
    def post(self, request):
        return super().post(request)


class TextRemoveJobCreateApi(JobCreateApi):
    class InputSerializer(_OneImage, TextRemoveParams):
        class Meta:
            ref_name = "TextRemoveJobInput"

    create = staticmethod(services.text_remove_job_create)

    @extend_schema(request=InputSerializer, responses={202: JobOutputSerializer})
    def post(self, request):
        return super().post(request)


class TextFillMethodsApi(APIView):
    """The fill methods for remove and modify, and whether each can run on this server (a learned
    one needs its weights; `command` says how an administrator gets them)."""

    @extend_schema(responses={200: dict})
    def get(self, request):
        return Response({"remove": engine.fill_choices(REMOVAL_METHODS),
                         "modify": engine.fill_choices(MODIFY_METHODS)})


class TextGenerationJobCreateApi(GenerationJobCreateApi):
    """"Generate with text": a picture from the prompt (one image), then the text of each box placed
    exactly on it, or (model_draws_text, Qwen-Image only) the lines written into the prompt for the
    model to draw. Either way every box is read back by OCR: the job's result has `checks` with
    expected, read and ok per box, and `all_ok`. Outputs: the generated base, then (when the studio
    places the text) the final picture, whose parent is the base."""

    class InputSerializer(TextGenerationParams, GenerationJobCreateApi.InputSerializer):  # the service's contract
        class Meta:
            ref_name = "TextGenerationJobInput"

    param_fields = (*PARAM_FIELDS, "boxes", "model_draws_text")
    create = staticmethod(services.text_generation_job_create)

    @extend_schema(request=InputSerializer, responses={202: JobOutputSerializer})
    def post(self, request):
        return super().post(request)
