"""`reset_domain_data`: empty the registry and accounts tables for a fresh start.

Why a module of its own: `kechuang demo --reset` and the tests clear the demo county and the
benchmark data alike, so the reset belongs to neither generator.
"""

from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection, transaction
from simple_history.utils import get_history_model_for_model

from kechuang.accounts.models import Organisation, Role, User
from kechuang.registry.models import (
    ChainLink,
    Enterprise,
    EnterpriseFormerName,
    IndustryChain,
    Institution,
    Person,
    Qualification,
    ScaleRecord,
)
from kechuang.techmarket import models as market


def reset_domain_data() -> dict[str, int]:
    """Delete every registry and accounts row, and their history; regions and industries stay.

    Plain DELETE statements: the ORM's cascade would load every row and write a deletion
    history row for each, which takes minutes at benchmark scale. Rows elsewhere that point
    here are cleared first: nullable links are set to NULL, rows with required links (admin
    log entries, API tokens, rows of later apps about enterprises) are deleted with them.
    """
    domain = [
        # The market first, children before parents: a result may lose neither owner to a
        # NULL, and the county's own events would not otherwise be cleared.
        market.EventPairing,
        market.EventParticipant,
        market.MatchStep,
        market.Match,
        market.MatchmakingEvent,
        market.Disclosure,
        market.ResultPatent,
        market.TechResult,
        market.TechDemand,
        market.ExpertProfile,
        Person,
        Qualification,
        ScaleRecord,
        ChainLink,
        EnterpriseFormerName,
        Enterprise,
        Institution,
        IndustryChain,
        User,
        Role,
        Group,
        Organisation,
    ]
    wiped = list(domain)
    for model in domain:
        if model is not Group:
            wiped.append(get_history_model_for_model(model))
    wiped_set = set(wiped)
    tables = set(connection.introspection.table_names())
    candidates = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and m._meta.db_table in tables
    ]
    wiped = [m for m in wiped if m._meta.db_table in tables]

    def links(model):
        return [
            f
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model in wiped_set and f.db_constraint
        ]

    growing = True
    while growing:
        growing = False
        for model in candidates:
            if model not in wiped_set and any(not f.null for f in links(model)):
                wiped.insert(0, model)
                wiped_set.add(model)
                growing = True
    deleted = {}
    with transaction.atomic():
        for model in candidates:
            if model not in wiped_set:
                for f in links(model):
                    model._base_manager.filter(**{f"{f.name}__isnull": False}).update(
                        **{f.name: None}
                    )
        with connection.cursor() as cursor:
            for model in wiped:
                table = model._meta.db_table
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
                deleted[table] = cursor.rowcount
    return deleted
