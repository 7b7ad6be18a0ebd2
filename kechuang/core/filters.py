import re
import unicodedata

import django_filters
from django import forms
from django.db.models import Case, Q, Value, When
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

PINYIN_QUERY = re.compile(r"^[a-zA-Z]{2,}$")


class KeywordFilterSet(django_filters.FilterSet):
    """A FilterSet with one keyword box: Chinese name, code, or pinyin, with ranked results.

    Subclasses set `search_fields` (icontains on names and texts), `code_fields` (prefix
    match on codes, upper-cased) and `spelled_name`, the path to a `SpelledName`'s name
    ("name", "enterprise__name") whose pinyin is searched too.

    Rows come back best match first: the exact name or code, then names beginning with the
    words, then names whose pinyin initials begin with the letters once the place the name
    opens with is left out ("xhc" finds 新昌县新禾成), then names whose pinyin so begins
    ("xinhe"), then names whose initials begin with them place and all ("xcx"), then names
    holding them after their place; each group in pinyin order.
    """

    q = django_filters.CharFilter(label="关键词", method="search")

    search_fields: tuple[str, ...] = ("name",)
    code_fields: tuple[str, ...] = ()
    spelled_name: str | None = "name"

    ranked = False

    @property
    def form(self):
        """The filter form, without the choices a user has none of (an enterprise's user
        has no towns to pick): an empty drop-down reads as broken."""
        if not hasattr(self, "_form"):
            form = super().form
            for field in form.fields.values():
                if isinstance(field, forms.ModelChoiceField) and not field.queryset.exists():
                    field.widget = forms.HiddenInput()
        return self._form

    def search(self, queryset, name, value):
        # Full-width letters and digits (ｘｈｃ, ９１３３…) as typed by a Chinese keyboard.
        value = unicodedata.normalize("NFKC", value).strip()
        if not value:
            return queryset
        words = value.split()
        letters = "".join(words)
        if len(words) > 1 and PINYIN_QUERY.match(letters):
            value, words = letters, [letters]  # "xin he cheng": pinyin typed with spaces
        condition = self.extra_matches(queryset, value)
        # Every word somewhere ("越辉 制药"), in any of the searched fields.
        each_word = Q()
        for word in words:
            anywhere = Q()
            for field in self.search_fields:
                anywhere |= Q(**{f"{field}__icontains": word})
            each_word &= anywhere
        condition |= each_word
        code = value.upper().replace(" ", "")
        ranks = []
        for field in self.code_fields:
            condition |= Q(**{f"{field}__startswith": code})
            ranks.append(When(Q(**{field: code}), then=0))
        named = self.spelled_name or (self.search_fields[0] if self.search_fields else None)
        if named:
            ranks.append(When(Q(**{f"{named}__iexact": value}), then=0))
            ranks.append(When(Q(**{f"{named}__istartswith": value}), then=1))
        if self.spelled_name and PINYIN_QUERY.match(value):
            typed, spelled = value.lower(), self.spelled_name
            core_initials = Q(**{f"{spelled}_core_initials__startswith": typed})
            initials = Q(**{f"{spelled}_initials__startswith": typed})
            core_pinyin = Q(**{f"{spelled}_core_pinyin__startswith": typed})
            # Inside the name after its place, not across it ("xhc" is in 新昌县海成 only as
            # the county's 县 and the name's 海成), nor in its legal form (有限 is "youxian").
            inside = Q(**{f"{spelled}_core_initials__contains": typed}) | Q(
                **{f"{spelled}_core_pinyin__contains": typed}
            )
            ranks += [
                When(core_initials, then=2),  # xhc: 新昌县新禾成
                When(core_pinyin, then=3),  # xinhe: 新昌县新禾成
                When(initials, then=4),  # xcx: every 新昌县 name, after the names meant
            ]
            condition |= core_initials | initials | core_pinyin | inside
        self.ranked = True
        if self.spelled_name:
            within = [f"{self.spelled_name}_sort", "pk"]
        else:
            within = [*queryset.query.order_by] or [*queryset.model._meta.ordering, "pk"]
        return (
            queryset.filter(condition)
            .annotate(search_rank=Case(*ranks, default=Value(5)))
            .order_by("search_rank", *within)
        )

    def extra_matches(self, queryset, value: str) -> Q:
        """Further rows the keyword finds (e.g. by a former name), ranked with the rest."""
        return Q()


class YesNoField(forms.NullBooleanField):
    """Yes, no, or either; anything else is refused, where Django's field would read it as
    "either" and the list would come back unfiltered as if it had been filtered."""

    READINGS = {"true": True, "1": True, "是": True, "false": False, "0": False, "否": False}

    def to_python(self, value):
        if value is None or value == "" or isinstance(value, bool):
            return None if value == "" else value
        reading = self.READINGS.get(str(value).strip().lower())
        if reading is None:
            raise forms.ValidationError(f"应为 true 或 false，收到“{value}”。", code="invalid")
        return reading

    def validate(self, value):
        pass


class YesNoFilter(django_filters.BooleanFilter):
    field_class = YesNoField


def yes_no_filter(label: str, **kwargs) -> YesNoFilter:
    """A yes/no filter whose empty choice reads 全部 rather than 未知."""
    widget = forms.Select(choices=[("", "全部"), ("true", "是"), ("false", "否")])
    return YesNoFilter(label=label, widget=widget, **kwargs)


# The largest id any table here reaches (PostgreSQL integer); beyond it a lookup would fail
# in the database instead of finding nothing.
MAX_ID = 2**31 - 1


def id_filter(**kwargs) -> django_filters.NumberFilter:
    """A filter on a row id that answers a Chinese 400 for ids no table can hold."""
    return django_filters.NumberFilter(min_value=1, max_value=MAX_ID, **kwargs)


def number_filter(low: int, high: int, **kwargs) -> django_filters.NumberFilter:
    """A whole-number filter bounded to what its column holds (years, quarters)."""
    return django_filters.NumberFilter(min_value=low, max_value=high, **kwargs)


class TableOrdering(BaseFilterBackend):
    """`?ordering=` sorts an API list as the column headers of its twin page do: the names
    of the page table's sortable columns (the viewset's `table_class`), "-" before a name
    for descending, several separated by commas. Without it the list keeps its order (by
    id, or best match first for a keyword)."""

    param = "ordering"

    def filter_queryset(self, request, queryset, view):
        table_class = getattr(view, "table_class", None)
        asked = request.query_params.get(self.param, "")
        if table_class is None or getattr(view, "action", None) != "list" or not asked.strip():
            return queryset
        sortable = self.sortable(table_class, queryset)
        names = [name.strip() for name in asked.split(",") if name.strip()]
        unknown = [name for name in names if name.lstrip("-") not in sortable]
        if unknown:
            raise ValidationError(
                {
                    self.param: [
                        f"不能按“{'、'.join(unknown)}”排序。可用：{'、'.join(sortable)}"
                        "（前加“-”为倒序，多个用逗号分隔）。"
                    ]
                }
            )
        paths = []
        for name in names:
            descending = name.startswith("-")
            for path in sortable[name.lstrip("-")]:
                flipped = path[1:] if path.startswith("-") else f"-{path}"
                paths.append(flipped if descending else path)
        return queryset.order_by(*paths, "pk")

    @staticmethod
    def sortable(table_class, queryset) -> dict[str, tuple[str, ...]]:
        """Column name -> the paths it sorts by, for the columns this list's rows can be
        sorted by (a column over a figure only the page computes is left out)."""
        known = {field.name for field in queryset.model._meta.get_fields()}
        known |= set(queryset.query.annotations)
        found = {}
        for name, column in table_class.base_columns.items():
            if column.orderable is False:
                continue
            order_by = column.order_by or (column.accessor or name,)
            paths = tuple(str(path).replace(".", "__") for path in order_by)
            if all(path.lstrip("-").split("__")[0] in known for path in paths):
                found[name] = paths
        return found

    def get_schema_operation_parameters(self, view):
        table_class = getattr(view, "table_class", None)
        if table_class is None:
            return []
        names = list(self.sortable(table_class, view.queryset))
        return [
            {
                "name": self.param,
                "required": False,
                "in": "query",
                "description": f"排序（同页面列标题）：{'、'.join(names)}；前加“-”为倒序，多个用逗号分隔。",
                "schema": {"type": "string"},
            }
        ]


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
        if getattr(view, "table_class", None) is not None:
            yield TableOrdering.param
        paginator = getattr(view, "paginator", None)
        for name in ("page_query_param", "page_size_query_param"):
            if getattr(paginator, name, None):
                yield getattr(paginator, name)
