from django.apps import AppConfig


class YunchengConfig(AppConfig):
    """The project package as an app: it holds the seed_demo command and the tables' renderer."""

    name = "yuncheng"
    verbose_name = "平台"

    def ready(self):
        from .fast_tables import cache_column_templates, cache_signatures

        cache_signatures()
        cache_column_templates()
