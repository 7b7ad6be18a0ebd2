"""Receivers that keep audit columns, history context and the login log without domain code."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from kechuang.core import changelog
from kechuang.core.models import BaseModel, LoginLog
from kechuang.core.requests import client_ip


@receiver(pre_save)
def fill_audit_columns(sender, instance, **kwargs):
    if not isinstance(instance, BaseModel):
        return
    user = changelog.current_user()
    if user is None:
        return
    if instance._state.adding and instance.created_by_id is None:
        instance.created_by = user
    instance.updated_by = user


@receiver(pre_create_historical_record)
def fill_history_origin(sender, history_instance, **kwargs):
    if not history_instance.history_change_reason:
        history_instance.history_change_reason = changelog.current_reason()[:100]
    history_instance.history_job_id = changelog.current_job_id()
    request = changelog.current_request()
    if request is not None:
        history_instance.history_ip = client_ip(request)
        history_instance.history_path = request.path[:300]


def _log(request, event, user=None, username=""):
    LoginLog.objects.create(
        user=user,
        username=(username or getattr(user, "username", ""))[:150],
        event=event,
        ip_address=client_ip(request) if request else None,
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request else ""),
    )


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    _log(request, LoginLog.Event.LOGIN, user=user)


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs):
    if user is not None:
        _log(request, LoginLog.Event.LOGOUT, user=user)


@receiver(user_login_failed)
def log_failed(sender, credentials, request=None, **kwargs):
    _log(request, LoginLog.Event.FAILED, username=credentials.get("username", ""))


@receiver(user_locked_out)
def log_locked(sender, request, username, ip_address, **kwargs):
    _log(request, LoginLog.Event.LOCKED, username=username or "")
