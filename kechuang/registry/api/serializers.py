from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.settings import api_settings

from kechuang.core.serializers import MaskedCharField
from kechuang.registry.choices import Level
from kechuang.registry.forms import EnterpriseForm, InstitutionForm, PersonForm
from kechuang.registry.models import (
    Enterprise,
    IndustryChain,
    Institution,
    Person,
    Qualification,
)


class FormValidatedSerializer(serializers.ModelSerializer):
    """Writes go through the same ModelForm as the pages: same rules, same Chinese messages."""

    form_class = None

    def validate(self, attrs):
        if self.form_class is None:
            return attrs
        instance = self.instance
        data = {}
        if instance is not None:
            for name in self.form_class._meta.fields:
                value = getattr(instance, name, None)
                data[name] = getattr(value, "pk", value)
        for name, value in self.initial_data.items():
            if not self._echoes_mask(self.fields.get(name), value):
                data[name] = value
        form = self.form_class(data=data, instance=instance, user=self.context["user"])
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


class EnterpriseSerializer(FormValidatedSerializer):
    form_class = EnterpriseForm
    town_name = serializers.CharField(source="town.name", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    contact_phone = MaskedCharField("registry.view_contact_enterprise", label="联系电话")

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "uscc",
            "uscc_state",
            "name",
            "name_initials",
            "legacy_reg_no",
            "town",
            "town_name",
            "industry",
            "industry_name",
            "address",
            "founded_on",
            "registered_capital",
            "employees",
            "size_class",
            "is_listed",
            "stock_code",
            "legal_representative",
            "contact_person",
            "contact_phone",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uscc_state", "name_initials", "created_at", "updated_at"]
        # Uniqueness is the form's to answer, in the words the page uses.
        extra_kwargs = {"uscc": {"validators": []}}


class QualificationSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    # Read-only fields lose the model's blank=True; a qualification without a level is "".
    level = serializers.ChoiceField(choices=Level.choices, allow_blank=True, read_only=True)
    is_valid = serializers.BooleanField(read_only=True)

    class Meta:
        model = Qualification
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "kind",
            "level",
            "title",
            "certificate_no",
            "issued_on",
            "valid_until",
            "revoked_on",
            "is_valid",
        ]
        read_only_fields = fields


class InstitutionSerializer(FormValidatedSerializer):
    form_class = InstitutionForm

    class Meta:
        model = Institution
        fields = [
            "id",
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


class PersonSerializer(FormValidatedSerializer):
    form_class = PersonForm
    phone = MaskedCharField("registry.view_pii_person", label="电话")
    id_number = MaskedCharField("registry.view_pii_person", label="身份证号")

    class Meta:
        model = Person
        fields = [
            "id",
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


class IndustryChainSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndustryChain
        fields = ["id", "name", "kind", "parent", "industries", "description", "order", "is_active"]
        read_only_fields = fields
