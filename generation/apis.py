"""REST API of text-to-image: create a job (202), the catalog (models, sizes, templates, key status),
template expansion, the user's saved key, cancelling a running job, and the parameters of a made
image ("generate again"). The same services and selectors as the page."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from gallery import services as gallery_services
from gallery import kinds as job_kinds
from gallery.apis import JobCreateThrottle, job_accepted
from gallery.serializers import JobOutputSerializer
from generation import catalog_data, keys, services
from generation.params import GenerationOptions, GenerationParams
from generation.selectors import generation_item_params, generation_job_get

PARAM_FIELDS = ("model", "prompt", "negative_prompt", "template", "subject", "size", "width", "height", "n",
                "seed", "seed_mode", "prompt_extend", "watermark", "steps", "guidance", "key_source")


class GenerationOptionsSerializer(GenerationOptions):
    """The options every request that generates a picture shares (generation.params), with the choice
    of DashScope key."""

    api_key = serializers.CharField(required=False, allow_blank=True, write_only=True,
                                    help_text="A key for this request only (key_source=typed, the default when "
                                              "this is given); never stored.")
    save_key = serializers.BooleanField(required=False, default=False,
                                        help_text="Save the typed key (encrypted) as your own key.")


def key_params(data: dict, params: dict) -> tuple[str, bool]:
    """Adds key_source to ``params`` when a key is typed without saying which to use (the typed one is the
    one to use); returns (typed key, save it)."""
    typed_key = data.get("api_key", "") or ""
    keys.typed_when_unsaid(params, typed_key)
    return typed_key, bool(data.get("save_key", False))


class GenerationJobCreateApi(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    throttle_classes = [JobCreateThrottle]
    throttle_scope = "jobs"

    class InputSerializer(GenerationParams, GenerationOptionsSerializer):  # the service's contract, and the key
        class Meta:
            ref_name = "GenerationJobInput"

        def validate(self, attrs):
            return {**super().validate(attrs), **{k: attrs[k] for k in ("api_key", "save_key") if k in attrs}}

    # What the service is given (a subclass that generates otherwise names its own).
    param_fields = PARAM_FIELDS
    create = staticmethod(services.generation_job_create)

    @extend_schema(request=InputSerializer, responses={202: JobOutputSerializer})
    def post(self, request):
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)  # the contract: a bad value is refused as the page refuses it
        # The service cleans the values sent, with the user's own key default.
        params = {k: request.data[k] for k in self.param_fields if request.data.get(k) not in ("", None)}
        typed_key, save_key = key_params(s.validated_data, params)
        job = type(self).create(user=request.user, params=params, typed_key=typed_key, save_key=save_key)
        return job_accepted(job, request)


class GenerationCatalogApi(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request):
        return Response(catalog_data.catalog(user=request.user))


class GenerationTemplateExpandApi(APIView):
    class InputSerializer(serializers.Serializer):
        template = serializers.CharField()
        subject = serializers.CharField(required=False, allow_blank=True)
        model = serializers.CharField(required=False, allow_blank=True)

        class Meta:
            ref_name = "GenerationTemplateInput"

    @extend_schema(request=InputSerializer, responses={200: dict})
    def post(self, request):
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return Response(catalog_data.template_expand(**s.validated_data))


class GenerationKeyApi(APIView):
    class InputSerializer(serializers.Serializer):
        api_key = serializers.CharField(write_only=True)

        class Meta:
            ref_name = "GenerationKeyInput"

    @extend_schema(responses={200: dict})
    def get(self, request):
        return Response(catalog_data.key_status(user=request.user))

    @extend_schema(request=InputSerializer, responses={200: dict})
    def put(self, request):
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        keys.credential_save(user=request.user, key=s.validated_data["api_key"])
        return Response(catalog_data.key_status(user=request.user))

    @extend_schema(responses={204: None})
    def delete(self, request):
        keys.credential_delete(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class GenerationJobCancelApi(APIView):
    @extend_schema(request=None, responses=JobOutputSerializer)
    def post(self, request, job_id):
        job = gallery_services.job_cancel(job=generation_job_get(owner=request.user, job_id=job_id,
                                                                    kinds=job_kinds.generation_backed()))
        return Response(JobOutputSerializer(job, context={"request": request}).data)


class GenerationAgainApi(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request, item_id):
        return Response(generation_item_params(owner=request.user, item_id=item_id))
