import argparse
import csv
import io
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kechuang.engines.recognition import rules as rule_sets
from kechuang.engines.recognition import table
from kechuang.engines.recognition.facts import FACT_COLUMNS

ENCODINGS = ("utf-8-sig", "gb18030")


def describe() -> str:
    lines = [
        "FACTS 列（金额单位万元；t1 为申请前最近一个会计年度，t2、t3 为其前两年；",
        "缺列或空单元格表示未知，相关条件判为 needs_info）：",
    ]
    lines += [f"  {name:<27}{meaning}" for name, meaning in FACT_COLUMNS]
    lines.append("是/否列填 1/0、是/否、true/false 或 yes/no。")
    lines.append(
        "只给出上面前 30 列时：高企第（三）、（七）项和科小第（三）项需补充信息，结论最多为 needs_info；"
        "给出标为“补充”的列后才可能为 eligible。"
    )
    for code, title in ((rule_sets.HNTE, "--rules hnte"), (rule_sets.SME, "--rules sme")):
        lines.append("")
        lines.append(f"RESULTS 列（{title}）：uscc, " + ", ".join(table.RESULT_COLUMNS[code][1:]))
        lines += [f"  {name:<27}{meaning}" for name, meaning in table.RESULT_HELP[code]]
    lines.append("")
    lines.append(f"--explain 另加 {table.EXPLANATION_COLUMN} 列：未满足或缺信息的条件及差距说明。")
    lines.append("任一单元格无法读取时，列出全部问题（行号、列、原因），不写出结果文件。")
    return "\n".join(lines)


def day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是日期，应写作 YYYY-MM-DD") from None


def read_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CommandError(f"{path} 既不是 UTF-8 也不是 GB18030 编码的 CSV 文件")


class Command(BaseCommand):
    help = "按高新技术企业认定条件或科技型中小企业评价办法，逐家测评 FACTS.csv 中的企业，不需要数据库。"
    requires_system_checks = []
    requires_migrations_checks = False

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        parser.epilog = describe()
        return parser

    def add_arguments(self, parser):
        parser.add_argument("facts", type=Path, help="FACTS.csv：每家企业一行")
        parser.add_argument(
            "--rules",
            required=True,
            choices=[rule_sets.HNTE, rule_sets.SME],
            help="hnte 高新技术企业；sme 科技型中小企业",
        )
        parser.add_argument(
            "--on",
            type=day,
            metavar="YYYY-MM-DD",
            help="申请（评价）日期，用于没有 apply_on 的行；默认今天",
        )
        parser.add_argument("--out", type=Path, help="RESULTS.csv；省略时写到标准输出")
        parser.add_argument("--explain", action="store_true", help="另加一列差距说明")

    def handle(self, facts, rules, on=None, out=None, explain=False, **options):
        if not facts.is_file():
            raise CommandError(f"找不到文件 {facts}")
        reader = csv.reader(io.StringIO(read_text(facts), newline=""))
        header = next(reader, None)
        if header is None:
            raise CommandError(f"{facts} 是空文件")
        names, problems = table.header_problems(header)
        rows = []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(names):
                problems.append(
                    table.RowProblem(
                        number, "", f"有 {len(cells)} 个单元格，多于表头的 {len(names)} 列"
                    )
                )
                continue
            rows.append((number, dict(zip(names, cells, strict=False))))
        all_facts, row_problems = table.read_facts(rows)
        problems += row_problems
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{facts}：{len(problems)} 处问题，未写出结果。")
        columns = list(table.RESULT_COLUMNS[rules])
        if explain:
            columns.append(table.EXPLANATION_COLUMN)
        buffer = io.StringIO(newline="")
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        counts = {}
        for result in table.results(all_facts, rules, on, explain=explain):
            writer.writerow(result)
            counts[result["verdict"]] = counts.get(result["verdict"], 0) + 1
        if out is None:
            self.stdout.write(buffer.getvalue(), ending="")
            return
        out.write_text(buffer.getvalue(), encoding="utf-8")
        self.stderr.write(
            f"已测评 {len(all_facts)} 家：符合 {counts.get('eligible', 0)}，"
            f"不符合 {counts.get('not_eligible', 0)}，需补充信息 {counts.get('needs_info', 0)}；"
            f"结果写入 {out}"
        )
