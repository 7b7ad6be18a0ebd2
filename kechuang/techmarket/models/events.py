"""产学研金 matchmaking events: who was invited and came, and the pairings of the day."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopedQuerySet, ScopePaths
from kechuang.registry.models import Enterprise, IndustryChain, Institution
from kechuang.techmarket import choices
from kechuang.techmarket.models.listings import MONEY, ExpertProfile, TechDemand, TechResult
from kechuang.techmarket.models.matches import Match


class EventQuerySet(ScopedQuerySet):
    def shared_with(self, user, action):
        """The county's own events (not a town's) are read by every officer who may read
        events."""
        if action in ("view", "export"):
            return Q(region_id=settings.HOME_REGION_CODE)
        return None


class MatchmakingEvent(BaseModel):
    """A 产学研金 matchmaking event: enterprises, institutions, experts, banks and funds invited,
    their attendance, and the pairings arranged on the day."""

    title = models.CharField("名称", max_length=200)
    held_on = models.DateField("举办日期")
    venue = models.CharField("地点", max_length=200, blank=True)
    organiser = models.CharField("主办单位", max_length=200, blank=True)
    region = models.ForeignKey(
        "registry.Region", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+"
    )
    theme = models.TextField("主题与安排", blank=True)
    chains = models.ManyToManyField(
        IndustryChain, verbose_name="聚焦产业链", blank=True, related_name="+"
    )
    status = models.CharField(
        "状态",
        max_length=10,
        choices=choices.EventStatus.choices,
        default=choices.EventStatus.PLANNED,
    )

    objects = EventQuerySet.as_manager()
    scope_paths = ScopePaths(region="region")

    class Meta:
        verbose_name = "对接会"
        verbose_name_plural = "对接会"
        ordering = ["-held_on", "-id"]
        permissions = [("export_matchmakingevent", "导出对接会")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("techmarket:matchmakingevent_detail", args=[self.pk])


class EventParticipant(BaseModel):
    """Who was invited to an event, whether they came. Banks, funds and others not in the
    registry are named here."""

    event = models.ForeignKey(
        MatchmakingEvent,
        verbose_name="对接会",
        on_delete=models.CASCADE,
        related_name="participants",
    )
    kind = models.CharField("类型", max_length=12, choices=choices.ParticipantKind.choices)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name="机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    expert = models.ForeignKey(
        ExpertProfile,
        verbose_name="专家",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(
        "单位名称", max_length=200, blank=True, help_text="银行、基金等未在名录中的单位"
    )
    invitation = models.CharField(
        "邀请",
        max_length=10,
        choices=choices.Invitation.choices,
        default=choices.Invitation.INVITED,
    )
    attended = models.BooleanField("到场", null=True, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)

    scope_paths = ScopePaths(region="event__region")

    class Meta:
        verbose_name = "对接会参会方"
        verbose_name_plural = "对接会参会方"
        ordering = ["event", "kind", "id"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        party = self.enterprise or self.institution or self.expert
        return str(party) if party is not None else self.name


class EventPairing(BaseModel):
    """Two participants brought together at an event, about a demand and/or a result, and what
    came of it; a pairing with an enterprise and a candidate is followed as a `Match`."""

    event = models.ForeignKey(
        MatchmakingEvent, verbose_name="对接会", on_delete=models.CASCADE, related_name="pairings"
    )
    seeker = models.ForeignKey(
        EventParticipant, verbose_name="需求方", on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        EventParticipant, verbose_name="供给方", on_delete=models.PROTECT, related_name="+"
    )
    demand = models.ForeignKey(
        TechDemand,
        verbose_name="技术需求",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    result = models.ForeignKey(
        TechResult,
        verbose_name="科技成果",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField("结果", max_length=10, choices=choices.PairingOutcome.choices)
    amount = models.DecimalField("意向或签约金额（元）", null=True, blank=True, **MONEY)
    money_fields = ("amount",)
    note = models.CharField("说明", max_length=300, blank=True)
    match = models.OneToOneField(
        Match,
        verbose_name="对接",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pairing",
    )

    scope_paths = ScopePaths(region="event__region")

    class Meta:
        verbose_name = "对接会配对"
        verbose_name_plural = "对接会配对"
        ordering = ["event", "id"]

    def __str__(self) -> str:
        return f"{self.seeker} ↔ {self.provider}"
