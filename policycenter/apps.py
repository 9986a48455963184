from django.apps import AppConfig


class PolicyCenterConfig(AppConfig):
    name = "policycenter"
    verbose_name = "Public policy center"
