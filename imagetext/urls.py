from django.urls import path

from imagetext import views

app_name = "imagetext"
urlpatterns = [
    path("text/", views.text_view, name="text"),
    path("text/preview/", views.text_preview, name="text-preview"),
    path("text/lines/<uuid:job_id>/", views.text_lines_status, name="text-lines-status"),
    path("text/jobs/<uuid:job_id>/", views.text_result, name="text-result"),
]
