"""Readable change history for an object's page, from django-simple-history records."""

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist

from kechuang.core.masking import mask


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    at: object
    user: object
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
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation and field.related_model is not None:
        target = field.related_model.objects.filter(pk=value).first()
        return str(target) if target is not None else str(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def history_entries(obj, limit: int = 50, masked: tuple[str, ...] = ()) -> list[HistoryEntry]:
    """The object's changes, newest first; values of `masked` fields are shown masked."""
    model = type(obj)
    records = list(
        obj.history.select_related("history_user").order_by("-history_date")[: limit + 1]
    )
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, excluded_fields=["updated_at", "updated_by"])
            for change in delta.changes:
                try:
                    label = str(model._meta.get_field(change.field).verbose_name)
                except FieldDoesNotExist:
                    label = change.field
                if change.field in masked:
                    old, new = mask(change.old) or "—", mask(change.new) or "—"
                else:
                    old = _display(model, change.field, change.old)
                    new = _display(model, change.field, change.new)
                changes.append(FieldChange(label, old, new))
        entries.append(
            HistoryEntry(
                at=record.history_date,
                user=record.history_user,
                kind=KINDS.get(record.history_type, record.history_type),
                ip=getattr(record, "history_ip", None),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries
