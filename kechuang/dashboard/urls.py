from django.urls import path

from kechuang.dashboard import views

urlpatterns = [path("", views.home, name="home")]
