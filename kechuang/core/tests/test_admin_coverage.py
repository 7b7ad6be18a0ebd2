"""Every model of the later apps is in the admin, and the admin deletes none of them: a row
a figure depends on is corrected or withdrawn, never removed."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from kechuang.conftest import SHARED_WORLD
from kechuang.core.admin import NoDeleteAdmin, ReadOnlyAdmin

pytestmark = SHARED_WORLD

APPS = ("assessment", "indicators", "techmarket")
MODELS = [
    model
    for label in APPS
    for model in apps.get_app_config(label).get_models()
    if not model.__name__.startswith("Historical")
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_model_is_in_the_admin_and_nothing_is_deleted(world, login, model):
    model_admin = admin.site._registry[model]
    assert isinstance(model_admin, NoDeleteAdmin | ReadOnlyAdmin)
    assert not model_admin.has_delete_permission(request=None)
    opts = model._meta
    response = login(world.admin).get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    )
    assert response.status_code == 200
