from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "kechuang.assessment"
    label = "assessment"
    verbose_name = "认定测评与惠企政策"
