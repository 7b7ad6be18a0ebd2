"""`kechuang match`: the engine on any collection in IR file formats, its measures on the
shipped labelled set, and the platform's index rebuild."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from kechuang.techmarket.tests.factories import TechResultFactory


def write_collection(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        "\n".join(
            json.dumps(row, ensure_ascii=False)
            for row in (
                {
                    "doc_id": "d1",
                    "title": "轴承套圈磨削烧伤检测",
                    "abstract": "巴克豪森噪声在线检测。",
                    "keywords": ["磨削烧伤"],
                },
                {
                    "doc_id": "d2",
                    "title": "名优茶连续化加工",
                    "abstract": "杀青揉捻烘干连续化。",
                    "keywords": [],
                },
                {
                    "doc_id": "d3",
                    "title": "电子膨胀阀流量测试",
                    "abstract": "制冷剂流量控制。",
                    "keywords": ["电子膨胀阀"],
                },
            )
        )
        + "\n",
        encoding="utf-8",
    )
    queries = tmp_path / "queries.tsv"
    queries.write_text("qid\ttext\nq1\t轴承烧伤\nq2\t冷媒流量阀\n", encoding="utf-8")
    return corpus, queries


@pytest.mark.parametrize("signals", ["lexical", "ngram", "lexical,ngram"])
def test_run_writes_a_trec_run_file(tmp_path, signals):
    corpus, queries = write_collection(tmp_path)
    out = tmp_path / "run.tsv"
    call_command(
        "match",
        "run",
        str(corpus),
        str(queries),
        "--out",
        str(out),
        "--signals",
        signals,
        stderr=io.StringIO(),
    )
    lines = [line.split(" ") for line in out.read_text().splitlines()]
    assert all(len(parts) == 6 and parts[1] == "Q0" and parts[5] == "kechuang" for parts in lines)
    first = {parts[0]: parts[2] for parts in lines if parts[3] == "1"}
    assert first == {"q1": "d1", "q2": "d3"}
    scores = [float(parts[4]) for parts in lines if parts[0] == "q1"]
    assert scores == sorted(scores, reverse=True)


def test_run_names_what_is_wrong_with_its_input(tmp_path):
    corpus, queries = write_collection(tmp_path)
    out = tmp_path / "run.tsv"
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("match", "run", str(tmp_path / "none.jsonl"), str(queries), "--out", str(out))
    queries.write_text("id\tquery\nq1\t轴承\n", encoding="utf-8")
    with pytest.raises(CommandError, match="qid<TAB>text"):
        call_command("match", "run", str(corpus), str(queries), "--out", str(out))
    corpus.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(CommandError, match="corpus.jsonl 第 1 行：不是 JSON"):
        call_command("match", "run", str(corpus), str(queries), "--out", str(out))
    with pytest.raises(CommandError, match="目录"):
        call_command(
            "match", "run", str(corpus), str(queries), "--out", str(tmp_path / "no" / "run.tsv")
        )
    assert not out.exists()


def test_unknown_signal_is_refused_with_the_choices(tmp_path, capsys):
    corpus, queries = write_collection(tmp_path)
    with pytest.raises(CommandError, match="lexical, ngram, dense, fusion"):
        call_command(
            "match",
            "run",
            str(corpus),
            str(queries),
            "--out",
            str(tmp_path / "r"),
            "--signals",
            "bm25",
        )


def test_evaluate_prints_each_signal_on_the_shipped_collection():
    out = io.StringIO()
    call_command("match", "evaluate", stdout=out)
    text = out.getvalue()
    assert "240 篇文档，60 个查询" in text
    rows = {
        line.split()[0]: line.split()[1:] for line in text.splitlines()[2:] if line[:1].isalpha()
    }
    assert {"lexical", "ngram", "fusion"} <= set(rows)
    for name in ("lexical", "ngram", "fusion"):
        recall10, recall100, ndcg, mrr = map(float, rows[name])
        assert 0.5 < ndcg <= 1 and 0.5 < mrr <= 1 and recall10 <= recall100


def test_evaluate_on_own_files_needs_their_judgements(tmp_path):
    corpus, queries = write_collection(tmp_path)
    own_files = ["match", "evaluate", "--corpus", str(corpus), "--queries", str(queries)]
    with pytest.raises(CommandError, match="--qrels"):
        call_command(*own_files)
    qrels = tmp_path / "qrels.txt"
    qrels.write_text("q9 0 d1 1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="没有一个查询"):
        call_command(*own_files, "--qrels", str(qrels))
    qrels.write_text("q1 0 d1 2\nq2 0 d3 1\nq2 0 d404 1\nq7 0 d2 1\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command(*own_files, "--qrels", str(qrels), stdout=out, stderr=err)
    assert "3 篇文档，2 个查询，2 个有相关文档" in out.getvalue()
    assert "1 个查询不在查询文件里" in err.getvalue()
    assert "1 篇文档不在语料里" in err.getvalue()


@pytest.mark.django_db
def test_reindex_builds_and_saves_every_collection(world, settings):
    TechResultFactory(institution=world.own_institution)
    out = io.StringIO()
    call_command("match", "reindex", stdout=out)
    assert "科技成果：1 条" in out.getvalue()
    for name in ("results", "experts", "institutions", "demands", "enterprises"):
        assert (settings.MATCH_INDEX_DIR / name / "matcher.json").exists()
