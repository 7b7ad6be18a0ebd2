"""`kechuang demo`: load the deterministic demo county, or benchmark data with --scale."""

import time
import unicodedata

from django.core.management.base import BaseCommand, CommandError

from kechuang.demo import records
from kechuang.demo.county import generate_demo
from kechuang.demo.indicators import generate_demo_indicators
from kechuang.demo.logins import DEMO_PASSWORD, DemoLogin, demo_logins
from kechuang.demo.profiles import DEFAULT_SEED, FIRST_YEAR, LAST_YEAR, REFERENCE_SIZE, DemoError
from kechuang.demo.recognition import ASSESSED_ON, generate_demo_recognition
from kechuang.demo.reset import reset_domain_data
from kechuang.demo.scale import generate_scale
from kechuang.demo.techmarket import generate_demo_techmarket
from kechuang.monitoring import services
from kechuang.registry.choices import PersonKind, QualificationKind
from kechuang.registry.models import Enterprise


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def login_table(logins: list[DemoLogin]) -> str:
    """The demo accounts as an aligned plain-text table with Chinese headings."""
    rows = [("用户名", "密码", "角色", "姓名", "数据范围")]
    rows += [(x.username, x.password, x.role, x.display_name, x.scope) for x in logins]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


class Command(BaseCommand):
    help = "生成演示县（新昌县）的确定性演示数据，或用 --scale 生成全省规模的基准测试数据。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子")
        parser.add_argument(
            "--reset", action="store_true", help="先清空企业、机构、人员、组织和用户数据"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="已有企业数据时不做任何事（便于重复执行）"
        )
        parser.add_argument(
            "--enterprises",
            type=int,
            default=REFERENCE_SIZE,
            help="演示县的企业数（默认 2000）",
        )
        parser.add_argument("--scale", type=int, metavar="N", help="改为生成 N 家全省基准测试企业")
        parser.add_argument(
            "--counties", type=int, default=90, help="--scale 时覆盖的县（市、区）数"
        )

    def handle(self, *args, **options):
        if options["if_empty"] and not options["reset"] and Enterprise.objects.exists():
            self.stdout.write("已有企业数据，跳过生成。")
            self._print_logins(demo_logins())
            return
        if options["reset"]:
            started = time.monotonic()
            reset_domain_data()
            self.stdout.write(f"已清空业务数据（{time.monotonic() - started:.1f} 秒）。")
        try:
            if options["scale"]:
                self._scale(options)
            else:
                self._demo(options)
        except DemoError as error:
            raise CommandError(str(error)) from error

    def _demo(self, options) -> None:
        summary = generate_demo(options["seed"], options["enterprises"])
        kinds = dict(QualificationKind.choices)
        people = dict(PersonKind.choices)
        lines = [
            f"演示数据已生成（种子 {summary.seed}，用时 {summary.seconds:.1f} 秒）：",
            f"  组织 {summary.organisations} 个，产业集群和产业链 {summary.chains} 个，"
            f"高校院所及平台 {summary.institutions} 个，账号 {summary.users} 个",
            f"  企业 {summary.enterprises} 家，曾用名 {summary.former_names} 条，"
            f"产业链关系 {summary.chain_links} 条，规上状态 {summary.scale_records} 条",
            "  企业资质："
            + "，".join(f"{kinds[k]} {v} 条" for k, v in summary.qualifications.items()),
            "  人员：" + "，".join(f"{people[k]} {v} 人" for k, v in summary.people.items()),
            "  规上工业企业："
            + "，".join(
                f"{y}年 {n} 家" for y, n in summary.above_scale.items() if (y - FIRST_YEAR) % 3 == 0
            ),
            f"  {LAST_YEAR}年末有效高新技术企业 {summary.hnte_valid_last_year} 家；"
            f"2024年规上工业R&D经费占营收比 {summary.rd_revenue_ratio_2024:.2%}，"
            f"规上企业市级以上研发机构覆盖率 {summary.rd_institution_share_2024:.1%}；"
            f"2023年企业R&D经费占GDP {summary.enterprise_rd_gdp_2023:.2%}",
        ]
        self.stdout.write("\n".join(lines))
        started = time.monotonic()
        rd_count, financial_count = records.generate_demo_records(
            options["seed"], options["enterprises"]
        )
        pool_count, visit_count = records.generate_demo_pool(options["seed"])
        for year in range(FIRST_YEAR + 1, LAST_YEAR + 1):
            services.recompute(year)
        recognition_counts = generate_demo_recognition(options["seed"])
        self.stdout.write(
            f"  研发统计记录 {rd_count} 条，财务指标记录 {financial_count} 条；"
            f"重点培育库 {pool_count} 家，走访记录 {visit_count} 条；"
            f"{FIRST_YEAR + 1}-{LAST_YEAR}年监测结果已计算"
            f"（{time.monotonic() - started:.1f} 秒）"
        )
        self.stdout.write(
            f"  知识产权 {recognition_counts['rights']} 件，认定口径年度数据 "
            f"{recognition_counts['figures']} 条；{ASSESSED_ON:%Y-%m-%d} 高企、科小全县测评已完成"
        )
        indicator_counts = generate_demo_indicators(options["seed"])
        if indicator_counts["values"]:
            first, last = indicator_counts["years"]
            self.stdout.write(
                f"  区域指标：全省 90 个县（市、区）{first}-{last}年数值 {indicator_counts['values']} 条，"
                f"由企业数据计算的本县及乡镇指标 {indicator_counts['computed']} 条"
                + (
                    ""
                    if indicator_counts["placed"]
                    else "（未能使本县 2024 年总排名第 5、技术创新第 1）"
                )
            )
        started = time.monotonic()
        market = generate_demo_techmarket(options["seed"])
        matches = market["matches"]
        self.stdout.write(
            f"  技术市场：科技成果 {market['results']} 项（已发布 {market['published']} 项，含 "
            f"{market['partners']} 所县外合作高校），技术需求 {market['demands']} 项，专家 "
            f"{market['experts']} 位；对接 {sum(matches.values())} 项（已签约 "
            f"{matches.get('contracted', 0)} 项），成果主动推荐 {market['offers']} 项，"
            f"对接会配对 {market['pairings']} 对"
            f"（{time.monotonic() - started:.1f} 秒）"
        )
        self._print_logins(summary.logins)

    def _scale(self, options) -> None:
        total = options["scale"]

        def progress(done: int, total: int) -> None:
            if done == total or done % 50_000 < 5_000:
                self.stdout.write(f"  已写入 {done}/{total} 家企业")

        summary = generate_scale(options["counties"], total, options["seed"], progress=progress)
        self.stdout.write(
            f"基准测试数据已生成（种子 {summary.seed}，用时 {summary.seconds:.1f} 秒）："
            f"{summary.counties} 个县（市、区）、{summary.towns} 个乡镇街道，"
            f"企业 {summary.enterprises} 家，规上状态 {summary.scale_records} 条"
            f"（{LAST_YEAR}年规上 {summary.above_scale_last_year} 家），"
            f"资质 {summary.qualifications} 条"
        )

    def _print_logins(self, logins: list[DemoLogin]) -> None:
        if logins:
            self.stdout.write("\n演示账号（密码均为 " + DEMO_PASSWORD + "）：")
            self.stdout.write(login_table(logins))
