"""Registry models in the shared permission and scope suite (core/tests/surfaces.py).

The finer registry matrix, people and institutions included, is test_scope.py."""

from django.urls import reverse

from kechuang.core.tests.surfaces import (
    COUNTY_OFFICERS,
    COUNTY_WRITERS,
    Surface,
    enterprises_of,
)
from kechuang.registry.tests.factories import QualificationFactory


def qualifications(world) -> dict:
    return {key: QualificationFactory(enterprise=e) for key, e in enterprises_of(world).items()}


SURFACES = [
    Surface(
        name="registry.enterprise",
        rows=enterprises_of,
        label=lambda enterprise: enterprise.name,
        viewers=COUNTY_OFFICERS | {"enterprise"},
        editors=COUNTY_WRITERS | {"enterprise"},
        exporters=COUNTY_OFFICERS | {"enterprise"},
        list_url="/registry/enterprises/",
        api_url="/api/registry/enterprises/",
        detail_url=lambda enterprise: enterprise.get_absolute_url(),
        edit_url=lambda enterprise: reverse("registry:enterprise_edit", args=[enterprise.pk]),
    ),
    Surface(
        name="registry.qualification",
        rows=qualifications,
        label=lambda qualification: qualification.enterprise.name,
        viewers=COUNTY_OFFICERS | {"enterprise"},
        editors=COUNTY_WRITERS,
        exporters=COUNTY_OFFICERS,
        list_url="/registry/qualifications/",
        api_url="/api/registry/qualifications/",
        edit_url=lambda q: reverse("registry:qualification_edit", args=[q.pk]),
    ),
]
