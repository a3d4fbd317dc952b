from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("language/", views.language_set, name="language"),
    path("tokens/", views.api_token_create, name="token-create"),
    path("tokens/<uuid:token_id>/revoke/", views.api_token_revoke, name="token-revoke"),
    path("delete/", views.account_delete, name="delete"),
]
