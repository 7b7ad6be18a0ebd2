import re

import django_filters
from django import forms
from django.db.models import Q
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

PINYIN_QUERY = re.compile(r"^[a-zA-Z]{2,}$")


class KeywordFilterSet(django_filters.FilterSet):
    """A FilterSet with one keyword box: Chinese name, code, or pinyin initials.

    Subclasses set `search_fields` (icontains on names), `code_fields` (prefix match on
    codes, upper-cased) and `initials_field` (the stored pinyin initials).
    """

    q = django_filters.CharFilter(label="关键词", method="search")

    search_fields: tuple[str, ...] = ("name",)
    code_fields: tuple[str, ...] = ()
    initials_field: str | None = "name_initials"

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        for field in self.code_fields:
            condition |= Q(**{f"{field}__startswith": value.upper().replace(" ", "")})
        if self.initials_field and PINYIN_QUERY.match(value):
            condition |= Q(**{f"{self.initials_field}__contains": value.lower()})
        return queryset.filter(condition)


def yes_no_filter(label: str, **kwargs) -> django_filters.BooleanFilter:
    """A yes/no filter whose empty choice reads 全部 rather than 未知."""
    widget = forms.Select(choices=[("", "全部"), ("true", "是"), ("false", "否")])
    return django_filters.BooleanFilter(label=label, widget=widget, **kwargs)


# The largest id any table here reaches (PostgreSQL integer); beyond it a lookup would fail
# in the database instead of finding nothing.
MAX_ID = 2**31 - 1


def id_filter(**kwargs) -> django_filters.NumberFilter:
    """A filter on a row id that answers a Chinese 400 for ids no table can hold."""
    return django_filters.NumberFilter(min_value=1, max_value=MAX_ID, **kwargs)


def number_filter(low: int, high: int, **kwargs) -> django_filters.NumberFilter:
    """A whole-number filter bounded to what its column holds (years, quarters)."""
    return django_filters.NumberFilter(min_value=low, max_value=high, **kwargs)


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's API backend refusing, on lists, query parameters it does not know: a
    misspelt or unsupported filter would otherwise return every row as if it had filtered."""

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", None) == "list":
            known = set(self._known_parameters(request, queryset, view))
            unknown = sorted(set(request.query_params) - known)
            if unknown:
                raise ValidationError(
                    {
                        "detail": f"不支持的查询参数：{'、'.join(unknown)}。"
                        f"可用的参数：{'、'.join(sorted(known))}。"
                    }
                )
        return super().filter_queryset(request, queryset, view)

    def _known_parameters(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            yield from filterset_class.base_filters
        yield from getattr(view, "extra_query_params", ())
        paginator = getattr(view, "paginator", None)
        for name in ("page_query_param", "page_size_query_param"):
            if getattr(paginator, name, None):
                yield getattr(paginator, name)
