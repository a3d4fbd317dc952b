from django.urls import path

from editing import views

app_name = "editing"
urlpatterns = [
    path("crop/", views.crop_view, name="crop"),
    path("resize/", views.resize_view, name="resize"),
]
