"""REST API of the portrait cutout: cut out (202), new background (202), save an edited matte (202),
engines, and the zip of a job's cutouts. The same services and selectors as the pages."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from gallery import selectors
from gallery import services as gallery_services
from gallery.apis import JobCreateApi, job_accepted, source_items
from gallery.serializers import JobOutputSerializer
from generation.apis import GenerationOptionsSerializer
from matting import engines, services
from matting.files import cutouts_zip_response
from matting.params import BACKGROUND_MODES, CUTOUT_FORMATS, BackgroundParams, CutoutParams
from matting.selectors import job_cutouts, matting_job_get


class CutoutJobCreateApi(JobCreateApi):
    class InputSerializer(CutoutParams):  # the service's contract, plus the photos
        sources = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=50,
                                        help_text="Ids of your gallery photos to cut out.")
        files = serializers.ListField(child=serializers.FileField(), required=False,
                                      help_text="New photos to upload and cut out (multipart).")

        class Meta:
            ref_name = "CutoutJobInput"

    create = staticmethod(services.cutout_job_create)

    @extend_schema(request=InputSerializer, responses={202: JobOutputSerializer})
    def post(self, request):
        return super().post(request)


class BackgroundJobCreateApi(JobCreateApi):
    # The service's contract, plus the photos, the background image and (mode generated) the picture's
    # prompt and model, as in POST generation/jobs/ (the size is chosen from the first photo's aspect ratio
    # among the sizes the model makes; one picture per job)
    class InputSerializer(BackgroundParams, GenerationOptionsSerializer):
        sources = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=50,
                                        help_text="Cutouts (or photos, cut out first) to put on the new background.")
        files = serializers.ListField(child=serializers.FileField(), required=False,
                                      help_text="New photos to upload, cut out and put on the background.")
        background = serializers.UUIDField(required=False, help_text="Gallery id of the background image (mode image).")
        background_file = serializers.FileField(required=False, help_text="Or a new background image (multipart).")
        prompt = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False,
                                       help_text="What to generate behind the person (mode generated).")
        model = serializers.CharField(required=False, help_text="A name from GET generation/models/ (mode generated).")

        class Meta:
            ref_name = "BackgroundJobInput"

    @extend_schema(request=InputSerializer, responses={202: JobOutputSerializer})
    def post(self, request):
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        sources = source_items(request, data.pop("sources", []))
        background_id = data.pop("background", None)
        background = selectors.gallery_item_get(owner=request.user, item_id=background_id) if background_id else None
        data.pop("files", None)
        data.pop("background_file", None)
        typed_key, save_key = data.pop("api_key", "") or "", bool(data.pop("save_key", False))
        params = {k: v for k, v in data.items() if v is not None}
        job = services.background_job_create(
            user=request.user, params=params, sources=sources, uploads=request.FILES.getlist("files"),
            background=background, background_upload=request.FILES.get("background_file"), typed_key=typed_key,
            save_key=save_key, typed_by_default=True,  # a typed key without a key_source is the one to use
        )
        return job_accepted(job, request)


class BatchBackgroundJobCreateApi(JobCreateApi):
    """"New background for all": one background job for every cutout of a finished cutout job."""

    class InputSerializer(BackgroundJobCreateApi.InputSerializer):
        sources = None  # the job's cutouts
        files = None

        class Meta:
            ref_name = "BatchBackgroundJobInput"

    @extend_schema(request=InputSerializer, responses={202: JobOutputSerializer},
                   operation_id="matting_batch_background_create")
    def post(self, request, job_id):
        job = matting_job_get(owner=request.user, job_id=job_id, kinds=(services.CUTOUT_KIND,))
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        background_id = data.pop("background", None)
        background = selectors.gallery_item_get(owner=request.user, item_id=background_id) if background_id else None
        data.pop("background_file", None)
        typed_key, save_key = data.pop("api_key", "") or "", bool(data.pop("save_key", False))
        new_job = services.batch_background_job_create(
            user=request.user, job=job, params={k: v for k, v in data.items() if v is not None},
            background=background, background_upload=request.FILES.get("background_file"), typed_key=typed_key,
            save_key=save_key, typed_by_default=True,  # a typed key without a key_source is the one to use
        )
        return job_accepted(new_job, request)


class TouchupJobCreateApi(JobCreateApi):
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        source = serializers.UUIDField(help_text="The cutout (or matte, or photo) the edited matte belongs to.")
        matte = serializers.FileField(help_text="The edited matte: a greyscale PNG the size of the photo "
                                                "(white = keep); of an image with transparency, its alpha.")

        class Meta:
            ref_name = "TouchupJobInput"

    @extend_schema(request=InputSerializer, responses={202: JobOutputSerializer})
    def post(self, request):
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        source = selectors.gallery_item_get(owner=request.user, item_id=s.validated_data["source"])
        job = services.touchup_job_create(user=request.user, source=source, matte_upload=request.FILES.get("matte"))
        return job_accepted(job, request)


class MattingEnginesApi(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request):
        return Response({"engines": engines.engines_status(), "cutout_formats": CUTOUT_FORMATS,
                         "background_modes": BACKGROUND_MODES})


class MattingJobCancelApi(APIView):
    """Cancels a matting job: a generated background also while it runs, any other while it waits."""

    @extend_schema(request=None, responses=JobOutputSerializer)
    def post(self, request, job_id):
        job = gallery_services.job_cancel(job=matting_job_get(owner=request.user, job_id=job_id))
        return Response(JobOutputSerializer(job, context={"request": request}).data)


class CutoutZipApi(APIView):
    @extend_schema(responses={(200, "application/zip"): bytes})
    def get(self, request, job_id):
        job = matting_job_get(owner=request.user, job_id=job_id)
        cutouts = job_cutouts(job)
        if not cutouts:
            raise Http404
        return cutouts_zip_response(job, cutouts)
