from django.urls import path

from editing import text_views, views

app_name = "editing"
urlpatterns = [
    path("crop/", views.crop_view, name="crop"),
    path("resize/", views.resize_view, name="resize"),
    path("text/", text_views.text_view, name="text"),
    path("text/preview/", text_views.text_preview, name="text-preview"),
    path("text/lines/<uuid:job_id>/", text_views.text_lines_status, name="text-lines-status"),
    path("text/jobs/<uuid:job_id>/", text_views.text_result, name="text-result"),
]
