"""Computed indicators follow their inputs: a monitoring year recomputed, or a 高企 or R&D
institution qualification changed, refreshes the years it bears on once the change commits."""

import datetime

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from kechuang.monitoring.models import Snapshot
from kechuang.registry.choices import QualificationKind
from kechuang.registry.models import Qualification

COUNTED_KINDS = {QualificationKind.HNTE, QualificationKind.RD_INSTITUTION}


def _refresh_after_commit(years: set[int]) -> None:
    from kechuang.indicators.services import refresh_computed

    def refresh():
        for year in sorted(years):
            refresh_computed(year)

    transaction.on_commit(refresh)


@receiver(post_save, sender=Snapshot, dispatch_uid="indicators_follow_monitoring")
def monitoring_recomputed(sender, instance: Snapshot, created: bool, **kwargs):
    if created and instance.is_current:
        _refresh_after_commit({instance.year, instance.year + 1})


@receiver(post_save, sender=Qualification, dispatch_uid="indicators_follow_qualifications")
def qualification_changed(sender, instance: Qualification, **kwargs):
    if instance.kind not in COUNTED_KINDS:
        return
    this_year = timezone.localdate().year
    last = min(
        this_year,
        (instance.valid_until or datetime.date(this_year, 12, 31)).year,
        (instance.revoked_on or datetime.date(this_year, 12, 31)).year,
    )
    years = set(range(max(instance.issued_on.year, this_year - 2), last + 1))
    if years:
        _refresh_after_commit(years)
