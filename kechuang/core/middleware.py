import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from kechuang.core.requests import detail_response

OPEN_PREFIXES = ("/accounts/login/", "/static/", "/api/", "/admin/", "/favicon.ico")

# Session keys: when the user logged in and when they were last seen (epoch seconds).
LOGIN_AT = "kechuang_login_at"
SEEN_AT = "kechuang_seen_at"
# Last activity is written at most this often, so that reading pages writes nothing.
SEEN_RESOLUTION = 60


class LoginRequiredMiddleware:
    """Every page needs a login except the login page, static files, and the API and admin,
    which answer unauthenticated requests themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)


def start_session_clock(request) -> None:
    """Mark the login time of a freshly logged-in session."""
    session = getattr(request, "session", None)
    if session is not None:
        session[LOGIN_AT] = session[SEEN_AT] = int(time.time())


class SessionTimeoutMiddleware:
    """Ends a session SESSION_MAX_SECONDS after login, or after SESSION_IDLE_SECONDS without a
    request, whichever comes first; the user lands on the login page with a message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request) -> None:
        session = request.session
        now = int(time.time())
        login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
        if login_at is None or seen_at is None:
            start_session_clock(request)
            return
        if now - login_at >= settings.SESSION_MAX_SECONDS:
            hours = settings.SESSION_MAX_SECONDS // 3600
            self._end(request, f"登录已满 {hours} 小时，请重新登录。")
        elif now - seen_at >= settings.SESSION_IDLE_SECONDS:
            minutes = settings.SESSION_IDLE_SECONDS // 60
            self._end(request, f"已有 {minutes} 分钟未操作，请重新登录。")
        elif now - seen_at >= SEEN_RESOLUTION:
            session[SEEN_AT] = now

    @staticmethod
    def _end(request, message: str) -> None:
        # Not auth.logout(): an expired session is not a logout, so the user's API tokens and
        # the login log stay as they are.
        request.session.flush()
        request.user = AnonymousUser()
        messages.warning(request, message)


class NoStoreMiddleware:
    """Responses to a logged-in user (pages, exports, API) are never kept by browsers or
    proxies; static files are answered before this by WhiteNoise and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


NUL_MESSAGE = "请求中含有空字符（\\0），无法保存或查询，请删去后重试。"


def has_nul(data) -> bool:
    """Whether a QueryDict's keys or text values hold a NUL character, which PostgreSQL
    cannot store or compare."""
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in data.lists()
    )


def nul_answer(request):
    if request.path.startswith("/api/"):
        return detail_response(NUL_MESSAGE, 400)
    return render(request, "400.html", {"message": NUL_MESSAGE}, status=400)


class NulCharacterMiddleware:
    """Refuses query strings and form fields holding NUL with a 400 in Chinese, before a
    lookup or filter hands them to the database (JSON bodies are checked by the API parser).
    Placed after the upload limit, so that an oversized upload is refused unread."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if has_nul(request.GET) or (request.method == "POST" and has_nul(request.POST)):
            return nul_answer(request)
        return None


class MethodNotAllowedPageMiddleware:
    """Pages refusing a method (require_POST and the like) answer with an empty body; a user
    who followed a link to one gets the Chinese page instead, with the same Allow header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not response.content
            and not request.path.startswith("/api/")
            and hasattr(request, "user")
        ):
            page = render(request, "405.html", status=405)
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        return response
