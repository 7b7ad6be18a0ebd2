from django.conf import settings
from django.core.paginator import Paginator


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
