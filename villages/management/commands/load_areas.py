from django.core.management.base import BaseCommand

from villages.services import counties_load


class Command(BaseCommand):
    help = "载入运城市 13 个区县（GB/T 2260 代码、名称、类别）"

    def handle(self, *args, **options):
        created = counties_load()
        self.stdout.write(f"区县：新建 {created} 个，共 13 个")
