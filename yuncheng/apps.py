from django.apps import AppConfig


class YunchengConfig(AppConfig):
    """The project package as an app: it holds the seed_demo command."""

    name = "yuncheng"
    verbose_name = "平台"
