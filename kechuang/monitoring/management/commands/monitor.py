from django.core.management.base import BaseCommand, CommandError

from kechuang.engines import monitoring as engine
from kechuang.monitoring import services


class Command(BaseCommand):
    help = "按当前生效的监测规则重新计算某一年度的监测名单、分类、梯队、覆盖和预警。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="统计年度（默认最近一个有研发数据的年度）")

    def handle(self, year=None, **options):
        year = year or services.latest_year()
        if year is None:
            raise CommandError("没有研发统计数据：请先导入 107-2 研发统计表。")
        snapshot = services.recompute(year)
        summary = snapshot.summary
        titles = engine.MonitoringRules.from_dict(snapshot.rule_set.rules).list_titles()
        self.stdout.write(
            f"{year}年监测结果已生成（规则 {snapshot.rule_set.version}）："
            f"企业 {summary['enterprises']} 家，规上 {summary['above_scale']} 家，"
            f"{titles[engine.LIST_DECLINE]} {summary['declines']} 家，"
            f"{titles[engine.LIST_ZERO_RD]} {summary['zero_rd']} 家。"
        )
