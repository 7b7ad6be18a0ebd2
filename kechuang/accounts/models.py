"""Organisations (a tree tied to regions), roles with data scope, and users."""

from functools import cached_property

from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from knox.models import AbstractAuthToken
from simple_history.models import HistoricalRecords

from kechuang.accounts.choices import ADMINISTRATIVE_KINDS, DataScope, OrgKind
from kechuang.core import changelog
from kechuang.core.models import BaseModel, RequestHistory
from kechuang.core.scope import ScopeGrant, ScopePaths


class Organisation(BaseModel):
    """A node of the organisation tree: the bureau, departments, towns, enterprises, institutions.

    Administrative organisations (bureau, departments, towns) cover the rows of their region;
    member organisations (enterprises, institutions, service bodies) cover only their own rows.
    """

    name = models.CharField("名称", max_length=200)
    kind = models.CharField("类型", max_length=20, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    region = models.ForeignKey(
        "registry.Region", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    scope_paths = ScopePaths(region="region", org="pk")

    class Meta:
        verbose_name = "组织"
        verbose_name_plural = "组织"
        ordering = ["order", "name"]
        permissions = [("export_organisation", "导出组织")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_administrative(self) -> bool:
        return self.kind in ADMINISTRATIVE_KINDS

    def subtree_ids(self) -> set[int]:
        """Ids of this organisation and all below it (organisation trees are small)."""
        edges = list(Organisation.objects.values_list("id", "parent_id"))
        children: dict[int, list[int]] = {}
        for node, parent in edges:
            children.setdefault(parent, []).append(node)
        found, stack = set(), [self.pk]
        while stack:
            node = stack.pop()
            if node not in found:
                found.add(node)
                stack.extend(children.get(node, []))
        return found


class Role(models.Model):
    """A role: its per-action permissions live on the paired auth group; its data scope here."""

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="role")
    name = models.CharField("角色名称", max_length=50, unique=True)
    description = models.CharField("说明", max_length=200, blank=True)
    data_scope = models.CharField(
        "数据范围", max_length=20, choices=DataScope.choices, default=DataScope.SELF
    )
    custom_orgs = models.ManyToManyField(
        Organisation, verbose_name="自定义组织", blank=True, related_name="+"
    )
    history = HistoricalRecords(bases=[RequestHistory], get_user=changelog.history_user)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A user belongs to one organisation and holds roles (auth groups paired with a Role)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="所属组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    display_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    history = HistoricalRecords(
        bases=[RequestHistory],
        excluded_fields=["password", "last_login"],
        get_user=changelog.history_user,
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    def save(self, *args, **kwargs):
        password_changed = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            self.auth_token_set.all().delete()

    @cached_property
    def roles(self) -> list[Role]:
        return list(Role.objects.filter(group__user=self).prefetch_related("custom_orgs"))

    def scope_grant(self) -> ScopeGrant:
        """Union of what this user's roles cover; cached for the request."""
        cached = getattr(self, "_scope_grant", None)
        if cached is not None:
            return cached
        grant = ScopeGrant(owner_id=self.pk)
        if self.is_superuser:
            grant.everything = True
        org = self.organisation
        for role in self.roles:
            if role.data_scope == DataScope.ALL:
                grant.everything = True
            elif role.data_scope == DataScope.SELF:
                continue
            elif role.data_scope == DataScope.CUSTOM:
                for custom in role.custom_orgs.all():
                    _cover(grant, custom, below=True)
            elif org is not None:
                _cover(grant, org, below=role.data_scope == DataScope.ORG_AND_BELOW)
        self._scope_grant = grant
        return grant


class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox): stored as a digest, one per user and client, ending at
    `expiry`; revoked at logout and password change."""

    client = models.CharField("客户端", max_length=64, default="default")

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"
        ordering = ["user", "client"]
        constraints = [
            models.UniqueConstraint(fields=["user", "client"], name="one_token_per_client")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.client}"


def _cover(grant: ScopeGrant, org: Organisation, *, below: bool) -> None:
    if below:
        grant.org_ids |= org.subtree_ids()
        if org.is_administrative:
            grant.region_prefixes.add(org.region.scope_prefix)
    else:
        grant.org_ids.add(org.pk)
        if org.is_administrative:
            grant.region_codes.add(org.region.code)
