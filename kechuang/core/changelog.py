"""The one path by which changes are recorded: who made them, when, from which request or
background job, and why.

Rows saved one by one get their history row from django-simple-history; rows written in bulk
get theirs from `core.bulk`. Both read who and why from here: the `recording(...)` block a
service or job opens around its writes, and otherwise the request being served (set by
simple-history's middleware). The audit columns (`created_by`, `updated_by`) are filled from
the same place, so domain code never sets them, nor a history row's user or reason, by hand.

Results a recompute writes (snapshots, their entries and alerts) are versions, not edits:
each snapshot records who computed it, when, under which rules and from which data.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from simple_history.models import HistoricalRecords


@dataclass(frozen=True)
class Change:
    """What is being recorded: the acting user, the reason shown in the history, the job."""

    user: object = None
    reason: str = ""
    job_id: int | None = None


_current: ContextVar[Change | None] = ContextVar("kechuang_change", default=None)


@contextmanager
def recording(user=None, *, reason: str = "", job=None) -> Iterator[Change]:
    """Record the writes made inside the block as `user`'s, for `reason`, by `job`. What is
    not given is taken from an enclosing block (a job's user, a service's reason)."""
    outer = _current.get() or Change()
    change = Change(
        user=user if user is not None else outer.user,
        reason=reason or outer.reason,
        job_id=getattr(job, "pk", None) or outer.job_id,
    )
    token = _current.set(change)
    try:
        yield change
    finally:
        _current.reset(token)


def current_request():
    return getattr(HistoricalRecords.context, "request", None)


def current_user():
    """The user changes are made by now: the recording block's, or the request's."""
    change = _current.get()
    if change is not None and change.user is not None:
        return change.user
    user = getattr(current_request(), "user", None)
    if user is not None and user.is_authenticated:
        return user
    return None


def current_reason() -> str:
    change = _current.get()
    return change.reason if change is not None else ""


def current_job_id() -> int | None:
    change = _current.get()
    return change.job_id if change is not None else None


def history_user(instance, request=None, **kwargs):
    """simple-history's `get_user`: the user of the current change."""
    return current_user()
