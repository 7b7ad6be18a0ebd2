"""Receivers that tie API tokens and the session clock to logins and logouts."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from kechuang.accounts.models import ApiToken
from kechuang.core.middleware import start_session_clock


@receiver(user_logged_in)
def start_clock(sender, request, user, **kwargs):
    if request is not None:
        start_session_clock(request)


@receiver(user_logged_out)
def revoke_tokens(sender, request, user, **kwargs):
    """Logging out of the site ends every API token of the user; logging out through the API
    ends only the token it was called with (the token view deletes it)."""
    if user is not None and not isinstance(getattr(request, "auth", None), ApiToken):
        ApiToken.objects.filter(user=user).delete()
