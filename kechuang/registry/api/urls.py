from kechuang.core.api import AppRouter
from kechuang.registry.api import views

router = AppRouter("registry")
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")
router.register("qualifications", views.QualificationViewSet, basename="qualification")
router.register("institutions", views.InstitutionViewSet, basename="institution")
router.register("people", views.PersonViewSet, basename="person")
router.register("chains", views.IndustryChainViewSet, basename="industrychain")
