from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "kechuang.monitoring"
    label = "monitoring"
    verbose_name = "研发监测与培育"

    def ready(self) -> None:
        from kechuang.core import panels as core_panels
        from kechuang.monitoring import (  # noqa: F401 (tasks and retention register handlers)
            panels,
            retention,
            tasks,
        )
        from kechuang.registry.models import Enterprise

        core_panels.register(
            Enterprise, "monitoring/includes/enterprise_rd_panel.html", panels.enterprise_rd_panel
        )
        core_panels.register(
            Enterprise,
            "monitoring/includes/enterprise_pool_panel.html",
            panels.enterprise_pool_panel,
        )
