"""helpers.scale: the pandas and Dask engines give the pipeline's tables, identically."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import clean, coding, corpus, documents, paths, pipeline, scale

MADE_UP = {
    "900_extra.txt": (
        "Detalj- och resultatstyrningen tar tid från mötet med brukarna.\n\n"
        "Vi behöver mer tillit och handlingsutrymme i socialtjänsten, t.ex. färre "
        "blanketter och mindre dokumentation.\n\nSVERIGES RIKSDAG\n\n"
        "- Mindre administration\n- Mer tid för eleverna i skolan\n"
    ),
    "901_extra.txt": "Kort text utan teman. Ännu en mening om vädret!\n",
    "902_extra.txt": "",
    "903_extra.txt": (
        "Rektorerna beskriver byråkrati och\nrapporteringskrav som tar över. "
        "Sjuk\u00adsköterskor efterlyser kontinuitet i äldre\u00adomsorgen.\n"
    ),
}


def _seed_docs() -> list[tuple[str, str, str]]:
    meta = corpus.load_metadata(paths.CORPUS_DIR).set_index("file")["doc_id"]
    return [(p.name, corpus.read_raw(p).text, meta[p.name]) for p in corpus.list_raw_files(paths.CORPUS_DIR)]


@pytest.fixture(scope="module")
def codebook():
    return coding.codebook_for(paths.CORPUS_DIR)


@pytest.fixture(scope="module")
def docs():
    return _seed_docs() + [(f, t, f) for f, t in MADE_UP.items()]


@pytest.fixture(scope="module")
def pandas_tables(docs, codebook):
    return scale.run_corpus(docs, codebook, engine="pandas", partition_size=8_000)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    pd.testing.assert_frame_equal(a.reset_index(drop=True).astype(str), b.reset_index(drop=True).astype(str))


def test_dask_engine_on_a_process_cluster_equals_pandas(docs, codebook, pandas_tables):
    from distributed import Client, Nanny

    assert len(scale.partitions(scale.as_documents(docs), 8_000)) >= 3
    with scale.local_cluster(n_workers=2) as cluster, Client(cluster) as client:
        assert len(cluster.workers) == 2 and all(isinstance(w, Nanny) for w in cluster.workers.values())
        tables = scale.run_corpus(docs, codebook, engine="dask", partition_size=8_000, client=client)
    assert tables.stats["partitions"] >= 3
    for name in scale.TABLES:
        _same(tables[name], pandas_tables[name])
    assert len(pandas_tables.coded) > 0 and len(pandas_tables.tokens) > 0


def _by_offset(rows, columns) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns).sort_values(["file", "start"], kind="stable").reset_index(drop=True)


def test_the_pipelines_tables_equal_the_helpers_file_by_file_and_sentence_by_sentence(codebook, tmp_path):
    """The pipeline's tables (built by helpers.scale, over partitions, vectorised) equal
    those of the plain helpers called one file and one sentence at a time."""
    run = pipeline.Run.from_params("corpus", tmp_path / "out")
    rules, stop = clean.load_rules(paths.CORPUS_DIR), clean.stopwords()
    sentences, removed, tokens = [], [], []
    for path in corpus.list_raw_files(paths.CORPUS_DIR):
        text = corpus.read_raw(path).text
        s, r = clean.segment(text, path.name, rules)
        sentences += s
        removed += r
        # tokens by their definition, match by match (clean.token_spans is the fast path)
        tokens += [(path.name, x["paragraph"], x["sentence"], m.start(), m.end(), t, clean.lemma(t), t.lower() in stop)
                   for x in s for m in clean._RAW_TOKEN.finditer(text, x["start"], x["end"])
                   for t in [clean.normalise(m.group())]]
    seg, rem = pipeline.segments(run)
    cols = ["file", "paragraph", "sentence", "start", "end", "text"]
    _same(seg[cols], _by_offset(sentences, cols))
    _same(rem, _by_offset(removed, pipeline.REMOVED_COLUMNS))
    token_cols = [c for c in pipeline.TOKEN_COLUMNS if c != "doc_id"]
    plain_tokens = _by_offset(tokens, token_cols)
    _same(pipeline.tokens(run)[token_cols], plain_tokens)
    counts = plain_tokens.groupby(["file", "paragraph", "sentence"]).size().rename("n")
    assert (seg.join(counts, on=["file", "paragraph", "sentence"])["n"].fillna(0).astype(int) == seg["tokens"]).all()
    assert (seg["doc_id"].to_numpy() == documents.assign(seg, pipeline.documents(run)).to_numpy()).all()
    coded, suppressed = coding.code_segments_with_log(seg, codebook)
    _same(pipeline.coded(run), coded)
    _same(pipeline.suppressed(run), suppressed)
    attrs = coding.context_attributes(seg, codebook)
    _same(seg[["sector", "actors"]], attrs[["sector", "actors"]])
    assert len(coded) > 20 and len(plain_tokens) > 1000


def test_made_up_texts_are_coded_like_the_coder_does(codebook, pandas_tables):
    seg = pandas_tables.segments
    seg = seg[seg["file"].isin(MADE_UP)].reset_index(drop=True)
    coded, _ = coding.code_segments_with_log(seg, codebook)
    _same(pandas_tables.coded[pandas_tables.coded["file"].isin(MADE_UP)], coded)
    attrs = coding.context_attributes(seg, codebook)
    _same(seg[["sector", "actors"]], attrs[["sector", "actors"]])
    assert "P_DETAIL" in set(coded["code"])  # the coordinated compound "detalj- och resultatstyrningen"


def test_jsonl_source_is_read_by_partition(tmp_path, docs, codebook, pandas_tables):
    import gzip
    import json

    path = tmp_path / "c.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for file, text, _ in docs:
            f.write(json.dumps({"id": file, "text": text}, ensure_ascii=False) + "\n")
    src = scale.JsonlCorpus(str(path))
    assert len(src.ranges(8_000)) >= 3
    tables = scale.run_corpus(src, codebook, partition_size=8_000, keep=("coded",))
    assert tables.segments is None
    # doc_id is the jsonl id there (entries of a diary keep their suffix): compare the rest
    _same(tables.coded.drop(columns="doc_id"), pandas_tables.coded.drop(columns="doc_id"))
    assert len(scale.read_jsonl_corpus(path)) == len(docs)


def test_progress_is_off_under_tests_and_when_asked(monkeypatch):
    assert scale.watching() is False
    monkeypatch.setenv(scale.PROGRESS_ENV, "0")
    assert scale.watching(True) is False
    monkeypatch.delenv(scale.PROGRESS_ENV)
    assert scale.watching(True) is True


def test_scheduler_address_from_the_environment(monkeypatch):
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://127.0.0.1:8786")
    assert scale.scheduler_address() == "tcp://127.0.0.1:8786"
    assert scale.scheduler_address("tcp://10.0.0.1:8786") == "tcp://10.0.0.1:8786"


# --------------------------------------------------------------------------- vectorised coding

def _code_both(docs, codebook, drop_tid: bool = False):
    """``scale.code_table`` vectorised and sentence by sentence on the same tables."""
    seg, _ = scale.segment_documents(scale.as_documents(docs))
    tok = scale.token_table(scale.as_documents(docs), seg)
    if drop_tid:
        tok = tok.drop(columns="tid")
    return seg, scale.code_table(seg, tok, codebook), scale.code_table(seg, tok, codebook, vectorised=False)


def _identical(new, old) -> None:
    for a, b in zip(new, old):
        pd.testing.assert_frame_equal(a, b)  # values, dtypes, order, index


def test_vectorised_coding_equals_the_per_sentence_coding_on_the_seeds(docs, codebook):
    seg, new, old = _code_both(docs, codebook)
    _identical(new, old)
    assert len(new[0]) > 0 and len(new[1]) >= 0
    _identical(_code_both(docs, codebook, drop_tid=True)[1], old)  # word types from the tokens


def test_vectorised_coding_equals_the_per_sentence_coding_on_the_synthetic_corpus(codebook):
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench", paths.PROJ_ROOT / "benchmarks" / "bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    docs = bench.synthetic_corpus(int(bench.BASE_MB * 1e6))  # the benchmark's corpus at 1×
    _, new, old = _code_both(docs, codebook)
    _identical(new, old)
    assert len(new[0]) > 100


def test_vectorised_coding_equals_the_per_sentence_coding_on_the_real_corpus(codebook, real_corpus_slice):
    docs = real_corpus_slice
    _, new, old = _code_both(docs, codebook)
    _identical(new, old)
    assert len(new[0]) > 50


HAND_MADE_CODEBOOK = {
    "name": "test", "version": 1,
    "codes": [
        {"id": "C_PHRASE", "family": "P", "name_sv": "fras", "name_en": "phrase", "colour": "#000000",
         "definition": "d", "use_when": "u", "terms": ["mindre administration", "tid för eleverna", "barn"]},
        {"id": "C_NEAR", "family": "R", "name_sv": "nära", "name_en": "near", "colour": "#000000",
         "definition": "d", "use_when": "u", "terms": ["tillit ~2 styr*"], "not_with": ["forskning*", "*kunskap ~1 brist*"]},
        {"id": "C_EXCL", "family": "P", "name_sv": "undantag", "name_en": "exclusion", "colour": "#000000",
         "definition": "d", "use_when": "u", "terms": ["*kontroll*", "mät* ~3 *mål*"],
         "exclude": ["egenkontroll*", "målning*"]},
        {"id": "C_DETAIL", "family": "P", "name_sv": "detalj", "name_en": "detail", "colour": "#000000",
         "definition": "d", "use_when": "u", "terms": ["detaljstyr*", "detaljstyrning ~4 tid", "*styrningen tar"]},
    ],
    "attributes": {
        "sector": {"school": ["skol*", "elev*"], "health": ["vård*", "sjuk* vård*"]},
        "actors": {"teachers": ["lärar*"], "heads": ["rektor*"]},
    },
}

HAND_MADE_TEXT = (
    "Mindre administration och mer tid för eleverna i skolan.\n\n"
    "Tillit och styrning. Styrning med tillit. Styrningen kräver tillit. "
    "Tillit är inte samma sak som styrning. Vi vill ha tillit. Styrning är viktigt.\n\n"
    "Tillit och styrning i forskningen. Tillit och styrning trots bristande kunskap.\n\n"
    "Kontrollen ökar. Egenkontrollen ökar. Mätningen av målen. Mätningen av målningen.\n\n"
    "Detalj- och resultatstyrningen tar tid från lärarna. "
    "Vi talar om detalj- eller. Resultatstyrning är något annat. "
    "Barnen och rektorerna i vården och sjuk- och hälsovården.\n"
)


def test_vectorised_coding_on_hand_made_sentences():
    cb = coding.Codebook.model_validate(HAND_MADE_CODEBOOK)
    docs = [("hand.txt", HAND_MADE_TEXT)]
    seg, new, old = _code_both(docs, cb)
    _identical(new, old)
    coded, supp, attrs = new
    ref, ref_supp = coding.code_segments_with_log(seg, cb)
    _same(coded, ref)
    _same(supp, ref_supp)
    _same(attrs, coding.context_attributes(seg, cb))
    matched = {w for m in coded["matched"] for w in m.split("; ")}
    # phrases, proximity in both orders and at the sentence's edges, never across sentences
    assert {"Mindre administration", "tid för eleverna", "Barnen"} <= matched
    assert {"Tillit … styrning", "Styrning … tillit", "Styrningen … tillit"} <= matched
    near = coded[coded["code"] == "C_NEAR"]
    assert len(near) == 3
    # not_with: suppressed with the rules and words that cancelled them
    assert set(supp["suppressing_words"]) == {"forskningen", "bristande … kunskap"}
    assert "*kunskap ~1 brist*" in set(supp["suppressed_by"])
    # exclusions, at the first word and at the second word of a proximity rule
    excl = coded[coded["code"] == "C_EXCL"]
    assert set(excl["matched"]) == {"Kontrollen", "Mätningen … målen"}
    # coordinated compounds, shown whole, also inside proximity rules and phrases
    detail = coded[coded["code"] == "C_DETAIL"]["matched"].iloc[0].split("; ")
    assert "Detalj- … resultatstyrningen" in detail
    assert "Detalj- … resultatstyrningen … tid" in detail
    assert "Detalj- … resultatstyrningen tar" not in detail  # the phrase's first word is "resultatstyrningen"
    assert "resultatstyrningen tar" in detail
    assert (coded["file"] == "hand.txt").all()
    # attributes: sorted labels, "general" when no sector
    assert set(attrs["sector"]) >= {"school", "general", "health"}
    assert "heads" in set(attrs["actors"]) and "teachers" in set(attrs["actors"])


def test_vectorised_coding_of_nothing(codebook):
    seg, new, old = _code_both([("empty.txt", ""), ("none.txt", "Kort text utan teman.\n")], codebook)
    _identical(new, old)
    assert new[0].empty and (new[2]["sector"] == "general").all()


def _labels_sentence_by_sentence(texts, matcher):
    return sorted({(i, lab) for i, t in enumerate(texts) for lab in matcher.match_detail(clean.tokenize(t))})


def test_find_labels_equals_the_matcher_sentence_by_sentence(docs, codebook):
    """The benchmark's like-for-like "ours" (scale.find_labels) finds what
    Matcher.match_detail finds, with lemmas and (as the baselines) forms only."""
    texts = scale.segment_documents(scale.as_documents(docs))[0]["text"].tolist()
    plain = sorted({t for c in codebook.codes for t in c.terms if "*" not in t and "~" not in t})
    forms_only = coding.Matcher([coding.Term.parse(t, t) for t in plain], lemmatize=lambda w: w)
    for matcher in (coding.code_matcher(codebook), forms_only):
        expected = _labels_sentence_by_sentence(texts, matcher)
        assert scale.find_labels(texts, matcher) == expected
        assert len(expected) > 5  # both find something to compare


def test_find_labels_reads_coordinated_compounds_with_the_matchers_lemmatiser():
    matcher = coding.Matcher([coding.Term.parse("S", "detaljstyrning")], lemmatize=lambda w: w)
    texts = ["Detalj- och resultatstyrning.", "Detalj- och resultatstyrningen.", "Inget här.", ""]
    assert scale.find_labels(texts, matcher) == _labels_sentence_by_sentence(texts, matcher) == [(0, "S")]


def test_a_bad_corpus_line_is_named_with_its_file_and_line(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "a", "text": "Ett."}\n\n{"id": "b", "text": \n{"id": "c"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"c\.jsonl, line 3: .*fix or remove the line"):
        scale.read_jsonl_corpus(path)
    src = scale.JsonlCorpus(str(path))
    assert src.read(0, 2)["file"].tolist() == ["a"]  # the blank line is skipped
    with pytest.raises(ValueError, match=r"line 4: expected an object with an 'id' \(a string or an integer\)"):
        src.read(3, 4)
    numbered = tmp_path / "n.jsonl"
    numbered.write_text('{"id": 17, "text": "Ett."}\n', encoding="utf-8")
    assert scale.read_jsonl_corpus(numbered)["file"].tolist() == ["17"]
    first, stop, offset = src.ranges(1)[2]
    assert (first, stop) == (2, 3) and offset == len('{"id": "a", "text": "Ett."}\n\n'.encode())


def test_an_empty_corpus_gives_empty_tables_with_their_columns(codebook):
    tables = scale.run_corpus([], codebook)
    assert list(tables.coded.columns) == coding.CODED_COLUMNS and tables.coded.empty
    assert list(tables.segments.columns) == pipeline.SEGMENT_COLUMNS and tables.segments.empty
    assert tables.stats["documents"] == 0
