from rest_framework import serializers

from kechuang.core.serializers import FormValidatedSerializer, MaskedCharField
from kechuang.registry.choices import Level
from kechuang.registry.forms import EnterpriseForm, InstitutionForm, PersonForm
from kechuang.registry.models import (
    Enterprise,
    IndustryChain,
    Institution,
    Person,
    Qualification,
)


class EnterpriseSerializer(FormValidatedSerializer):
    form_class = EnterpriseForm
    town_name = serializers.CharField(source="town.name", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    contact_phone = MaskedCharField(Enterprise.personal_fields["contact_phone"], label="联系电话")

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
            "products",
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
    phone = MaskedCharField(Person.personal_fields["phone"], label="电话")
    id_number = MaskedCharField(Person.personal_fields["id_number"], label="身份证号")

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
