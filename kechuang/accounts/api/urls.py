from django.urls import path

from kechuang.accounts.api import views

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("token/", views.TokenView.as_view(), name="api-token"),
]
