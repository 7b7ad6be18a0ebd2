"""Form plumbing every app shares: date inputs, money in 万元, and model forms that keep to
the user's scope."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone

from kechuang.core.amounts import YUAN_PER_WAN


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class WanField(forms.DecimalField):
    """Money typed in 万元, the unit officers read, for a model field that stores yuan: the
    form shows the stored value in 万元 and cleans what is typed back to yuan."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 6)  # 0.000001 万元 is one fen
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"step": "any"}))
        super().__init__(**kwargs)
        self.error_messages.update(
            {
                "max_decimal_places": "最多 %(max)s 位小数（精确到分）。",
                "min_value": "不能为负数。",
                "max_digits": "金额过大，请核对单位（万元）。",
                "max_whole_digits": "金额过大，请核对单位（万元）。",
            }
        )

    @staticmethod
    def from_yuan(value):
        """A stored amount as the form shows it ("500" for 5,000,000 yuan); anything that
        is not a number is left for the field to refuse."""
        if value is None or value == "":
            return value
        try:
            wan = Decimal(str(value)) / YUAN_PER_WAN
        except InvalidOperation:
            return value
        return format(wan.quantize(Decimal("0.000001")).normalize(), "f")

    def has_changed(self, initial, data):
        try:
            return self.to_python(initial) != self.to_python(data)
        except forms.ValidationError:
            return True

    def clean(self, value):
        wan = super().clean(value)
        return None if wan is None else (wan * YUAN_PER_WAN).quantize(Decimal("0.01"))


def as_typed(form_class: type[forms.BaseForm], stored: dict) -> dict:
    """Values in the units they are stored in (yuan), as the form's fields are typed (万元):
    for data that does not come from the page (the API, an import, the record itself)."""
    typed = dict(stored)
    for name, field in form_class.base_fields.items():
        if isinstance(field, WanField) and name in typed:
            typed[name] = WanField.from_yuan(typed[name])
    return typed


class EntryRules(forms.ModelForm):
    """What every form that writes a row keeps to, the admin's included: money typed in
    万元 (WanField) over yuan stored, and dates that cannot lie ahead (`past_dates`:
    founded, issued, established) refused when typed later than today, the picker stopping
    at today."""

    past_dates: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, WanField) and name in self.initial:
                self.initial[name] = field.from_yuan(self.initial[name])
        today = timezone.localdate().isoformat()
        for name in self.past_dates:
            if name in self.fields:
                self.fields[name].widget.attrs["max"] = today

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        for name in self.past_dates:
            day = cleaned.get(name)
            # Only what is typed now: an old record is not blocked by a date it already has.
            if day and day > today and name in self.changed_data:
                self.add_error(name, f"{self.fields[name].label}不能晚于今天（{today:%Y-%m-%d}）。")
        return cleaned


class ScopedModelForm(EntryRules):
    """A ModelForm that knows its user, so that choices stay inside the user's scope, and
    that refuses to save a row the user could not see afterwards."""

    out_of_scope_message = (
        "保存后该记录将不在您的数据范围内，请选择您数据范围内的企业、机构或区划。"
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def _post_clean(self):
        super()._post_clean()
        self.settle_instance()
        paths = getattr(self._meta.model, "scope_paths", None)
        if paths is None or self.errors:
            return
        if not self.user.scope_grant().covers(self.instance, paths):
            self.add_error(None, self.out_of_scope_message)

    def settle_instance(self) -> None:
        """Fill in what the model derives on save and the scope check needs to see."""

    def save(self, commit=True):
        if commit and self.instance.pk and not self.has_changed():
            return self.instance  # nothing changed: no write, no empty history row
        return super().save(commit)

    def limit_regions(self, field_name: str, *, elsewhere: tuple[str, ...] = (), **filters):
        """Regions within the user's scope, their own organisation's, and the record's own;
        and, for records that may stand outside the scope (a partner university, its
        experts), the regions of the `elsewhere` levels anywhere. Whether the record then
        stays in the user's scope is checked on save, as for every scoped form."""
        field = self.fields[field_name]
        model = field.queryset.model
        regions = model.objects.within_scope(self.user)
        extra = [getattr(self.instance, f"{field_name}_id", None)]
        if self.user.organisation_id:
            extra.append(self.user.organisation.region_id)
        extra = [code for code in extra if code]
        if extra:
            regions = regions | model.objects.filter(pk__in=extra)
        regions = regions.filter(**filters)
        if elsewhere:
            regions = regions | model.objects.filter(level__in=elsewhere)
        field.queryset = regions.select_related("parent")
        field.label_from_instance = _region_label


def _region_label(region) -> str:
    """'南明街道（新昌县）': town names repeat across counties, county names across cities."""
    return f"{region.name}（{region.parent.name}）" if region.parent_id else region.name
