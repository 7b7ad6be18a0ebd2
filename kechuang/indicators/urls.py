from django.urls import path

from kechuang.indicators.views import catalog, index, simulate, towns, values

app_name = "indicators"

urlpatterns = [
    path("", index.overview, name="overview"),
    path("map/zhejiang.json", index.zhejiang_map, name="map"),
    path("peers/", index.save_peers, name="peers"),
    path("stages.xlsx", simulate.stages, name="stages"),
    path("simulate/", simulate.simulate, name="simulate"),
    path("catalog/", catalog.catalog, name="catalog"),
    path("catalog/add/", catalog.indicator_edit, name="indicator_add"),
    path("catalog/<slug:code>/", catalog.indicator_detail, name="indicator_detail"),
    path("catalog/<slug:code>/edit/", catalog.indicator_edit, name="indicator_edit"),
    path("framework/", catalog.framework_view, name="framework"),
    path("framework.csv", catalog.framework_csv, name="framework_csv"),
    path("values/", values.IndicatorValueListView.as_view(), name="indicatorvalue_list"),
    path("values/add/", values.value_edit, name="indicatorvalue_add"),
    path("values/import/", values.value_import, name="indicatorvalue_import"),
    path("values/import/issues.xlsx", values.import_issues, name="import_issues"),
    path("values/refresh/", values.refresh, name="refresh"),
    path("values/<int:pk>/", values.value_detail, name="indicatorvalue_detail"),
    path("towns/", towns.town_table, name="towns"),
    path("targets/", towns.TargetListView.as_view(), name="target_list"),
    path("targets/add/", towns.target_edit, name="target_add"),
    path("targets/<int:pk>/edit/", towns.target_edit, name="target_edit"),
]
