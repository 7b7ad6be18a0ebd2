"""Serializer plumbing every app's API shares."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.settings import api_settings

from kechuang.core.forms import as_typed
from kechuang.core.masking import mask


class StrictSerializer(serializers.Serializer):
    """A request serializer that refuses fields it does not have, by name: DRF drops them,
    so a misspelt option (`create_unknwn`) would otherwise go unnoticed while the request
    goes through without it."""

    def validate(self, attrs):
        writable = {name for name, field in self.fields.items() if not field.read_only}
        unknown = sorted(set(getattr(self.initial_data, "keys", dict)()) - writable)
        if unknown:
            raise serializers.ValidationError(dict.fromkeys(unknown, ["没有这个字段。"]))
        return super().validate(attrs)


class MaskedCharField(serializers.CharField):
    """Personal text (a phone, an ID number) shown whole to users holding `permission` and
    masked to others; written like any text field. A masked value sent back unchanged, as a
    client echoing what it read does, leaves the stored value alone (see `echoes_mask`)."""

    def __init__(self, permission: str, **kwargs):
        self.permission = permission
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

    def shows_whole(self) -> bool:
        user = self.context.get("user")
        return user is not None and user.has_perm(self.permission)

    def to_representation(self, value):
        text = super().to_representation(value)
        return text if self.shows_whole() else mask(text)

    def echoes_mask(self, sent, stored) -> bool:
        return not self.shows_whole() and sent == mask(stored or "")


class FormValidatedSerializer(serializers.ModelSerializer):
    """Writes go through the same ModelForm as the pages: same rules, same Chinese messages."""

    form_class = None

    def get_validators(self):
        """Uniqueness across fields is the form's to check, with the page's message."""
        return [] if self.form_class is not None else super().get_validators()

    def validate(self, attrs):
        if self.form_class is None:
            return attrs
        instance = self.instance
        data = {}
        if instance is not None:
            for name in self.form_class._meta.fields:
                value = getattr(instance, name, None)
                data[name] = getattr(value, "pk", value)
        else:  # what is not sent takes the blank page form's defaults (status, today's date)
            data.update(self._blank_form_values())
        for name, value in self.initial_data.items():
            if not self._echoes_mask(self.fields.get(name), value):
                data[name] = value
        # The API carries money in yuan, as stored; the page form takes it in 万元.
        form = self.form_class(
            data=as_typed(self.form_class, data), instance=instance, user=self.context["user"]
        )
        refused = self._refused_fields(form)
        if refused:
            raise serializers.ValidationError(refused)
        if not form.is_valid():
            # DRF's own shape, {"field": ["message", ...]}, as for every other API error.
            raise serializers.ValidationError(
                {
                    api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field: [
                        ErrorDetail(error["message"], code=error["code"] or "invalid")
                        for error in errors
                    ]
                    for field, errors in form.errors.get_json_data(escape_html=False).items()
                }
            )
        self._form = form
        return attrs

    def get_fields(self):
        """On create, a field the page form fills in itself (today's date, the officer who
        is asking) need not be sent."""
        fields = super().get_fields()
        request = self.context.get("request")
        creating = request is not None and request.method == "POST" and self.instance is None
        if self.form_class is not None and creating and request.user.is_authenticated:
            for name in self._blank_form_values():
                if name in fields:
                    fields[name].required = False
        return fields

    def _blank_form_values(self) -> dict:
        if not hasattr(self, "_blank_values"):
            blank = self.form_class(user=self.context["user"])
            self._blank_values = {}
            for name, field in blank.fields.items():
                value = blank.get_initial_for_field(field, name)
                if value is not None and value != "":
                    self._blank_values[name] = getattr(value, "pk", value)
        return self._blank_values

    def _refused_fields(self, form) -> dict[str, list[str]]:
        """Fields sent that cannot be written here, which DRF and a form's disabled fields
        would otherwise drop silently: unknown names, read-only fields sent with another value
        than they hold, and the fields the user may not change (an enterprise's own user
        cannot rename or move it)."""
        current = None  # the stored representation, made only if a read-only field is sent
        refused = {}
        for name, value in self.initial_data.items():
            form_field = form.fields.get(name)
            field = self.fields.get(name)
            if self._echoes_mask(field, value):
                continue
            if form_field is None and name in self.form_class._meta.fields:
                # The form leaves it out for this user (personal data they may not see).
                refused[name] = ["您无权修改此字段。"]
            elif form_field is not None and form_field.disabled:
                if self._differs(form_field, value, form[name].initial):
                    refused[name] = ["您无权修改此字段。"]
            elif form_field is not None:
                continue
            elif field is None:
                refused[name] = ["没有这个字段。"]
            elif field.read_only:
                if current is None and self.instance is not None:
                    current = self.to_representation(self.instance)
                if (current or {}).get(name, object()) != value:
                    refused[name] = ["此字段只读，不能通过接口修改。"]
        return refused

    def _echoes_mask(self, field, value) -> bool:
        """A masked value sent back as it was read: the stored value stays."""
        if not isinstance(field, MaskedCharField) or self.instance is None:
            return False
        return field.echoes_mask(value, getattr(self.instance, field.source, ""))

    @staticmethod
    def _differs(field, value, initial) -> bool:
        try:
            return field.clean(value) != field.clean(initial)
        except ValidationError:
            return True

    def create(self, validated_data):
        return self._form.save()

    def update(self, instance, validated_data):
        return self._form.save()
