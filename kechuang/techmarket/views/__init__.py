from kechuang.core.views import ImportView
from kechuang.techmarket.importers import (
    ExpertProfileImportSpec,
    TechDemandImportSpec,
    TechResultImportSpec,
)


class TechResultImportView(ImportView):
    spec_class = TechResultImportSpec


class TechDemandImportView(ImportView):
    spec_class = TechDemandImportSpec


class ExpertProfileImportView(ImportView):
    spec_class = ExpertProfileImportSpec
