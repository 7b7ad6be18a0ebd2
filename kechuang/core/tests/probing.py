"""What the probe suite walks: every URL pattern, every API operation, and how to tell a
request that wrote to the database from one that only read.

Nothing here names a URL: routes come from the resolver and the OpenAPI schema, models from
the views behind them, query parameters from their filter sets and the schema. A new page or
API route is probed as soon as it is routed.
"""

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver

CJK = re.compile(r"[\u4e00-\u9fff]")
ROUTE_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
REGEX_PARAM = re.compile(r"\(\?P<(?P<name>\w+)>(?:[^()]|\([^()]*\))*\)")
WRITE_SQL = re.compile(
    r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(?P<table>\w+)"?', re.I
)
SAVEPOINT = re.compile(r'^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\s+"?(\w+)"?', re.I)

# Tables a refused or read-only request may still write: sessions, lockout counters, the
# audit logs that record the attempt, and API tokens, which a logout revokes.
WRITABLE_TABLES = re.compile(
    r"^(django_session|axes_\w+|core_operationlog|core_loginlog|accounts_apitoken)$"
)


@dataclass
class Route:
    """One routed URL pattern: its pattern text, its view and what the view is about."""

    pattern: str
    name: str
    callback: object
    params: tuple[str, ...]
    is_api: bool
    methods: tuple[str, ...] = ()
    query_params: tuple[str, ...] = ()
    model: type | None = None

    @property
    def key(self) -> str:
        return self.name or self.pattern

    def url(self, values: dict[str, object]) -> str:
        """The pattern with each parameter replaced by `values[name]`."""
        text = self.pattern
        text = REGEX_PARAM.sub(lambda m: str(values[m["name"]]), text)
        text = ROUTE_PARAM.sub(lambda m: str(values[m["name"]]), text)
        text = text.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")
        return "/" + text.lstrip("/")


def _params(pattern: str) -> tuple[str, ...]:
    names = [m["name"] for m in REGEX_PARAM.finditer(pattern)]
    names += [m["name"] for m in ROUTE_PARAM.finditer(REGEX_PARAM.sub("", pattern))]
    return tuple(names)


def _model_of(callback, name: str):
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view is not None:
        model = getattr(view, "model", None)
        if model is None and getattr(view, "queryset", None) is not None:
            model = view.queryset.model
        if model is not None:
            return model
    # Function views: "monitoring:alert_acknowledge" is about monitoring.Alert.
    if ":" in name:
        app_label, rest = name.rsplit(":", 1)
        try:
            return apps.get_model(app_label, rest.split("_")[0])
        except LookupError:
            return None
    return None


def _filter_names(callback) -> tuple[str, ...]:
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    filterset = getattr(view, "filterset_class", None)
    names = tuple(filterset.base_filters) if filterset is not None else ()
    return names + tuple(getattr(view, "filterset_fields", None) or ())


def url_routes(skip_prefixes: tuple[str, ...] = ()) -> list[Route]:
    """Every URL pattern the resolver knows, recursively, with namespaced names."""
    found: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            pattern = prefix + str(entry.pattern)
            if any(pattern.lstrip("^").startswith(p) for p in skip_prefixes):
                continue
            if isinstance(entry, URLResolver):
                inner = entry.namespace or ""
                walk(entry, pattern, f"{namespace}:{inner}".strip(":") if inner else namespace)
            elif isinstance(entry, URLPattern):
                if getattr(entry.callback, "moved_to", None):
                    continue  # a redirect to a route probed at its own address
                name = f"{namespace}:{entry.name}".strip(":") if entry.name else ""
                found.append(
                    Route(
                        pattern=pattern,
                        name=name,
                        callback=entry.callback,
                        params=_params(pattern),
                        is_api=pattern.lstrip("^").startswith("api/"),
                        query_params=_filter_names(entry.callback),
                        model=_model_of(entry.callback, name),
                    )
                )

    walk(get_resolver(), "", "")
    return found


def api_operations() -> list[Route]:
    """Every operation in the drf-spectacular schema, with its documented query parameters."""
    from django.urls import resolve
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, operations in schema["paths"].items():
        methods = tuple(m.upper() for m in operations if m != "parameters")
        query = {
            p["name"]
            for op in operations.values()
            if isinstance(op, dict)
            for p in op.get("parameters", [])
            if p.get("in") == "query"
        }
        params = tuple(re.findall(r"{(\w+)}", path))
        sample = re.sub(r"{\w+}", "1", path)
        match = resolve(sample)
        found.append(
            Route(
                pattern=re.sub(r"{(\w+)}", r"<\1>", path),
                name=match.view_name,
                callback=match.func,
                params=params,
                is_api=True,
                methods=methods,
                query_params=tuple(sorted(query)),
                model=_model_of(match.func, match.view_name),
            )
        )
    return found


@dataclass
class WriteRecorder:
    """Statements that changed tables during a request, minus those rolled back to a
    savepoint; writes to `WRITABLE_TABLES` are allowed."""

    writes: list[str] = field(default_factory=list)
    _stack: list[tuple[str, int]] = field(default_factory=list)

    def __call__(self, execute, sql, params, many, context):
        text = sql if isinstance(sql, str) else str(sql)
        savepoint = SAVEPOINT.match(text)
        if savepoint:
            verb, name = savepoint[1].upper(), savepoint[2]
            if verb == "SAVEPOINT":
                self._stack.append((name, len(self.writes)))
            elif any(n == name for n, _ in self._stack):
                while self._stack:
                    top, mark = self._stack.pop()
                    if top == name:
                        if verb.startswith("ROLLBACK"):
                            del self.writes[mark:]
                            self._stack.append((top, mark))  # still open after rollback-to
                        break
        else:
            write = WRITE_SQL.match(text)
            if write and not WRITABLE_TABLES.match(write["table"]):
                self.writes.append(f"{write['table']}: {text[:120]}")
        return execute(sql, params, many, context)


def request_writes(send) -> tuple[object, list[str]]:
    """The response of `send()` and the lasting writes it made."""
    recorder = WriteRecorder()
    with connection.execute_wrapper(recorder):
        response = send()
    return response, recorder.writes


class ReadParams:
    """The query parameter names a view looks up while answering, recorded on QueryDict."""

    def __init__(self):
        self.names: set[str] = set()
        self._saved = {}

    def __enter__(self):
        for method in ("get", "getlist", "__getitem__", "__contains__"):
            original = getattr(QueryDict, method)
            self._saved[method] = original

            def wrapper(querydict, key, *args, _original=original, **kwargs):
                if querydict is not None and isinstance(key, str):
                    self.names.add(key)
                return _original(querydict, key, *args, **kwargs)

            setattr(QueryDict, method, wrapper)
        return self

    def __exit__(self, *exc):
        for method, original in self._saved.items():
            setattr(QueryDict, method, original)


def body_text(response) -> str:
    """Everything a user could read in the response: text, or the XML inside a workbook."""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if content[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                return "".join(
                    archive.read(n).decode("utf-8", "replace")
                    for n in archive.namelist()
                    if n.endswith(".xml")
                )
        except zipfile.BadZipFile:
            pass
    return content.decode("utf-8", "replace")


def walk_routes(routes: list[Route]) -> Iterator[Route]:
    seen = set()
    for route in routes:
        if route.pattern not in seen:
            seen.add(route.pattern)
            yield route
