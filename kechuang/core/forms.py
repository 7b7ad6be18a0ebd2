"""Form plumbing every app shares: date inputs, and model forms that keep to the user's scope."""

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ScopedModelForm(forms.ModelForm):
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
        paths = getattr(self._meta.model, "scope_paths", None)
        if paths is None or self.errors:
            return
        if not self.user.scope_grant().covers(self.instance, paths):
            self.add_error(None, self.out_of_scope_message)

    def save(self, commit=True):
        if commit and self.instance.pk and not self.has_changed():
            return self.instance  # nothing changed: no write, no empty history row
        return super().save(commit)

    def limit_regions(self, field_name: str, **filters) -> None:
        """Regions within the user's scope, their own organisation's, and the record's own."""
        field = self.fields[field_name]
        regions = field.queryset.model.objects.within_scope(self.user)
        extra = [getattr(self.instance, f"{field_name}_id", None)]
        if self.user.organisation_id:
            extra.append(self.user.organisation.region_id)
        extra = [code for code in extra if code]
        if extra:
            regions = regions | field.queryset.model.objects.filter(pk__in=extra)
        regions = regions.filter(**filters)
        field.queryset = regions
