from django.urls import path

from ocr import views

app_name = "ocr"
urlpatterns = [
    path("", views.ocr_view, name="read"),
    path("jobs/<uuid:job_id>/", views.ocr_result, name="result"),
    path("jobs/<uuid:job_id>/export.txt", views.ocr_export, {"fmt": "txt"}, name="export-txt"),
    path("jobs/<uuid:job_id>/export.json", views.ocr_export, {"fmt": "json"}, name="export-json"),
]
