import datetime

from django import forms
from django.conf import settings

from kechuang.core.forms import DateInput, ScopedModelForm, WanField
from kechuang.core.masking import hidden_fields
from kechuang.engines import uscc as uscc_engine
from kechuang.engines.identity import id_number_valid
from kechuang.registry import choices
from kechuang.registry.models import (
    ChainLink,
    Enterprise,
    Industry,
    IndustryChain,
    Institution,
    Person,
    Qualification,
    Region,
)

# Recognitions are dated within living memory; a later date is a typing slip (9999-12-31).
EARLIEST_DATE = datetime.date(1950, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
# Where a partner outside the county stands: its county or city, not a town elsewhere.
OUTSIDE_LEVELS = (choices.RegionLevel.CITY, choices.RegionLevel.COUNTY)


def _administers(user) -> bool:
    """Whether the user works for the bureau, a department or a town (not a member body)."""
    org = user.organisation
    return user.is_superuser or (org is not None and org.is_administrative)


class EnterpriseForm(ScopedModelForm):
    # Registered with market regulation or classified by the statistics office (the
    # industry, which also picks the peers an enterprise is compared with).
    REGISTERED_FACTS = (
        "uscc",
        "confirm_legacy_uscc",
        "name",
        "town",
        "industry",
        "status",
        "founded_on",
    )
    past_dates = ("founded_on",)

    # Longer than 18 so that a code pasted with spaces or dashes reaches clean_uscc, which
    # normalises it, instead of being cut off by the browser or refused for its length.
    uscc = forms.CharField(label="统一社会信用代码", max_length=40)
    confirm_legacy_uscc = forms.BooleanField(
        label="确认为早期试点代码",
        required=False,
        help_text="少数早期试点地区发放的代码校验位不符合 GB 32100-2015，确认后按原样登记并标注提醒。",
    )
    registered_capital = WanField(label="注册资本（万元）", required=False)

    class Meta:
        model = Enterprise
        fields = [
            "uscc",
            "confirm_legacy_uscc",
            "name",
            "legacy_reg_no",
            "town",
            "address",
            "industry",
            "founded_on",
            "registered_capital",
            "employees",
            "products",
            "size_class",
            "status",
            "is_listed",
            "stock_code",
            "legal_representative",
            "contact_person",
            "contact_phone",
        ]
        widgets = {"founded_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_regions("town", level=choices.RegionLevel.TOWN)
        self.fields["town"].error_messages["invalid_choice"] = "该乡镇街道不在您的数据范围内。"
        self.fields["industry"].queryset = Industry.objects.filter(level=4)
        self.fields["founded_on"].required = True
        if self.instance.founded_on:
            self.fields["founded_on"].help_text = ""  # says only why a date may be missing
        if self.instance.pk and self.instance.uscc_state == choices.UsccState.LEGACY:
            self.fields["confirm_legacy_uscc"].initial = True
        if self.instance.pk and not _administers(self.user):
            # Registered facts come from market regulation; an enterprise's own user keeps
            # its contact and size details current but cannot re-key or move the enterprise.
            for name in self.REGISTERED_FACTS:
                self.fields[name].disabled = True

    def clean_founded_on(self):
        founded = self.cleaned_data["founded_on"]
        if "founded_on" in self.changed_data and founded and founded < EARLIEST_DATE:
            raise forms.ValidationError(f"成立日期不能早于{EARLIEST_DATE.year}年。")
        return founded

    def clean_uscc(self):
        result = uscc_engine.check(self.cleaned_data["uscc"])
        if result.status == uscc_engine.UsccStatus.BAD_FORMAT:
            raise forms.ValidationError(
                "统一社会信用代码格式不正确：应为18位，由数字和大写字母组成（不含I、O、Z、S、V）。"
            )
        self._uscc_result = result
        taken = Enterprise.objects.filter(uscc=result.code).exclude(pk=self.instance.pk)
        if taken.exists():
            # Whether and where it is registered is not the user's to learn beyond this.
            raise forms.ValidationError("该统一社会信用代码已登记，如需变更请联系科技局。")
        return result.code

    def clean(self):
        cleaned = super().clean()
        result = getattr(self, "_uscc_result", None)
        if result is not None and result.status == uscc_engine.UsccStatus.BAD_CHECK:
            if not result.may_be_early_pilot:
                self.add_error(
                    "uscc",
                    f"统一社会信用代码校验位错误：第18位应为“{result.expected_check}”。"
                    "该代码为2015年改革后的编码（第9-10位为MA），不可能是早期试点代码，请核对。",
                )
            elif not cleaned.get("confirm_legacy_uscc"):
                self.add_error(
                    "uscc",
                    f"统一社会信用代码校验位错误：第18位应为“{result.expected_check}”。"
                    "请核对；如确为早期试点代码，请勾选“确认为早期试点代码”。",
                )
        legacy_no = cleaned.get("legacy_reg_no", "")
        if legacy_no and not (len(legacy_no) == 15 and legacy_no.isdigit()):
            self.add_error("legacy_reg_no", "原工商注册号应为15位数字。")
        if cleaned.get("is_listed") and not cleaned.get("stock_code"):
            self.add_error("stock_code", "上市企业请填写股票代码。")
        phone = cleaned.get("contact_phone", "")
        if phone and not (phone.isascii() and phone.replace("-", "").isdigit()):
            self.add_error("contact_phone", "联系电话只能包含数字和“-”。")
        return cleaned

    def save(self, commit=True):
        result = getattr(self, "_uscc_result", None)
        if result is not None:
            self.instance.uscc_state = (
                choices.UsccState.VALID
                if result.status == uscc_engine.UsccStatus.VALID
                else choices.UsccState.LEGACY
            )
        return super().save(commit)


class QualificationForm(ScopedModelForm):
    past_dates = ("issued_on", "revoked_on")

    class Meta:
        model = Qualification
        fields = [
            "enterprise",
            "kind",
            "level",
            "title",
            "certificate_no",
            "issued_on",
            "valid_until",
            "revoked_on",
        ]
        widgets = {
            "issued_on": DateInput(),
            "valid_until": DateInput(),
            "revoked_on": DateInput(),
        }
        help_texts = {"valid_until": "高新技术企业留空则按认定日期起三年自动计算。"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(self.user, "change")

    def clean(self):
        cleaned = super().clean()
        for name in ("issued_on", "valid_until", "revoked_on"):
            day = cleaned.get(name)
            if day and name not in self.errors and not EARLIEST_DATE <= day <= LATEST_DATE:
                self.add_error(
                    name,
                    f"日期应在{EARLIEST_DATE.year}年至{LATEST_DATE.year}年之间。",
                )
                cleaned[name] = None
        issued, until = cleaned.get("issued_on"), cleaned.get("valid_until")
        if issued and until and until < issued:
            self.add_error("valid_until", "有效期至不能早于认定日期。")
        revoked = cleaned.get("revoked_on")
        if issued and revoked and revoked < issued:
            self.add_error("revoked_on", "撤销日期不能早于认定日期。")
        if cleaned.get("kind") == choices.QualificationKind.RD_INSTITUTION and not cleaned.get(
            "level"
        ):
            self.add_error("level", "企业研发机构须填写级别（县级/市级/省级/国家级）。")
        return cleaned


class ChainLinkForm(ScopedModelForm):
    class Meta:
        model = ChainLink
        fields = ["enterprise", "chain", "position", "is_chain_leader"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(self.user, "change")
        self.fields["chain"].queryset = IndustryChain.objects.filter(is_active=True)


class IndustryChainForm(ScopedModelForm):
    class Meta:
        model = IndustryChain
        fields = ["name", "kind", "parent", "industries", "description", "order", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industries"].queryset = Industry.objects.filter(level=4)

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        node = parent
        while node is not None:
            if self.instance.pk and node.pk == self.instance.pk:
                raise forms.ValidationError("上级不能是自身或自身的下级。")
            node = node.parent
        return parent


class InstitutionForm(ScopedModelForm):
    past_dates = ("established_on",)
    website = forms.URLField(label="网址", required=False, assume_scheme="https")

    class Meta:
        model = Institution
        fields = [
            "name",
            "kind",
            "level",
            "uscc",
            "region",
            "is_local",
            "address",
            "fields",
            "established_on",
            "website",
            "status",
            "description",
        ]
        widgets = {"established_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "region": "县外合作机构请取消勾选“县内机构”，并选择其所在的县（市、区）或市。"
        }

    REGISTERED_FACTS = ("name", "kind", "level", "uscc", "region", "is_local", "status")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A partner outside the county (is_local unticked) stands in another county or city.
        self.limit_regions("region", elsewhere=OUTSIDE_LEVELS)
        if self.instance.pk and not _administers(self.user):
            # Name, level and standing are recognised by the bureau; an institution's own
            # user keeps its description and contact details current.
            for name in self.REGISTERED_FACTS:
                self.fields[name].disabled = True

    def clean_uscc(self):
        value = self.cleaned_data.get("uscc", "")
        if not value:
            return value
        result = uscc_engine.check(value)
        if result.status != uscc_engine.UsccStatus.VALID:
            raise forms.ValidationError("统一社会信用代码不正确（格式或校验位错误）。")
        return result.code

    def clean(self):
        cleaned = super().clean()
        region, local = cleaned.get("region"), cleaned.get("is_local")
        if region is None or "region" in self.errors:
            return cleaned
        if not {"region", "is_local"} & set(self.changed_data):
            return cleaned  # the place stands as registered (and may not be the user's to set)
        in_county = region.code.startswith(settings.HOME_REGION_CODE)
        if not local and in_county:
            self.add_error(
                "region", "县外合作机构的所在区划应在本县以外；本县的机构请勾选“县内机构”。"
            )
        elif local and not Region.objects.within_scope(self.user).filter(pk=region.pk).exists():
            self.add_error(
                "region",
                "县内机构的所在区划应在您的数据范围内；县外的合作机构请取消勾选“县内机构”。",
            )
        return cleaned

    def settle_instance(self):
        self.instance.settle_partner_county()


class PersonForm(ScopedModelForm):
    out_of_scope_message = (
        "保存后您将无法查看该人员：请将其所在企业或所在机构选为本单位，或选择您数据范围内的区划。"
    )

    class Meta:
        model = Person
        fields = [
            "name",
            "kind",
            "gender",
            "title",
            "education",
            "fields",
            "enterprise",
            "institution",
            "region",
            "phone",
            "id_number",
            "email",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(self.user, "view")
        self.fields["institution"].queryset = Institution.objects.restrict(self.user, "view")
        self.limit_regions("region", elsewhere=OUTSIDE_LEVELS)
        if hidden_fields(self.user, Person):
            # Users who may not see personal data may not overwrite it blindly either.
            del self.fields["phone"]
            del self.fields["id_number"]

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "")
        if phone and not (
            len(phone) == 11 and phone.isascii() and phone.isdigit() and phone.startswith("1")
        ):
            raise forms.ValidationError("手机号应为以1开头的11位数字。")
        return phone

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number", "").upper()
        if value and not id_number_valid(value):
            raise forms.ValidationError("身份证号不正确（应为18位，且校验位正确）。")
        return value
