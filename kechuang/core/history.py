"""Readable change history for an object's page, from django-simple-history records."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

from kechuang.core import amounts
from kechuang.core.masking import mask


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    at: object
    user: str
    kind: str
    ip: str | None
    reason: str
    changes: list[FieldChange]


KINDS = {"+": "创建", "~": "修改", "-": "删除"}


def _display(model, name: str, value) -> str:
    if value is None or value == "":
        return "—"
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    if name in getattr(model, "money_fields", ()):
        return f"{amounts.wan_text(value)} 万元"
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation and field.related_model is not None:
        target = field.related_model.objects.filter(pk=value).first()
        return str(target) if target is not None else str(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _unshown(model) -> list[str]:
    """Fields no one edits (audit columns, the spellings worked out from a name): a change
    to them is told by the change that caused it."""
    return [field.name for field in model._meta.concrete_fields if not field.editable]


def shows_ip(viewer) -> bool:
    """Source addresses are for system administrators only."""
    return viewer is None or viewer.is_superuser


def _actor(user, viewer) -> str:
    """Who made a change, as `viewer` may read it: staff of the bureau or a town appear to
    an enterprise or institution user as their organisation, not by name."""
    if user is None:
        return ""
    org = getattr(viewer, "organisation", None)
    if viewer is None or viewer.is_superuser or org is None or org.is_administrative:
        return str(user)
    if user.pk == viewer.pk or user.organisation_id == viewer.organisation_id:
        return str(user)
    return str(user.organisation or "科技局")


def history_entries(
    obj,
    limit: int = 50,
    masked: tuple[str, ...] = (),
    viewer=None,
    secret: tuple[str, ...] = (),
) -> list[HistoryEntry]:
    """The object's changes, newest first, as `viewer` may read them: values of `masked`
    fields masked, of `secret` fields not shown at all (only that they changed), other
    organisations' staff by organisation, addresses for admins only."""
    model = type(obj)
    records = list(
        obj.history.select_related("history_user__organisation").order_by("-history_date")[
            : limit + 1
        ]
    )
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, excluded_fields=_unshown(model))
            for change in delta.changes:
                try:
                    label = str(model._meta.get_field(change.field).verbose_name)
                except FieldDoesNotExist:
                    label = change.field
                if change.field in getattr(model, "money_fields", ()):
                    label = label.replace("（元）", "（万元）")
                if change.field in secret:
                    old, new = "—", "（内容不公开）"
                elif change.field in masked:
                    old, new = mask(change.old) or "—", mask(change.new) or "—"
                else:
                    old = _display(model, change.field, change.old)
                    new = _display(model, change.field, change.new)
                changes.append(FieldChange(label, old, new))
        entries.append(
            HistoryEntry(
                at=record.history_date,
                user=_actor(record.history_user, viewer),
                kind=KINDS.get(record.history_type, record.history_type),
                ip=getattr(record, "history_ip", None) if shows_ip(viewer) else None,
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries
