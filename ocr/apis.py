"""REST API of OCR: create a job (202), list languages and engines, download exports. The same
service, selectors and export code as the pages."""

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from gallery.apis import JobCreateApi
from gallery.serializers import JobOutputSerializer
from ocr import engines, exports, services
from ocr.params import OcrParams
from ocr.selectors import ocr_job_get


class OcrJobCreateApi(JobCreateApi):
    class InputSerializer(OcrParams):  # the service's contract, plus the images
        sources = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=50,
                                        help_text="Ids of your gallery items to read.")
        files = serializers.ListField(child=serializers.FileField(), required=False,
                                      help_text="New images to upload and read (multipart).")

        class Meta:
            ref_name = "OcrJobInput"

    create = staticmethod(services.ocr_job_create)

    @extend_schema(request=InputSerializer, responses={202: JobOutputSerializer})
    def post(self, request):
        return super().post(request)


class OcrLanguagesApi(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request):
        return Response({"engines": engines.ENGINE_CHOICES, "languages": engines.languages_status()})


class OcrExportApi(APIView):
    @extend_schema(responses={(200, "text/plain"): str, (200, "application/json"): dict})
    def get(self, request, job_id, fmt):
        job = ocr_job_get(owner=request.user, job_id=job_id)
        if fmt not in ("txt", "json") or job.status != job.Status.SUCCEEDED:
            raise Http404
        if fmt == "json":
            response = Response(exports.export_data(job))
        else:
            response = HttpResponse(exports.export_txt(job).encode("utf-8"), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, exports.export_filename(job, fmt))
        return response
