from rest_framework import serializers

from kechuang.indicators.models import IndicatorValue, Target


class IndicatorValueSerializer(serializers.ModelSerializer):
    """A region's value of an indicator for a year, in the indicator's unit, with its source."""

    indicator = serializers.CharField(source="indicator.code", read_only=True)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    unit = serializers.CharField(source="indicator.unit", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    in_use = serializers.BooleanField(
        read_only=True,
        help_text="页面和指数采用的数值：官方数值；没有官方数值时为企业数据计算的数值",
    )

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "indicator",
            "indicator_name",
            "unit",
            "region",
            "region_name",
            "year",
            "value",
            "origin",
            "is_computed",
            "in_use",
            "source",
            "provenance",
            "note",
            "updated_at",
        ]
        read_only_fields = fields


class TargetSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    unit = serializers.CharField(source="indicator.unit", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    latest_year = serializers.IntegerField(
        source="progress.latest_year", read_only=True, allow_null=True
    )
    latest = serializers.FloatField(source="progress.latest", read_only=True, allow_null=True)
    gap = serializers.FloatField(source="progress.gap", read_only=True, allow_null=True)
    needed = serializers.CharField(source="progress.needed", read_only=True)

    class Meta:
        model = Target
        fields = [
            "id",
            "region",
            "region_name",
            "indicator",
            "indicator_name",
            "unit",
            "year",
            "value",
            "note",
            "latest_year",
            "latest",
            "gap",
            "needed",
        ]
        read_only_fields = fields


class RankingSerializer(serializers.Serializer):
    region = serializers.CharField()
    region_name = serializers.CharField()
    scores = serializers.DictField(child=serializers.FloatField(allow_null=True))
    ranks = serializers.DictField(child=serializers.IntegerField(allow_null=True))
