"""API base: the same permissions and data scope as the pages."""

from rest_framework import mixins, viewsets

from kechuang.core.permissions import METHOD_ACTIONS


class ScopedQueryMixin:
    """Rows come from `restrict(user, action)`: out-of-scope ids answer 404."""

    model = None
    select_related: tuple[str, ...] = ()

    def get_queryset(self):
        action = METHOD_ACTIONS.get(self.request.method, "view")
        queryset = self.model.objects.restrict(self.request.user, action)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        return queryset.order_by("pk")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "user": self.request.user}


class ReadOnlyScopedViewSet(ScopedQueryMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedViewSet(
    ScopedQueryMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, retrieve, create and update within the user's scope; nothing is hard-deleted."""
