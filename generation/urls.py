from django.urls import path

from generation import views

app_name = "generation"
urlpatterns = [
    path("", views.generation_view, name="generate"),
    path("key/", views.generation_key, name="key"),
    path("jobs/<uuid:job_id>/", views.generation_result, name="result"),
]
