"""REST API of the gallery and jobs; the same selectors and services as the pages."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.api import StudioPagination
from gallery import files, selectors, services
from gallery.models import GalleryItem, Job
from gallery.serializers import GalleryItemOutputSerializer, JobOutputSerializer


class JobCreateThrottle(ScopedRateThrottle):
    scope_attr = "throttle_scope"

    def get_cache_key(self, request, view):
        if request.method != "POST":
            return None
        return super().get_cache_key(request, view)


def job_accepted(job: Job, request) -> Response:
    job = selectors.job_get(owner=request.user, job_id=job.id)
    data = JobOutputSerializer(job, context={"request": request}).data
    return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})


class JobCreateApi(APIView):
    """Base of the feature APIs that start a job on images: JSON or multipart, throttled per user.
    A subclass with `InputSerializer` (fields `sources`: the caller's gallery ids, `files`: uploads,
    and its own parameters) and `create = staticmethod(services.<x>_job_create)` gets a POST that
    answers 202 with the job; its own `post` only adds the schema (`return super().post(request)`)."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]
    throttle_classes = [JobCreateThrottle]
    throttle_scope = "jobs"
    InputSerializer: type[serializers.Serializer]
    create = None

    def post(self, request):
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        sources = source_items(request, data.pop("sources", []))
        data.pop("files", None)
        job = type(self).create(user=request.user, params=data, sources=sources,
                                uploads=request.FILES.getlist("files"))
        return job_accepted(job, request)


class GalleryItemListApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=GalleryItem.Kind.values),
            OpenApiParameter("q", str, description="Search words in names and metadata (OCR text, prompts)."),
            OpenApiParameter("page", int),
        ],
        responses=GalleryItemOutputSerializer(many=True),
    )
    def get(self, request):
        kind = request.query_params.get("kind") or None
        qs = selectors.gallery_item_list(owner=request.user, kind=kind, query=request.query_params.get("q"))
        paginator = StudioPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(
            GalleryItemOutputSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(
        request={"multipart/form-data": inline_serializer("Upload", {"files": serializers.ListField(child=serializers.ImageField())})},
        responses={201: GalleryItemOutputSerializer(many=True)},
    )
    def post(self, request):
        uploads = request.FILES.getlist("files") or request.FILES.getlist("file")
        items = services.gallery_uploads_create(owner=request.user, files=uploads)
        return Response(
            GalleryItemOutputSerializer(items, many=True, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class GalleryItemDetailApi(APIView):
    @extend_schema(responses=GalleryItemOutputSerializer)
    def get(self, request, item_id):
        item = selectors.gallery_item_get(owner=request.user, item_id=item_id)
        return Response(GalleryItemOutputSerializer(item, context={"request": request}).data)

    @extend_schema(responses={204: None})
    def delete(self, request, item_id):
        item = selectors.gallery_item_get(owner=request.user, item_id=item_id)
        services.gallery_items_delete(items=[item])
        return Response(status=status.HTTP_204_NO_CONTENT)


class GalleryItemFileApi(APIView):
    @extend_schema(responses={(200, "image/*"): bytes})
    def get(self, request, item_id):
        item = selectors.gallery_item_get(owner=request.user, item_id=item_id)
        return files.item_file_response(item, attachment=False)


class GalleryItemThumbnailApi(APIView):
    @extend_schema(responses={(200, "image/webp"): bytes})
    def get(self, request, item_id):
        item = selectors.gallery_item_get(owner=request.user, item_id=item_id)
        return files.item_thumbnail_response(item)


class GalleryItemDownloadApi(APIView):
    def perform_content_negotiation(self, request, force=False):
        # `?format=` names the image format to convert to here, not DRF's renderer override
        # (which answered 404 for ?format=JPEG); errors still render as JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["PNG", "JPEG", "WEBP"], description="Convert on the fly.")],
        responses={(200, "image/*"): bytes},
    )
    def get(self, request, item_id):
        item = selectors.gallery_item_get(owner=request.user, item_id=item_id)
        return files.item_download_response(item, request.query_params.get("format"))


class JobListApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("kind", str), OpenApiParameter("status", str, enum=Job.Status.values)],
        responses=JobOutputSerializer(many=True),
    )
    def get(self, request):
        qs = selectors.job_list(
            owner=request.user, kind=request.query_params.get("kind") or None,
            status=request.query_params.get("status") or None,
        )
        paginator = StudioPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(JobOutputSerializer(page, many=True, context={"request": request}).data)


class JobDetailApi(APIView):
    @extend_schema(responses=JobOutputSerializer)
    def get(self, request, job_id):
        job = services.job_check_liveness(job=selectors.job_get(owner=request.user, job_id=job_id))
        return Response(JobOutputSerializer(job, context={"request": request}).data)


class JobCancelApi(APIView):
    @extend_schema(request=None, responses=JobOutputSerializer)
    def post(self, request, job_id):
        job = selectors.job_get(owner=request.user, job_id=job_id)
        services.job_cancel(job=job)
        job = selectors.job_get(owner=request.user, job_id=job_id)
        return Response(JobOutputSerializer(job, context={"request": request}).data)


def source_items(request, ids) -> list[GalleryItem]:
    """Resolves source ids for a job API; an unknown or foreign id answers 404 (the pages' rule)."""
    return selectors.gallery_items_owned(owner=request.user, ids=ids)

