from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "kechuang.assessment"
    label = "assessment"
    verbose_name = "认定测评与惠企政策"

    def ready(self) -> None:
        from kechuang.assessment import panels, tasks  # noqa: F401 (tasks registers its job)
        from kechuang.core import panels as core_panels
        from kechuang.registry.models import Enterprise

        core_panels.register(
            Enterprise,
            "assessment/includes/enterprise_readiness_panel.html",
            panels.enterprise_readiness_panel,
        )
