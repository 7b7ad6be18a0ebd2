import argparse
import csv
import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kechuang.engines.composite import methods as choices
from kechuang.engines.composite.methods import Methods
from kechuang.engines.composite.stages import BuildError
from kechuang.engines.composite.table import (
    STAGE_FILES,
    TableError,
    build_all,
    correlations_table,
    decode,
    read_data,
    results_table,
    stage_table,
    treatment_table,
)


def describe() -> str:
    lines = [
        "DATA.csv：每个单位（每期）一行。uCode 单位代码（必填）、uName 名称、任意分组列、Time 年份",
        "（可省略；有多个年份时逐年分别计算），其后每个指标、每个分母各一列，列名即其代码。",
        "空单元格及 NA、-、… 为缺失；数字可带千分位逗号，带 % 的按百分数读。",
        "",
        "FRAMEWORK.csv：每个元素一行。iCode 代码；Level 层级（1 为指标，往上为支柱、分指数、总指数）；",
        "Parent 上级代码（须在高一层）；Direction 1 越大越好、-1 越小越好（空为 1）；Weight 权重（空为 1，",
        "在同一上级内重新归一）；Denominator 分母列（空为不除）；可选 iName 名称、Target 目标值（dist_target 用）。",
        "其他列忽略；Type 为 Denominator / Group / Other 的行跳过。没有上级的元素多于一个时，",
        "在其上补一个 Index（各元素按其 Weight 加权，空为 1）。",
        "",
        "RESULTS.csv：uCode[, Time]，然后从总指数往下，每个综合元素一列得分、一列 <代码>_rank 排名",
        "（1 为最高，并列取最小名次）。",
        "",
        "--stages DIR 另写各阶段全精度表：" + "、".join(STAGE_FILES.values()) + "，",
        "以及 treatment_log.csv（每个指标的偏度、峰度、处理方式、被缩尾的点，插补的值，被筛除的单位，",
        "无法除以分母的值）和 correlations.csv（各元素与上级、与总指数的皮尔逊相关系数）。",
        "",
        "方法（默认值为手册的常用选择）：",
    ]
    for title, options in (
        ("--impute", choices.IMPUTATIONS),
        ("--treat", choices.TREATMENTS),
        ("--normalise", choices.NORMALISATIONS),
        ("--aggregate", choices.AGGREGATIONS),
    ):
        lines.append(f"  {title}")
        lines += [f"    {name:<13}{meaning}" for name, meaning in options.items()]
    lines.append(
        "  --impute-group 指定 group_mean / group_median 的分组列；--range 为 minmax 的区间（默认 0 100）；"
    )
    lines.append(
        "  --zscore 为 zscore 的目标均值和标准差（默认 0 1）；--reference 为 dist_ref 的参照单位。"
    )
    lines.append("")
    lines.append("任一单元格无法读取时，列出全部问题（行号、列、原因），不写出任何文件。")
    return "\n".join(lines)


def read_rows(path: Path) -> list[dict]:
    if not path.is_file():
        raise CommandError(f"找不到文件 {path}")
    try:
        text = decode(path.read_bytes(), str(path))
    except TableError as error:
        raise CommandError(error.problems[0]) from None
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=dialect.delimiter)
    if not reader.fieldnames:
        raise CommandError(f"{path} 是空文件")
    reader.fieldnames = [name.strip() for name in reader.fieldnames]
    # The readers number rows from line 2 by position, but DictReader drops blank lines:
    # keep each row at its line in the file by putting an empty row in for every line skipped.
    blank = dict.fromkeys(reader.fieldnames, "")
    rows: list[dict] = []
    for row in reader:
        inside = sum(value.count("\n") for value in row.values() if isinstance(value, str))
        while len(rows) + 2 < reader.line_num - inside:
            rows.append(dict(blank))
        rows.append(row)
    if not rows:
        raise CommandError(f"{path} 只有表头，没有数据行")
    return rows


def write_csv(frame, path: Path | None, stdout) -> None:
    buffer = io.StringIO(newline="")
    frame.to_csv(buffer, index=False, lineterminator="\n", float_format="%.17g")
    if path is None:
        stdout.write(buffer.getvalue(), ending="")
        return
    try:
        path.write_text(buffer.getvalue(), encoding="utf-8")
    except OSError as error:
        raise CommandError(f"无法写入 {path}：{error.strerror}") from None


class Command(BaseCommand):
    help = "综合指数：按 COINr 表格约定，从数据表和框架表计算各级得分与排名，不需要数据库。"
    requires_system_checks = []
    requires_migrations_checks = False

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="build")
        build = actions.add_parser(
            "build",
            help="计算综合指数",
            description=self.help,
            epilog=describe(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        build.add_argument("data", type=Path, metavar="DATA.csv")
        build.add_argument("framework", type=Path, metavar="FRAMEWORK.csv")
        build.add_argument("--out", type=Path, metavar="RESULTS.csv", help="省略时写到标准输出")
        build.add_argument("--stages", type=Path, metavar="DIR", help="另写各阶段的表和处理日志")
        build.add_argument("--no-denominate", action="store_true", help="不按 Denominator 列相除")
        build.add_argument(
            "--screen",
            type=float,
            default=0.0,
            metavar="SHARE",
            help="指标覆盖率低于此比例（0–1）的单位不参与；默认 0",
        )
        build.add_argument(
            "--impute",
            choices=list(choices.IMPUTATIONS),
            help="默认：有 --impute-group 时 group_mean，否则 none",
        )
        build.add_argument("--impute-group", metavar="COLUMN", help="按该列分组插补")
        build.add_argument("--treat", choices=list(choices.TREATMENTS), default="skew_kurt")
        build.add_argument("--winmax", type=int, default=5, help="每个指标最多缩尾的点数；默认 5")
        build.add_argument("--skew", type=float, default=2.0, help="偏度阈值（绝对值）；默认 2")
        build.add_argument(
            "--kurtosis", type=float, default=3.5, help="峰度（超额峰度）阈值；默认 3.5"
        )
        build.add_argument("--normalise", choices=list(choices.NORMALISATIONS), default="minmax")
        build.add_argument(
            "--range", nargs=2, type=float, default=(0.0, 100.0), metavar=("LOW", "HIGH")
        )
        build.add_argument(
            "--zscore", nargs=2, type=float, default=(0.0, 1.0), metavar=("MEAN", "SD")
        )
        build.add_argument("--reference", metavar="uCode", help="dist_ref 的参照单位")
        build.add_argument("--aggregate", choices=list(choices.AGGREGATIONS), default="arithmetic")

    def handle(self, action, **options):
        impute = options["impute"] or ("group_mean" if options["impute_group"] else "none")
        try:
            methods = Methods(
                denominate=not options["no_denominate"],
                screen=options["screen"],
                impute=impute,
                impute_group=options["impute_group"],
                treat=options["treat"],
                winmax=options["winmax"],
                skew_threshold=options["skew"],
                kurtosis_threshold=options["kurtosis"],
                normalise=options["normalise"],
                low=options["range"][0],
                high=options["range"][1],
                zscore_mean=options["zscore"][0],
                zscore_sd=options["zscore"][1],
                reference=options["reference"],
                aggregate=options["aggregate"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        for target in (options["out"],):
            if target is not None and not target.parent.is_dir():
                raise CommandError(f"无法写入 {target}：目录 {target.parent} 不存在")
        data_rows = read_rows(options["data"])
        framework_rows = read_rows(options["framework"])
        try:
            panel, framework = read_data(data_rows, framework_rows, group=options["impute_group"])
            builds = build_all(panel, framework, methods, group=options["impute_group"])
        except TableError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(error.problems)} 处问题，未写出结果。") from None
        except BuildError as error:
            raise CommandError(str(error)) from None
        stages_dir = options["stages"]
        if stages_dir is not None:
            stages_dir.mkdir(parents=True, exist_ok=True)
            for stage, filename in STAGE_FILES.items():
                write_csv(stage_table(builds, stage), stages_dir / filename, self.stdout)
            write_csv(treatment_table(builds), stages_dir / "treatment_log.csv", self.stdout)
            write_csv(correlations_table(builds), stages_dir / "correlations.csv", self.stdout)
        write_csv(results_table(builds), options["out"], self.stdout)
        if options["out"] is not None:
            units = len(panel.names)
            self.stderr.write(
                f"已计算 {units} 个单位、{len(framework.indicators)} 个指标、{len(builds)} 期；结果写入 {options['out']}"
            )
