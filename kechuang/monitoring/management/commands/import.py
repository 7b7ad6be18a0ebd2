"""`kechuang import rd|financial FILE`: the intake of the pages, from the command line.

Every row is checked first; any error is printed with its row, column, value and reason, and
the command exits non-zero having written nothing. `--dry-run` only reads and checks.
"""

from dataclasses import asdict
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kechuang.monitoring import batches, choices, intake
from kechuang.monitoring.validation import validate

CLI_ORIGIN = {"path": "kechuang import"}


class Command(BaseCommand):
    help = (
        "导入研发统计（107-2）或规上企业财务指标文件（xlsx、xls、csv）：先校验全部数据行，"
        "有任何错误则列出错误并退出，不写入任何数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "kind", choices=[k.value for k in choices.BatchKind], help="rd 或 financial"
        )
        parser.add_argument("file", help="要导入的文件")
        parser.add_argument(
            "--year", type=int, help="统计年度；默认取文件标题中的年度，没有则为上一年"
        )
        parser.add_argument(
            "--quarter", type=int, choices=range(0, 5), default=0, help="0 为年报（默认）"
        )
        parser.add_argument(
            "--unit",
            choices=[u.value for u in choices.SourceUnit],
            default=choices.SourceUnit.THOUSAND.value,
            help="表头未注明单位的金额列的单位（默认 thousand，即千元）",
        )
        parser.add_argument(
            "--department",
            choices=[d.value for d in choices.Department],
            default=choices.Department.STATISTICS.value,
        )
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入任何数据")
        parser.add_argument(
            "--update", action="store_true", help="企业该期已有不同数据时以本文件为准更新"
        )
        parser.add_argument(
            "--create-unknown", action="store_true", help="一并新建文件中尚未登记的企业"
        )
        parser.add_argument("--town", default="", help="新建企业的默认乡镇街道代码")
        parser.add_argument("--industry", default="", help="新建企业的默认行业代码")
        parser.add_argument(
            "--above-scale",
            action="store_true",
            help="文件为规上企业名录：据此将文件中的企业标记为该年度规上（仅 financial）",
        )
        parser.add_argument("--user", help="以哪个用户的身份导入（默认第一个超级管理员）")

    def handle(self, kind, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        if options["above_scale"] and kind != choices.BatchKind.FINANCIAL:
            raise CommandError("--above-scale 只用于规上企业财务指标文件（financial）。")
        user = self._user(options["user"])
        content = path.read_bytes()
        unit, quarter = options["unit"], options["quarter"]
        parsed = intake.parse(path.name, content, kind, unit)
        year = options["year"]
        if year is None:
            year = parsed.stated_year or timezone.localdate().year - 1
            source = "取自文件标题" if parsed.stated_year else "文件未注明，默认上一年"
            self.stdout.write(f"统计年度：{year}年（{source}）")
        self._columns(batches.layout_of(parsed, kind))
        if options["dry_run"]:
            self._dry_run(parsed, kind, year, quarter, user, options)
            return
        batch = batches.stage(
            filename=path.name,
            content=content,
            kind_key=kind,
            year=year,
            quarter=quarter,
            department=options["department"],
            default_unit=unit,
            marks_above_scale=options["above_scale"],
            allow_update=options["update"],
            user=user,
        )
        self._report(batch.issues, batch.unknown_usccs)
        if batch.status == choices.BatchStatus.FAILED:
            batches.log_staged(batch, user=user, origin=CLI_ORIGIN)
            raise CommandError(
                f"校验未通过：{len(batch.errors)} 处错误，未写入任何数据（批次#{batch.pk}）。"
            )
        if batch.unknown_usccs and not options["create_unknown"]:
            batches.log_staged(batch, user=user, origin=CLI_ORIGIN)
            raise CommandError(
                f"有 {len(batch.unknown_usccs)} 家企业尚未登记：加 --create-unknown（及 --town、"
                f"--industry）一并新建，或从文件中删除这些行（批次#{batch.pk} 待提交，未写入任何数据）。"
            )
        outcome = batches.commit_and_recompute(
            batch,
            user=user,
            create_unknown=options["create_unknown"],
            town_code=options["town"],
            industry_code=options["industry"],
            origin=CLI_ORIGIN,
        )
        if outcome.get("error"):
            raise CommandError(f"{outcome['error']}（批次#{batch.pk}，未写入任何数据）")
        self.stdout.write(
            self.style.SUCCESS(
                f"已导入批次#{batch.pk}（{batch.get_kind_display()}，{year}年）："
                f"新增 {batch.created_count}，更新 {batch.updated_count}，"
                f"未变化 {batch.unchanged_count}。"
            )
        )
        if outcome.get("warning"):
            self.stderr.write(outcome["warning"])
        elif quarter == 0:
            self.stdout.write(f"已重新计算{year}年监测结果。")

    def _columns(self, layout: dict) -> None:
        """Which columns were read as which field, in which unit, and which were ignored."""
        self.stdout.write(f"识别的列（{len(layout['columns'])}）：")
        for column in layout["columns"]:
            unit = f"\t{column['unit']}" if column["unit"] else ""
            source = f"（{column['unit_source']}）" if column["unit_source"] else ""
            self.stdout.write(
                f"  {column['column']}列\t{column['label']}\t→ {column['field_label']}{unit}{source}"
            )
        if layout["ignored"]:
            self.stdout.write(f"未识别、不导入的列（{len(layout['ignored'])}）：")
            for label in layout["ignored"]:
                self.stdout.write(f"  {label}")
        if layout["totals"]:
            rows = "、".join(str(n) for n in layout["totals"])
            self.stdout.write(f"跳过的合计/小计行：第{rows}行")

    def _dry_run(self, parsed, kind, year, quarter, user, options) -> None:
        validation = validate(
            parsed,
            kind_key=kind,
            year=year,
            quarter=quarter,
            user=user,
            allow_update=options["update"],
        )
        self._report([asdict(i) for i in parsed.issues], validation.unknown)
        errors = len(parsed.errors)
        if errors:
            raise CommandError(f"校验未通过：{errors} 处错误（试运行，未写入任何数据）。")
        if validation.unknown and not options["create_unknown"]:
            raise CommandError(
                f"有 {len(validation.unknown)} 家企业尚未登记：加 --create-unknown 一并新建，"
                "或从文件中删除这些行（试运行，未写入任何数据）。"
            )
        self.stdout.write(
            self.style.SUCCESS(f"校验通过：{len(parsed.rows)} 行可导入（试运行，未写入任何数据）。")
        )

    def _user(self, username: str | None):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"没有这个用户：{username}")
            return user
        user = users.filter(is_superuser=True).order_by("pk").first()
        if user is None:
            raise CommandError("系统中还没有超级管理员：请用 --user 指定导入人。")
        return user

    def _report(self, issues: list[dict], unknown: list[dict]) -> None:
        for severity, word in (("error", "错误"), ("warning", "警告")):
            chosen = [i for i in issues if i.get("severity") == severity]
            if not chosen:
                continue
            self.stdout.write(f"{word}（{len(chosen)}）：")
            for issue in chosen:
                row = f"第{issue['row']}行" if issue.get("row") else "文件"
                self.stdout.write(
                    f"  {row}\t{issue.get('column') or '—'}\t{issue.get('value') or '—'}\t"
                    f"{issue.get('message')}"
                )
        if unknown:
            self.stdout.write(f"未登记的企业（{len(unknown)}）：")
            for item in unknown:
                self.stdout.write(f"  第{item['row']}行\t{item['uscc']}\t{item['name'] or '—'}")
