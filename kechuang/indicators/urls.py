from django.urls import path

from kechuang.indicators.views import index

app_name = "indicators"

urlpatterns = [
    path("", index.overview, name="overview"),
    path("map/zhejiang.json", index.zhejiang_map, name="map"),
]
