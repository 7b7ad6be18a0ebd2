"""Information-retrieval files and measures: a JSON-lines corpus, a tab-separated query file,
TREC qrels and run files; recall@k, nDCG@10 and MRR as trec_eval defines them.

Corpus: one JSON object a line with "doc_id", "title", "abstract" and "keywords" (a list,
possibly empty). Queries: a header `qid<TAB>text`, then one query a line. Qrels: `qid 0
doc_id grade` (grade > 0 is relevant). Run: `qid Q0 doc_id rank score tag`.
"""

import csv
import io
import json
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kechuang.engines.matching.engine import Document

# The labelled collection shipped with the engine (see its README).
COLLECTION = Path(__file__).with_name("collection")


class FormatError(ValueError):
    """A file that does not follow its format; the message names the line."""


def read_corpus(path: Path) -> list[Document]:
    documents, seen = [], set()
    with open(path, encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise FormatError(f"{path} 第 {number} 行：不是 JSON（{error.msg}）") from None
            if not isinstance(record, dict):
                raise FormatError(f"{path} 第 {number} 行：应为一个 JSON 对象")
            doc_id = record.get("doc_id")
            if not isinstance(doc_id, str) or not doc_id.strip():
                raise FormatError(f"{path} 第 {number} 行：缺少 doc_id，或 doc_id 不是字符串")
            if doc_id in seen:
                raise FormatError(f"{path} 第 {number} 行：doc_id {doc_id} 重复")
            seen.add(doc_id)
            keywords = record.get("keywords") or []
            if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
                raise FormatError(f"{path} 第 {number} 行：keywords 应为字符串列表")
            title, abstract = record.get("title") or "", record.get("abstract") or ""
            if not isinstance(title, str) or not isinstance(abstract, str):
                raise FormatError(f"{path} 第 {number} 行：title 和 abstract 应为字符串")
            documents.append(Document(doc_id, title, abstract, tuple(keywords)))
    if not documents:
        raise FormatError(f"{path}：没有文档")
    return documents


def read_queries(path: Path) -> list[tuple[str, str]]:
    text = Path(path).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows or [c.strip().lower() for c in rows[0][:2]] != ["qid", "text"]:
        raise FormatError(f"{path} 第 1 行：表头应为 qid<TAB>text")
    queries, seen = [], set()
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != 2 or not row[0].strip():
            raise FormatError(f"{path} 第 {number} 行：应为 qid<TAB>text 两列")
        qid = row[0].strip()
        if not row[1].strip():
            raise FormatError(f"{path} 第 {number} 行：查询 {qid} 的文本为空")
        if qid in seen:
            raise FormatError(f"{path} 第 {number} 行：qid {qid} 重复")
        seen.add(qid)
        queries.append((qid, row[1].strip()))
    if not queries:
        raise FormatError(f"{path}：表头之后没有查询")
    return queries


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    judged: dict[str, dict[str, int]] = defaultdict(dict)
    with open(path, encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 4 or not parts[3].lstrip("-").isdigit():
                raise FormatError(
                    f"{path} 第 {number} 行：应为 qid 0 doc_id grade 四列，grade 为整数"
                )
            judged[parts[0]][parts[2]] = int(parts[3])
    return dict(judged)


def write_run(handle, qid: str, ranked: Iterable[tuple[str, float]], tag: str) -> None:
    for rank, (doc_id, score) in enumerate(ranked, start=1):
        handle.write(f"{qid} Q0 {doc_id} {rank} {score:.6f} {tag}\n")


def read_run(path: Path) -> dict[str, list[str]]:
    ranked: dict[str, list[tuple[int, str]]] = defaultdict(list)
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 6:
                raise FormatError(f"{path} 第 {number} 行：应为 qid Q0 doc_id rank score tag 六列")
            ranked[parts[0]].append((-float(parts[4]), parts[2]))
    return {q: [d for _, d in sorted(rows)] for q, rows in ranked.items()}


def recall(ranked: list[str], grades: dict[str, int], k: int) -> float:
    relevant = {d for d, g in grades.items() if g > 0}
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / len(relevant)


def ndcg(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    """nDCG@k with the grade as gain and log2(rank + 1) as discount (trec_eval's ndcg_cut)."""
    gained = sum(
        grades.get(d, 0) / math.log2(i + 2)
        for i, d in enumerate(ranked[:k])
        if grades.get(d, 0) > 0
    )
    ideal_gains = sorted((g for g in grades.values() if g > 0), reverse=True)[:k]
    ideal = sum(g / math.log2(i + 2) for i, g in enumerate(ideal_gains))
    return gained / ideal if ideal else 0.0


def reciprocal_rank(ranked: list[str], grades: dict[str, int]) -> float:
    for i, doc_id in enumerate(ranked, start=1):
        if grades.get(doc_id, 0) > 0:
            return 1 / i
    return 0.0


@dataclass(frozen=True)
class Measures:
    queries: int
    recall_10: float
    recall_100: float
    ndcg_10: float
    mrr: float


def evaluate(run: dict[str, list[str]], qrels: dict[str, dict[str, int]]) -> Measures:
    """Means over the queries that have a relevant document (trec_eval's convention); a
    query the run left out scores zero."""
    judged = [q for q, grades in qrels.items() if any(g > 0 for g in grades.values())]
    if not judged:
        return Measures(0, 0.0, 0.0, 0.0, 0.0)

    def mean(measure) -> float:
        return sum(measure(run.get(q, []), qrels[q]) for q in judged) / len(judged)

    return Measures(
        queries=len(judged),
        recall_10=mean(lambda r, g: recall(r, g, 10)),
        recall_100=mean(lambda r, g: recall(r, g, 100)),
        ndcg_10=mean(lambda r, g: ndcg(r, g, 10)),
        mrr=mean(reciprocal_rank),
    )
