from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "kechuang.dashboard"
    label = "dashboard"
    verbose_name = "首页与驾驶舱"
