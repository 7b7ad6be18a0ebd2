"""Data scope: the one place that decides which rows a user may see or touch.

Every queryset behind a page, export, search, count or API endpoint goes through
`restrict(user, action)`. A model says how its rows relate to regions, organisations and
owners with `scope_paths`; the user's roles say which regions, organisations and owner they
cover (see `accounts.models.User.scope_grant`).
"""

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q


@dataclass(frozen=True)
class ScopePaths:
    """Lookups from a model to what scope is decided on; None where it does not apply. A row
    lies in a grant when any of its region paths, or any of its organisation paths, does."""

    region: str | tuple[str, ...] | None = None
    org: str | tuple[str, ...] | None = None
    owner: str | tuple[str, ...] | None = None

    @property
    def owners(self) -> tuple[str, ...]:
        return _paths(self.owner)

    @property
    def regions(self) -> tuple[str, ...]:
        return _paths(self.region)

    @property
    def orgs(self) -> tuple[str, ...]:
        return _paths(self.org)


def _paths(value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else value


@dataclass
class ScopeGrant:
    """What a user's roles cover: everything, region code prefixes, organisations, or self."""

    everything: bool = False
    region_prefixes: set[str] = field(default_factory=set)
    region_codes: set[str] = field(default_factory=set)
    org_ids: set[int] = field(default_factory=set)
    owner_id: int | None = None

    def q(self, paths: ScopePaths) -> Q | None:
        """The filter for a model with these paths; None means no restriction."""
        if self.everything:
            return None
        q = Q(pk__in=[])
        for region_path in paths.regions:
            for prefix in sorted(self.region_prefixes):
                q |= Q(**{f"{region_path}__code__startswith": prefix})
            if self.region_codes:
                q |= Q(**{f"{region_path}__code__in": sorted(self.region_codes)})
        if self.org_ids:
            for org_path in paths.orgs:
                q |= Q(**{f"{org_path}__in": sorted(self.org_ids)})
        if self.owner_id is not None:
            for owner_path in paths.owners:
                q |= Q(**{owner_path: self.owner_id})
        return q

    def covers(self, instance: models.Model, paths: ScopePaths) -> bool:
        """Whether an object, saved or not, lies within this grant: the same rule as `q`,
        read from the object's attributes so that a form can refuse a row the user could
        not see once it is saved."""
        if self.everything:
            return True
        if any(self.covers_region(_follow(instance, path)) for path in paths.regions):
            return True
        if self.org_ids and any(_follow(instance, path) in self.org_ids for path in paths.orgs):
            return True
        if self.owner_id is not None:
            return any(_follow(instance, path) == self.owner_id for path in paths.owners)
        return False

    def covers_region(self, code: str | None) -> bool:
        """Whether rows filed under region `code` are in this grant."""
        if self.everything:
            return True
        if not code:
            return False
        return code in self.region_codes or any(code.startswith(p) for p in self.region_prefixes)


def _follow(instance, path: str):
    """The id at the end of a lookup path ("enterprise__organisation"), read through the
    object's attributes; the last relation gives its id without a query."""
    *steps, last = path.split("__")
    node = instance
    for part in steps:
        node = getattr(node, part, None)
        if node is None:
            return None
    if last == "pk":
        return node.pk
    return getattr(node, node._meta.get_field(last).attname, None)


ACTIONS = ("view", "add", "change", "delete", "import", "export", "approve")


def permission_name(model: type[models.Model], action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view", *, shared: bool = True) -> "ScopedQuerySet":
        """Rows of this queryset that `user` may `action`; none if the user lacks the permission.
        With shared=False, only rows within the user's own scope (see `shared_with`)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if not user.has_perm(permission_name(self.model, action)):
            return self.none()
        paths = getattr(self.model, "scope_paths", None)
        if paths is None:
            return self
        condition = user.scope_grant().q(paths)
        if condition is None:
            return self
        extra = self.shared_with(user, action) if shared else None
        return self.filter(condition if extra is None else condition | extra)

    def shared_with(self, user, action: str) -> Q | None:
        """Rows outside the user's scope that they may still `action`: what a market lists to
        every participant, or what a party to a deal takes part in. None: nothing more."""
        return None
