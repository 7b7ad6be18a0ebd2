"""API request parsers, apart from core.api: DRF loads them from the settings while its
views module, which core.api imports, is still loading."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from kechuang.core.middleware import NUL_MESSAGE, has_nul


def holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(key) or holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(holds_nul(item) for item in value)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, answering malformed or absurdly nested bodies with a Chinese 400
    (DRF lets the RecursionError of a 100,000-deep array through as a server error), and
    text holding NUL, which PostgreSQL cannot store or compare, likewise."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except (ParseError, RecursionError, ValueError):
            raise ParseError("请求内容不是有效的 JSON，或嵌套过深。") from None
        try:
            nul = holds_nul(data)
        except RecursionError:
            raise ParseError("请求内容不是有效的 JSON，或嵌套过深。") from None
        if nul:
            raise ParseError(NUL_MESSAGE)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if has_nul(data):
            raise ParseError(NUL_MESSAGE)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        if has_nul(result.data):
            raise ParseError(NUL_MESSAGE)
        return result
