from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "kechuang.monitoring"
    label = "monitoring"
    verbose_name = "研发监测与培育"
