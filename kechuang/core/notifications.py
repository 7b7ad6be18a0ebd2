"""Messages to users: one row per recipient, read in the inbox (`core:notifications`)."""

from collections.abc import Iterable

from django.utils import timezone

from kechuang.core.models import Notification


def notify(recipients: Iterable, title: str, *, url: str = "", body: str = "", actor=None) -> int:
    """Tell each active recipient once (the user who caused it is not told); returns how many
    were told."""
    seen, rows = set(), []
    if actor is not None:
        body = "\n".join(filter(None, [f"操作人：{sender(actor)}", body]))
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        if actor is not None and user.pk == actor.pk:
            continue
        seen.add(user.pk)
        rows.append(Notification(recipient=user, title=title[:200], body=body, url=url[:300]))
    Notification.objects.bulk_create(rows)
    return len(rows)


def sender(user) -> str:
    """Who caused a notice, as the recipient reads it: the person and their organisation."""
    name = user.get_full_name() or user.username
    return f"{user.organisation}·{name}" if user.organisation_id else name


def unread(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user, pk: int | None = None) -> int:
    """Mark one of the user's messages read, or all of them."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        rows = rows.filter(pk=pk)
    return rows.update(read_at=timezone.now())
