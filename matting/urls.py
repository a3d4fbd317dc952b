from django.urls import path

from matting import views

app_name = "matting"
urlpatterns = [
    path("", views.cutout_view, name="cutout"),
    path("jobs/<uuid:job_id>/", views.cutout_result, name="result"),
    path("jobs/<uuid:job_id>/cutouts.zip", views.cutout_zip, name="zip"),
    path("jobs/<uuid:job_id>/background/", views.batch_background_create, name="batch-background"),
    path("<uuid:item_id>/", views.cutout_detail, name="detail"),
    path("<uuid:item_id>/background/", views.background_create, name="background"),
    path("<uuid:item_id>/touchup/", views.touchup_view, name="touchup"),
]
