from django.urls import path

from gallery import views

app_name = "gallery"
urlpatterns = [
    path("", views.gallery_list, name="list"),
    path("upload/", views.gallery_upload, name="upload"),
    path("bulk/", views.gallery_bulk, name="bulk"),
    path("<uuid:item_id>/", views.gallery_item_detail, name="item-detail"),
    path("<uuid:item_id>/delete/", views.gallery_item_delete, name="item-delete"),
    path("<uuid:item_id>/file/", views.gallery_item_file, name="item-file"),
    path("<uuid:item_id>/thumbnail/", views.gallery_item_thumbnail, name="item-thumbnail"),
    path("<uuid:item_id>/download/", views.gallery_item_download, name="item-download"),
    path("jobs/", views.job_list, name="job-list"),
    path("jobs/<uuid:job_id>/", views.job_detail, name="job-detail"),
    path("jobs/<uuid:job_id>/cancel/", views.job_cancel, name="job-cancel"),
]
