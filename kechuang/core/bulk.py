"""Tens of thousands of rows written at once, with the audit trail the ORM would leave.

django-simple-history's bulk helpers build a model instance and a history instance per row,
which costs more than the database work. Here new rows go in through `frames.write_frame`,
changed rows through one prepared UPDATE, and each row's history is copied from the table by
the database itself (INSERT ... SELECT), stamped with the user, reason, time and request.
"""

import json
from collections.abc import Iterable, Sequence

import pandas as pd
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from kechuang.core import changelog
from kechuang.core.frames import write_frame
from kechuang.core.requests import client_ip

CHUNK = 900  # ids per statement: under every backend's limit on parameters


def history_origin() -> tuple[str | None, str]:
    """The client address and path of the request being served, if any."""
    request = changelog.current_request()
    if request is None:
        return None, ""
    return client_ip(request), request.path[:300]


def chunks(values: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def write_history(queryset: QuerySet, *, kind: str, user=None, reason: str = "") -> None:
    """One history row per row of `queryset`, as it stands now: '+' after inserting, '~'
    after updating, '-' before deleting. User and reason default to the change being
    recorded (core.changelog)."""
    user = user if user is not None else changelog.current_user()
    reason = reason or changelog.current_reason()
    model = queryset.model
    history = model.history.model
    own = {f.attname for f in model._meta.concrete_fields}
    tracked = [f.attname for f in history._meta.concrete_fields if f.attname in own]
    stamp = {
        "history_date": connection.ops.adapt_datetimefield_value(timezone.now()),
        "history_type": kind,
        "history_user_id": getattr(user, "pk", None),
        "history_change_reason": reason[:100],
        "history_job_id": changelog.current_job_id(),
    }
    stamp["history_ip"], stamp["history_path"] = history_origin()
    sql, params = queryset.order_by().values_list(*tracked).query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in [*tracked, *stamp])
    placeholders = ", ".join(["%s"] * len(stamp))
    statement = (
        f"INSERT INTO {quote(history._meta.db_table)} ({columns}) "
        f"SELECT rows_.*, {placeholders} FROM ({sql}) rows_"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*stamp.values(), *params])


def audit_columns(user, *, created: bool) -> dict:
    """The audit columns (BaseModel) of rows written now by `user`, as stored values."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    pk = getattr(user, "pk", None)
    columns = {"updated_at": now, "updated_by_id": pk}
    if created:
        columns |= {"created_at": now, "created_by_id": pk}
    return columns


def insert_rows(
    model, frame: pd.DataFrame, *, user, reason: str, within: QuerySet, key: str
) -> None:
    """Insert new rows (columns named as the table's) and their '+' history rows. `key` is
    a column of the frame that, inside `within`, picks out exactly the new rows."""
    if frame.empty:
        return
    write_frame(model, frame.assign(**audit_columns(user, created=True)))
    keys = frame[key].tolist()
    for part in chunks(keys):
        write_history(within.filter(**{f"{key}__in": part}), kind="+", user=user, reason=reason)


def update_rows(model, frame: pd.DataFrame, *, user, reason: str) -> None:
    """Set the frame's columns on the rows its 'id' column names, and record '~' history."""
    if frame.empty:
        return
    frame = frame.assign(**audit_columns(user, created=False))
    names = [c for c in frame.columns if c != "id"]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(name)} = %s" for name in names)
    statement = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE id = %s"
    values = frame[[*names, "id"]].astype(object)
    values = values.where(values.notna(), None)
    with connection.cursor() as cursor:
        cursor.executemany(statement, list(values.itertuples(index=False, name=None)))
    ids = [int(pk) for pk in frame["id"]]
    for part in chunks(ids):
        write_history(model.objects.filter(pk__in=part), kind="~", user=user, reason=reason)


def delete_rows(model, ids: Sequence[int], *, user, reason: str) -> None:
    """Delete rows by id, recording each one's '-' history row first. For rows nothing
    else refers to: no signals are sent and no cascade is followed."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        for part in chunks(list(ids)):
            write_history(model.objects.filter(pk__in=part), kind="-", user=user, reason=reason)
            cursor.execute(
                f"DELETE FROM {table} WHERE id IN ({', '.join(['%s'] * len(part))})", list(part)
            )


def set_by_ids(model, ids: Sequence[int], values: dict) -> None:
    """Set columns to the same values on many rows at once, in one statement where the
    database takes the ids as one parameter (an array, or JSON on SQLite)."""
    if not len(ids):
        return
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(name)} = %s" for name in values)
    update = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE id "
    ids = [int(pk) for pk in ids]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(update + "= ANY(%s)", [*values.values(), ids])
        elif connection.vendor == "sqlite":
            cursor.execute(
                update + "IN (SELECT value FROM json_each(%s))",
                [*values.values(), json.dumps(ids)],
            )
        else:
            for part in chunks(ids):
                cursor.execute(
                    update + f"IN ({', '.join(['%s'] * len(part))})", [*values.values(), *part]
                )
