from django import forms
from django.utils import timezone

from kechuang.core.forms import DateInput, ScopedModelForm, WanField
from kechuang.engines import patents
from kechuang.registry.models import Enterprise, IndustryChain, Institution, Person
from kechuang.techmarket import choices
from kechuang.techmarket.models import (
    EventPairing,
    EventParticipant,
    ExpertProfile,
    MatchmakingEvent,
    ResultPatent,
    TechDemand,
    TechResult,
    split_keywords,
)
from kechuang.techmarket.services import existing_match, participant_candidate

READINESS_CHOICES = [
    (1, "1 基本原理被发现"),
    (2, "2 形成技术方案"),
    (3, "3 关键功能验证"),
    (4, "4 实验室原型验证"),
    (5, "5 相关环境中验证"),
    (6, "6 中试/样机验证"),
    (7, "7 实际环境中试运行"),
    (8, "8 定型并通过验收"),
    (9, "9 规模化应用"),
]
MODES = [(name, label) for name, label in choices.TransferMode.choices]


def field_choices(blank: bool = False):
    options = list(choices.field_names().items())
    return [("", "—— 请选择 ——"), *options] if blank else options


def industries_field(form, name: str) -> None:
    """Industries at the level of a 小类 or 中类, labelled with their code."""
    field = form.fields[name]
    field.queryset = field.queryset.filter(level__gte=3).order_by("code")
    field.label_from_instance = lambda i: f"{i.code} {i.name}"


def active_chains(form, name: str = "chains") -> None:
    form.fields[name].queryset = IndustryChain.objects.filter(is_active=True)
    form.fields[name].widget = forms.CheckboxSelectMultiple()
    form.fields[name].widget.choices = form.fields[name].choices


class TechResultForm(ScopedModelForm):
    field = forms.ChoiceField(label="技术领域", choices=field_choices(blank=True))
    readiness = forms.TypedChoiceField(
        label="技术成熟度（TRL）", choices=[("", "请选择"), *READINESS_CHOICES], coerce=int
    )
    modes = forms.MultipleChoiceField(
        label="转化方式", choices=MODES, widget=forms.CheckboxSelectMultiple, required=True
    )
    price = WanField(label="参考价格（万元）", required=False)

    out_of_scope_message = "保存后您将无法管理该成果：请选择本单位或您数据范围内的机构、企业。"

    class Meta:
        model = TechResult
        fields = [
            "title",
            "abstract",
            "confidential",
            "field",
            "industry",
            "chains",
            "keywords",
            "readiness",
            "institution",
            "enterprise",
            "inventors",
            "price",
            "price_negotiable",
            "contact_person",
            "contact_phone",
        ]
        widgets = {
            "abstract": forms.Textarea(attrs={"rows": 5}),
            "confidential": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "abstract": "公开发布，所有平台用户可见：用途、原理、主要指标、应用场景",
            "institution": "高校院所的成果选择机构；企业的成果选择企业；二者择一",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.restrict(self.user, "view")
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(self.user, "view")
        for name in ("institution", "enterprise"):
            # An owner the user can never choose is not offered (a university's user has no
            # enterprises to pick), unless the result already has one.
            if not self.fields[name].queryset.exists() and not getattr(self.instance, f"{name}_id"):
                del self.fields[name]
        industries_field(self, "industry")
        active_chains(self)
        if self.instance.pk:
            self.initial["modes"] = [n for n, _ in MODES if getattr(self.instance, n)]
        own = self.user.organisation_id
        if own and not self.instance.pk:
            mine = Institution.objects.filter(organisation_id=own).first()
            if mine is not None:
                self.initial.setdefault("institution", mine.pk)
            company = Enterprise.objects.filter(organisation_id=own).first()
            if company is not None:
                self.initial.setdefault("enterprise", company.pk)

    def clean_keywords(self):
        return "、".join(dict.fromkeys(split_keywords(self.cleaned_data.get("keywords", ""))))

    def clean_contact_phone(self):
        return _phone(self.cleaned_data.get("contact_phone", ""))

    def clean(self):
        cleaned = super().clean()
        institution, enterprise = cleaned.get("institution"), cleaned.get("enterprise")
        owner_field = "institution" if "institution" in self.fields else "enterprise"
        if institution and enterprise:
            self.add_error("enterprise", "成果所有单位只能是一个：机构或企业，二者择一。")
        elif not institution and not enterprise and not self.errors.get(owner_field):
            self.add_error(
                owner_field if owner_field in self.fields else None,
                "请选择成果所有单位（机构或企业）。",
            )
        if (
            cleaned.get("price") is None
            and not cleaned.get("price_negotiable")
            and "price" not in self.errors
        ):
            self.add_error("price", "请填写参考价格，或勾选“价格面议”。")
        return cleaned

    def settle_instance(self):
        for name, _ in MODES:
            setattr(self.instance, name, name in (self.cleaned_data.get("modes") or ()))


class ResultPatentForm(ScopedModelForm):
    past_dates = ("granted_on",)

    class Meta:
        model = ResultPatent
        fields = ["result", "kind", "number", "title", "status", "granted_on"]
        widgets = {"granted_on": DateInput(), "result": forms.HiddenInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].queryset = TechResult.objects.restrict(self.user, "change")

    def clean_number(self):
        number = self.cleaned_data.get("number", "").strip()
        kind = self.cleaned_data.get("kind")
        if kind in choices.PATENT_KINDS:
            reason = patents.problem(number)
            if reason:
                raise forms.ValidationError(reason)
            return patents.canonical(number)
        return number

    def clean(self):
        cleaned = super().clean()
        status, granted = cleaned.get("status"), cleaned.get("granted_on")
        if (
            status == choices.PatentStatus.GRANTED
            and granted is None
            and "granted_on" not in self.errors
        ):
            self.add_error("granted_on", "已授权的请填写授权日。")
        if status == choices.PatentStatus.FILED and granted is not None:
            self.add_error("granted_on", "尚未授权的不填授权日。")
        return cleaned


class TechDemandForm(ScopedModelForm):
    field = forms.ChoiceField(label="技术领域", choices=field_choices(blank=True), required=False)
    min_readiness = forms.TypedChoiceField(
        label="可接受的最低成熟度",
        choices=[("", "不限"), *READINESS_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    budget = WanField(label="预算（万元）", required=False)

    out_of_scope_message = "保存后您将无法查看该需求：请选择本企业或您数据范围内的企业。"

    class Meta:
        model = TechDemand
        fields = [
            "enterprise",
            "title",
            "problem",
            "desired_outcome",
            "constraints",
            "budget",
            "deadline",
            "field",
            "industry",
            "chains",
            "keywords",
            "min_readiness",
            "visibility",
            "contact_person",
            "contact_phone",
        ]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 5}),
            "desired_outcome": forms.Textarea(attrs={"rows": 3}),
            "constraints": forms.Textarea(attrs={"rows": 2}),
            "deadline": DateInput(),
        }
        help_texts = {
            "problem": "用平常的话写清楚遇到的问题、现状和指标",
            "industry": "不填则按企业所属行业匹配",
            "chains": "不填则按企业所属产业链匹配",
            "visibility": "“仅科技局可见”的需求不在技术市场公开列出，由科技局代为对接",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(self.user, "view")
        industries_field(self, "industry")
        active_chains(self)
        if not self.instance.pk and self.user.organisation_id:
            company = Enterprise.objects.filter(organisation_id=self.user.organisation_id).first()
            if company is not None:
                self.initial.setdefault("enterprise", company.pk)
                self.initial.setdefault("contact_person", company.contact_person)
        self.fields["deadline"].widget.attrs["min"] = timezone.localdate().isoformat()

    def clean_keywords(self):
        return "、".join(dict.fromkeys(split_keywords(self.cleaned_data.get("keywords", ""))))

    def clean_contact_phone(self):
        return _phone(self.cleaned_data.get("contact_phone", ""))

    def clean_deadline(self):
        deadline = self.cleaned_data.get("deadline")
        if deadline and deadline < timezone.localdate() and "deadline" in self.changed_data:
            raise forms.ValidationError(
                f"期望完成日期不能早于今天（{timezone.localdate():%Y-%m-%d}）。"
            )
        return deadline


class ExpertProfileForm(ScopedModelForm):
    field = forms.ChoiceField(label="技术领域", choices=field_choices(blank=True))

    out_of_scope_message = "保存后您将无法查看该专家：请选择您数据范围内的人员。"

    class Meta:
        model = ExpertProfile
        fields = [
            "person",
            "field",
            "industry",
            "chains",
            "keywords",
            "works",
            "bio",
            "accepts_matching",
        ]
        widgets = {
            "works": forms.Textarea(attrs={"rows": 4}),
            "bio": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"keywords": "以逗号或顿号分隔，如：轴承、磨削烧伤、无损检测"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = Person.objects.restrict(self.user, "change").filter(is_active=True)
        if self.instance.pk:
            people = people | Person.objects.filter(pk=self.instance.person_id)
            self.fields["person"].disabled = True
        else:
            people = people.filter(expert_profile__isnull=True)
        self.fields["person"].queryset = people.select_related("institution", "enterprise")
        self.fields["person"].label_from_instance = lambda p: (
            f"{p.name}（{p.affiliation or p.get_kind_display()}）"
        )
        industries_field(self, "industry")
        active_chains(self)

    def clean_keywords(self):
        words = list(dict.fromkeys(split_keywords(self.cleaned_data.get("keywords", ""))))
        if not words:
            raise forms.ValidationError("请至少填写一个专长关键词。")
        return "、".join(words)


class MatchmakingEventForm(ScopedModelForm):
    class Meta:
        model = MatchmakingEvent
        fields = ["title", "held_on", "venue", "organiser", "region", "chains", "theme", "status"]
        widgets = {"held_on": DateInput(), "theme": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_regions("region")
        active_chains(self)

    def clean(self):
        cleaned = super().clean()
        held_on, status = cleaned.get("held_on"), cleaned.get("status")
        if held_on and status == choices.EventStatus.HELD and held_on > timezone.localdate():
            self.add_error("status", "尚未到举办日期，不能标为“已举办”。")
        return cleaned


class EventParticipantForm(ScopedModelForm):
    class Meta:
        model = EventParticipant
        fields = [
            "event",
            "kind",
            "enterprise",
            "institution",
            "expert",
            "name",
            "invitation",
            "attended",
            "note",
        ]
        widgets = {"event": forms.HiddenInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = MatchmakingEvent.objects.restrict(self.user, "change")
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(self.user, "view")
        self.fields["institution"].queryset = Institution.objects.all()
        self.fields["expert"].queryset = ExpertProfile.objects.restrict(
            self.user, "view"
        ).select_related("person")
        self.fields["attended"].widget = forms.Select(
            choices=[("", "未记录"), ("true", "到场"), ("false", "未到")]
        )
        named = ",".join(
            k
            for k in choices.ParticipantKind.values
            if k not in ("enterprise", "institution", "expert")
        )
        for name, kinds in (
            ("enterprise", "enterprise"),
            ("institution", "institution"),
            ("expert", "expert"),
            ("name", named),
        ):
            self.fields[name].widget.attrs["data-shown-when"] = f"kind={kinds}"

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        parties = {
            "enterprise": cleaned.get("enterprise"),
            "institution": cleaned.get("institution"),
            "expert": cleaned.get("expert"),
        }
        chosen = [name for name, value in parties.items() if value is not None]
        if len(chosen) > 1:
            self.add_error(None, "一个参会方只能是企业、机构、专家中的一个。")
        expected = {
            choices.ParticipantKind.ENTERPRISE: "enterprise",
            choices.ParticipantKind.INSTITUTION: "institution",
            choices.ParticipantKind.EXPERT: "expert",
        }.get(kind)
        if expected and parties[expected] is None:
            self.add_error(
                expected,
                f"类型为“{choices.ParticipantKind(kind).label}”时请选择对应的{self.fields[expected].label}。",
            )
        if kind and not expected and not cleaned.get("name", "").strip() and not chosen:
            self.add_error("name", "银行、基金等请填写单位名称。")
        event = cleaned.get("event")
        if event is not None and len(chosen) <= 1:
            same = EventParticipant.objects.filter(event=event).exclude(pk=self.instance.pk)
            if chosen:
                same = same.filter(**{chosen[0]: parties[chosen[0]]})
            else:
                same = same.filter(name=cleaned.get("name", "").strip())
            if same.exists():
                self.add_error(None, f"“{same.first().display_name}”已在本次对接会的参会方中。")
        if cleaned.get("attended") and cleaned.get("invitation") == choices.Invitation.DECLINED:
            self.add_error("attended", "已回复不参加的，不能记为到场。")
        if event is not None and cleaned.get("attended") is not None:
            if event.held_on > timezone.localdate():
                self.add_error("attended", attendance_too_early(event))
        return cleaned


def attendance_too_early(event) -> str:
    return f"对接会定于 {event.held_on:%Y-%m-%d} 举行，举行当天起才能登记到场情况。"


class EventPairingForm(ScopedModelForm):
    amount = WanField(label="意向或签约金额（万元）", required=False)

    class Meta:
        model = EventPairing
        fields = ["event", "seeker", "provider", "demand", "result", "outcome", "amount", "note"]
        widgets = {"event": forms.HiddenInput()}

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        event = event or getattr(self.instance, "event", None)
        self.fields["event"].queryset = MatchmakingEvent.objects.restrict(self.user, "change")
        participants = EventParticipant.objects.filter(event=event).select_related(
            "enterprise", "institution", "expert__person"
        )
        self.fields["seeker"].queryset = participants
        self.fields["provider"].queryset = participants
        self.fields["seeker"].label_from_instance = _participant_label
        self.fields["provider"].label_from_instance = _participant_label
        self.fields["demand"].queryset = TechDemand.objects.restrict(self.user, "view").exclude(
            status=choices.DemandStatus.DRAFT
        )
        self.fields["result"].queryset = TechResult.objects.restrict(self.user, "view").published()

    def clean(self):
        cleaned = super().clean()
        seeker, provider = cleaned.get("seeker"), cleaned.get("provider")
        if seeker and provider and seeker.pk == provider.pk:
            self.add_error("provider", "需求方和供给方不能是同一个参会方。")
        demand = cleaned.get("demand")
        if demand and seeker and seeker.enterprise_id != demand.enterprise_id:
            self.add_error("demand", "所选需求不是需求方企业发布的。")
        result = cleaned.get("result")
        if result and provider:
            owns = (
                provider.institution_id and result.institution_id == provider.institution_id
            ) or (provider.enterprise_id and result.enterprise_id == provider.enterprise_id)
            if not owns:
                self.add_error("result", "所选成果不属于供给方：请以成果所有单位为供给方。")
        if cleaned.get("outcome") == choices.PairingOutcome.SIGNED and not cleaned.get("amount"):
            self.add_error("amount", "现场签约请填写签约金额。")
        event = cleaned.get("event")
        if event is not None:
            self.check_event_held(event)
        for name in ("seeker", "provider"):
            party = cleaned.get(name)
            if party is not None and party.attended is False:
                self.add_error(name, f"“{party.display_name}”记为未到，不能登记现场配对。")
        if cleaned.get("outcome") == choices.PairingOutcome.SIGNED and seeker and provider:
            self.check_not_signed_twice(seeker, provider, demand, result)
        return cleaned

    def check_event_held(self, event):
        if event.status == choices.EventStatus.CANCELLED:
            self.add_error(None, "对接会已取消，不能登记配对。")
        elif event.held_on > timezone.localdate():
            self.add_error(
                None, f"对接会定于 {event.held_on:%Y-%m-%d} 举行，举行当天起才能登记现场配对。"
            )

    def check_not_signed_twice(self, seeker, provider, demand, result):
        kind, candidate = participant_candidate(provider, result)
        if seeker.enterprise_id is None or candidate is None:
            return
        match = existing_match(
            demand=demand, enterprise=seeker.enterprise, kind=kind, candidate=candidate
        )
        if match is not None and match.status == choices.MatchStatus.CONTRACTED:
            self.add_error(
                "outcome",
                f"双方已于 {match.contracted_on:%Y-%m-%d} 签约（对接 #{match.pk}，合同金额 "
                f"{match.contract_value / 10000:,.2f} 万元），不能再登记一次现场签约。",
            )


def _participant_label(participant) -> str:
    return f"{participant.display_name}（{participant.get_kind_display()}）"


class MoveForm(forms.Form):
    """The next stage of a match, with what it needs: the contract's value and date, or why it
    came to nothing."""

    to_status = forms.ChoiceField(label="新进展", choices=choices.MatchStatus.choices)
    expected = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    contract_value = WanField(label="合同金额（万元）", required=False)
    contracted_on = forms.DateField(label="签约日期", required=False, widget=DateInput())
    reason = forms.CharField(label="未成原因", required=False, max_length=300)

    def __init__(self, *args, match, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = match.next_statuses()
        self.fields["to_status"].choices = [(s, choices.MatchStatus(s).label) for s in allowed]
        self.initial.setdefault("expected", match.status)
        self.fields["contracted_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        # Shown only for the stage that needs them (static/techmarket/shown-when.js).
        for name, stage in (
            ("contract_value", choices.MatchStatus.CONTRACTED),
            ("contracted_on", choices.MatchStatus.CONTRACTED),
            ("reason", choices.MatchStatus.DECLINED),
        ):
            if stage in allowed:
                self.fields[name].widget.attrs["data-shown-when"] = f"to_status={stage}"
            else:
                del self.fields[name]


class DisclosureRequestForm(forms.Form):
    reason = forms.CharField(
        label="申请说明",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "请写明申请说明：拟用于哪项产品或工艺，便于成果方判断。",
            "max_length": "申请说明最多 300 字。",
        },
    )


PHONE_CHARACTERS = set("0123456789-+ ()")


def _phone(phone: str) -> str:
    phone = phone.strip()
    if not phone:
        return phone
    if any(c not in PHONE_CHARACTERS for c in phone) or sum(c.isdigit() for c in phone) < 7:
        raise forms.ValidationError(
            "联系电话应为手机号或带区号的固定电话（数字，可含空格和 - + ( )）。"
        )
    return phone
