"""Matches followed from proposal to a contract, and their steps."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopedQuerySet, ScopePaths
from kechuang.registry.models import Enterprise, Institution
from kechuang.techmarket import choices
from kechuang.techmarket.models.listings import MONEY, ExpertProfile, TechDemand, TechResult


class MatchQuerySet(ScopedQuerySet):
    def shared_with(self, user, action):
        """The parties: the demanding enterprise, the result's owner, the institution, the
        expert; by their organisation or, for the expert, their own account."""
        q = Q(expert__person__user=user.pk)
        if user.organisation_id is not None:
            for path in Match.PARTY_ORGS:
                q |= Q(**{path: user.organisation_id})
        return q


class Match(BaseModel):
    """A candidate accepted for a demand (or an enterprise, when a result is offered to it),
    followed from proposal to a contract or its end. Transitions are in `MatchStep`."""

    PARTY_ORGS = (
        "enterprise__organisation",
        "result__institution__organisation",
        "result__enterprise__organisation",
        "institution__organisation",
    )

    demand = models.ForeignKey(
        TechDemand,
        verbose_name="技术需求",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matches",
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="需求企业", on_delete=models.PROTECT, related_name="tech_matches"
    )
    kind = models.CharField("对接对象类型", max_length=12, choices=choices.CandidateKind.choices)
    result = models.ForeignKey(
        TechResult,
        verbose_name="科技成果",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matches",
    )
    expert = models.ForeignKey(
        ExpertProfile,
        verbose_name="专家",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matches",
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name="机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tech_matches",
    )
    status = models.CharField(
        "进展",
        max_length=12,
        choices=choices.MatchStatus.choices,
        default=choices.MatchStatus.PROPOSED,
    )
    source = models.CharField(
        "来源",
        max_length=10,
        choices=choices.MatchSource.choices,
        default=choices.MatchSource.ENGINE,
    )
    score = models.FloatField("匹配度", null=True, blank=True)
    explanation = models.JSONField("匹配理由", default=dict, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="跟进人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_matches",
    )
    stage_since = models.DateTimeField("进入当前阶段时间")
    contract_value = models.DecimalField("合同金额（元）", null=True, blank=True, **MONEY)
    money_fields = ("contract_value",)
    contracted_on = models.DateField("签约日期", null=True, blank=True)
    declined_reason = models.CharField("未成原因", max_length=300, blank=True)
    event = models.ForeignKey(
        "MatchmakingEvent",
        verbose_name="对接会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matches",
    )

    objects = MatchQuerySet.as_manager()
    scope_paths = ScopePaths(
        region="enterprise__town", org="enterprise__organisation", owner="handler"
    )

    class Meta:
        verbose_name = "对接"
        verbose_name_plural = "对接"
        ordering = ["-stage_since", "-id"]
        permissions = [("export_match", "导出对接")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="result",
                        result__isnull=False,
                        expert__isnull=True,
                        institution__isnull=True,
                    )
                    | Q(
                        kind="expert",
                        expert__isnull=False,
                        result__isnull=True,
                        institution__isnull=True,
                    )
                    | Q(
                        kind="institution",
                        institution__isnull=False,
                        result__isnull=True,
                        expert__isnull=True,
                    )
                ),
                name="match_has_its_one_candidate",
            ),
            models.CheckConstraint(
                condition=Q(contract_value__isnull=True) | Q(contract_value__gte=0),
                name="match_contract_value_not_negative",
            ),
            models.UniqueConstraint(
                fields=["demand", "result"],
                condition=Q(demand__isnull=False, result__isnull=False),
                name="one_match_per_demand_result",
            ),
            models.UniqueConstraint(
                fields=["demand", "expert"],
                condition=Q(demand__isnull=False, expert__isnull=False),
                name="one_match_per_demand_expert",
            ),
            models.UniqueConstraint(
                fields=["demand", "institution"],
                condition=Q(demand__isnull=False, institution__isnull=False),
                name="one_match_per_demand_institution",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "result"],
                condition=Q(demand__isnull=True, result__isnull=False),
                name="one_offer_per_enterprise_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} ↔ {self.candidate}"

    def get_absolute_url(self) -> str:
        return reverse("techmarket:match_detail", args=[self.pk])

    @property
    def candidate(self):
        return self.result or self.expert or self.institution

    @property
    def is_open(self) -> bool:
        return self.status in choices.OPEN_MATCH_STATUSES

    def next_statuses(self) -> tuple[str, ...]:
        return choices.MATCH_FLOW[choices.MatchStatus(self.status)]


class MatchStep(BaseModel):
    """One move of a match from a stage to the next: who, when, and their note."""

    match = models.ForeignKey(
        Match, verbose_name="对接", on_delete=models.CASCADE, related_name="steps"
    )
    from_status = models.CharField(
        "原进展", max_length=12, choices=choices.MatchStatus.choices, blank=True
    )
    to_status = models.CharField("新进展", max_length=12, choices=choices.MatchStatus.choices)
    at = models.DateTimeField("时间")
    note = models.TextField("说明", blank=True)

    scope_paths = ScopePaths(
        region="match__enterprise__town",
        org="match__enterprise__organisation",
        owner="match__handler",
    )

    class Meta:
        verbose_name = "对接进展"
        verbose_name_plural = "对接进展"
        ordering = ["match", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"
