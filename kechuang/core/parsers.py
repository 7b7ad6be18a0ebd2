"""API request parsers, apart from core.api: DRF loads them from the settings while its
views module, which core.api imports, is still loading."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, answering malformed or absurdly nested bodies with a Chinese 400
    (DRF lets the RecursionError of a 100,000-deep array through as a server error)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except (ParseError, RecursionError, ValueError):
            raise ParseError("请求内容不是有效的 JSON，或嵌套过深。") from None
