from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from editing.apis import CropJobCreateApi, ResizeJobCreateApi
from gallery import apis as gallery
from matting import apis as matting
from generation import apis as generation
from imagetext import apis as text_apis
from ocr import apis as ocr

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (no inline script); its page
    # keeps one small <style> element, allowed on this page only.
    path("docs/", csp_update({"style-src": [UNSAFE_INLINE]})(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
         name="docs"),
    path("gallery/items/", gallery.GalleryItemListApi.as_view(), name="gallery-item-list"),
    path("gallery/items/<uuid:item_id>/", gallery.GalleryItemDetailApi.as_view(), name="gallery-item-detail"),
    path("gallery/items/<uuid:item_id>/file/", gallery.GalleryItemFileApi.as_view(), name="gallery-item-file"),
    path("gallery/items/<uuid:item_id>/thumbnail/", gallery.GalleryItemThumbnailApi.as_view(),
         name="gallery-item-thumbnail"),
    path("gallery/items/<uuid:item_id>/download/", gallery.GalleryItemDownloadApi.as_view(),
         name="gallery-item-download"),
    path("jobs/", gallery.JobListApi.as_view(), name="job-list"),
    path("jobs/<uuid:job_id>/", gallery.JobDetailApi.as_view(), name="job-detail"),
    path("jobs/<uuid:job_id>/cancel/", gallery.JobCancelApi.as_view(), name="job-cancel"),
    path("editing/crop/", CropJobCreateApi.as_view(), name="editing-crop"),
    path("editing/resize/", ResizeJobCreateApi.as_view(), name="editing-resize"),
    path("editing/text/lines/", text_apis.TextLinesJobCreateApi.as_view(), name="editing-text-lines"),
    path("editing/text/add/", text_apis.TextAddJobCreateApi.as_view(), name="editing-text-add"),
    path("editing/text/modify/", text_apis.TextModifyJobCreateApi.as_view(), name="editing-text-modify"),
    path("editing/text/remove/", text_apis.TextRemoveJobCreateApi.as_view(), name="editing-text-remove"),
    path("editing/text/methods/", text_apis.TextFillMethodsApi.as_view(), name="editing-text-methods"),
    path("ocr/", ocr.OcrJobCreateApi.as_view(), name="ocr-create"),
    path("ocr/languages/", ocr.OcrLanguagesApi.as_view(), name="ocr-languages"),
    path("ocr/<uuid:job_id>/export/txt/", ocr.OcrExportApi.as_view(), {"fmt": "txt"}, name="ocr-export-txt"),
    path("ocr/<uuid:job_id>/export/json/", ocr.OcrExportApi.as_view(), {"fmt": "json"}, name="ocr-export-json"),
    path("matting/cutout/", matting.CutoutJobCreateApi.as_view(), name="matting-cutout"),
    path("matting/background/", matting.BackgroundJobCreateApi.as_view(), name="matting-background"),
    path("matting/touchup/", matting.TouchupJobCreateApi.as_view(), name="matting-touchup"),
    path("matting/engines/", matting.MattingEnginesApi.as_view(), name="matting-engines"),
    path("matting/<uuid:job_id>/zip/", matting.CutoutZipApi.as_view(), name="matting-zip"),
    path("matting/<uuid:job_id>/cancel/", matting.MattingJobCancelApi.as_view(), name="matting-cancel"),
    path("matting/<uuid:job_id>/background/", matting.BatchBackgroundJobCreateApi.as_view(),
         name="matting-batch-background"),
    path("generation/", generation.GenerationJobCreateApi.as_view(), name="generation-create"),
    path("generation/models/", generation.GenerationCatalogApi.as_view(), name="generation-models"),
    path("generation/text/", text_apis.TextGenerationJobCreateApi.as_view(), name="generation-text"),
    path("generation/templates/expand/", generation.GenerationTemplateExpandApi.as_view(),
         name="generation-template-expand"),
    path("generation/key/", generation.GenerationKeyApi.as_view(), name="generation-key"),
    path("generation/jobs/<uuid:job_id>/cancel/", generation.GenerationJobCancelApi.as_view(),
         name="generation-cancel"),
    path("generation/items/<uuid:item_id>/again/", generation.GenerationAgainApi.as_view(),
         name="generation-again"),
]
