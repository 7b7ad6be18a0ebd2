from django.conf import settings
from django.core.paginator import Paginator
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.utils.urls import replace_query_param


class BoundedPaginator(Paginator):
    """A page of 1 to LIST_MAX_PER_PAGE rows whatever `?per_page=` asks: zero, negative or
    non-numeric sizes give the default, huge ones the maximum."""

    default_per_page = 25

    def __init__(self, object_list, per_page, *args, **kwargs):
        try:
            per_page = int(per_page)
        except (TypeError, ValueError):
            per_page = self.default_per_page
        if per_page < 1:
            per_page = self.default_per_page
        super().__init__(object_list, min(per_page, settings.LIST_MAX_PER_PAGE), *args, **kwargs)


class ApiPagination(PageNumberPagination):
    """API pages of 50 rows by default; `?page_size=` asks for up to API_MAX_PAGE_SIZE."""

    page_size_query_param = "page_size"

    @property
    def max_page_size(self):
        return settings.API_MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        """A page number or size that is not a whole number is a malformed request (400),
        not a page that does not exist, nor a size silently replaced by the default."""
        for name in (self.page_query_param, self.page_size_query_param):
            asked = request.query_params.get(name)
            if asked is None or (name == self.page_query_param and asked in self.last_page_strings):
                continue
            if not (asked.isascii() and asked.isdigit() and int(asked) > 0):
                raise ValidationError({name: [f"应为正整数，收到“{asked}”。"]})
        return super().paginate_queryset(queryset, request, view)

    def get_next_link(self):
        return self._as_served(super().get_next_link())

    def get_previous_link(self):
        return self._as_served(super().get_previous_link())

    def _as_served(self, url):
        """A link to the next page says the page size served, not one asked beyond the cap."""
        if url is None or self.page_size_query_param not in self.request.query_params:
            return url
        return replace_query_param(url, self.page_size_query_param, self.page.paginator.per_page)
