from django.core.management.base import BaseCommand

from kechuang.core import retention


class Command(BaseCommand):
    help = "Delete stored files past FILE_RETENTION_DAYS (import files, finished exports)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="keep files this many days instead")
        parser.add_argument("--dry-run", action="store_true", help="only count")

    def handle(self, *args, days=None, dry_run=False, **options):
        if days is not None and days < 0:
            self.stderr.write("--days 不能为负数。")
            return
        for what, count in retention.run(days=days, dry_run=dry_run):
            verb = "将删除" if dry_run else "已删除"
            self.stdout.write(f"{what}：{verb} {count} 个")
