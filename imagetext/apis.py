"""REST API of "Text in images": find lines, add, modify and remove text, generate with text. Each
answers 202 with the job (poll its url); the same services as the page. Boxes, edits, lines and
strokes are JSON lists (in a multipart request, JSON strings)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from gallery.apis import JobCreateApi, JobCreateThrottle, job_accepted
from gallery.serializers import JobOutputSerializer
from generation.apis import PARAM_FIELDS, GenerationJobCreateApi, key_params
from imagetext import engine, services
from imagetext.params import FORMAT_CHOICES, MODIFY_METHODS, REMOVAL_METHODS, REMOVE_MODES


class _OneImageInput(serializers.Serializer):
    sources = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=1,
                                    help_text="The id of one of your gallery items.")
    files = serializers.ListField(child=serializers.FileField(), required=False, max_length=1,
                                  help_text="Or one new image to upload (multipart).")


class _OutputInput(_OneImageInput):
    format = serializers.ChoiceField(choices=FORMAT_CHOICES, required=False, default="same")
    quality = serializers.IntegerField(required=False, min_value=1, max_value=100, default=92)



class TextLinesJobCreateApi(JobCreateApi):
    """Finds the lines of text (OCR): the job's result has `lines` with their four-point `quad`s, to
    pass to modify or remove."""

    class InputSerializer(_OneImageInput):
        min_score = serializers.FloatField(required=False, min_value=0, max_value=1)

        class Meta:
            ref_name = "TextLinesJobInput"

    create = staticmethod(services.text_lines_job_create)

    @extend_schema(request=InputSerializer, responses={202: JobOutputSerializer})
    def post(self, request):
        return super().post(request)


class TextAddJobCreateApi(JobCreateApi):
    class InputSerializer(_OutputInput):
        boxes = serializers.JSONField(help_text=(
            '1-8 boxes: [{"quad": [[x, y] x4] clockwise from the text\'s top-left (or "box": [left, top, right, '
            'bottom]), "text": "天路", "font": "sans", "color": "#rrggbb" or null for automatic contrast, '
            '"align": "left|center|right", "vertical": false, "outline": false, "shadow": false}]'))

        class Meta:
            ref_name = "TextAddJobInput"

    create = staticmethod(services.text_add_job_create)

    @extend_schema(request=InputSerializer, responses={202: JobOutputSerializer})
    def post(self, request):
        return super().post(request)


class TextModifyJobCreateApi(JobCreateApi):
    class InputSerializer(_OutputInput):
        edits = serializers.JSONField(help_text=(
            '1-8 lines to rewrite: [{"quad": the line\'s quad (from a lines job), "text": "new text", '
            '"font": null (match the old line) or a font name, "color": null (sampled from the old glyphs) or "#rrggbb"}]'))
        method = serializers.ChoiceField(
            choices=MODIFY_METHODS, required=False, default="default",
            help_text="How the old line is filled where the new text does not cover it: default (ours) or "
                      "lama (the LaMa network, when its weights are installed: see GET editing/text/methods/).")

        class Meta:
            ref_name = "TextModifyJobInput"

    create = staticmethod(services.text_modify_job_create)

    @extend_schema(request=InputSerializer, responses={202: JobOutputSerializer})
    def post(self, request):
        return super().post(request)


class TextRemoveJobCreateApi(JobCreateApi):
    class InputSerializer(_OutputInput):
        target = serializers.ChoiceField(
            choices=REMOVE_MODES, required=False, default="all",
            help_text="all: every line OCR finds; lines: the `lines` given; region: the `strokes` painted.")
        lines = serializers.JSONField(
            required=False, help_text='[{"quad": [[x, y] x4], "text": "old text (optional)"}]')
        strokes = serializers.JSONField(
            required=False, help_text='[{"points": [[x, y], ...], "size": brush diameter in pixels}]')
        method = serializers.ChoiceField(
            choices=REMOVAL_METHODS, required=False, default="default",
            help_text="default: membrane fill plus texture from the edges (ours); lama: the LaMa network, when its "
                      "weights are installed (otherwise 400, code model_missing); telea, ns: OpenCV's baselines.")

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


class TextGenerationJobCreateApi(APIView):
    """"Generate with text": a picture from the prompt (one image), then the text of each box placed
    exactly on it, or (model_draws_text, Qwen-Image only) the lines written into the prompt for the
    model to draw. Either way every box is read back by OCR: the job's result has `checks` with
    expected, read and ok per box, and `all_ok`. Outputs: the generated base, then (when the studio
    places the text) the final picture, whose parent is the base."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]
    throttle_classes = [JobCreateThrottle]
    throttle_scope = "jobs"

    class InputSerializer(GenerationJobCreateApi.InputSerializer):
        boxes = serializers.JSONField(required=False, help_text=(
            '1-8 boxes inside the picture\'s size: [{"quad": [[x, y] x4] (or "box": [left, top, right, bottom]), '
            '"text": "天路", "font": "sans", "color": "#rrggbb" or null (automatic contrast), '
            '"align": "left|center|right", "vertical": false, "outline": false, "shadow": false}]'))
        model_draws_text = serializers.BooleanField(
            required=False, default=False,
            help_text="Qwen-Image models only: put the lines (quoted, with rough positions) in the prompt and let "
                      "the model draw them; nothing is placed, the read-back shows how well it did.")

        class Meta:
            ref_name = "TextGenerationJobInput"

        def validate(self, attrs):
            return attrs  # the picture's rules come with the boxes', in imagetext.params

    @extend_schema(request=InputSerializer, responses={202: JobOutputSerializer})
    def post(self, request):
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        params = {k: data[k] for k in PARAM_FIELDS if k in data and data[k] is not None}
        params.update(boxes=data.get("boxes"), model_draws_text=data.get("model_draws_text", False))
        typed_key, save_key = key_params(data, params)
        job = services.text_generation_job_create(user=request.user, params=params, typed_key=typed_key,
                                                  save_key=save_key)
        return job_accepted(job, request)
