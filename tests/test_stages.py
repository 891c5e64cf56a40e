"""helpers.stages and helpers.matcher: the engines give the pipeline's tables identically,
and the table matcher does what the reference matcher (tests/reference_matcher.py) says."""

from __future__ import annotations

import pandas as pd
import pytest
import reference_matcher as ref
from jsonl_corpus import JsonlCorpus, read_jsonl_corpus

from helpers import clean, coding, corpus, documents, matcher, paths, pipeline, stages, tables

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


# three pages of one made-up site: its template (a menu and a footer) on each, its own text
# between; spread over partitions, they are still cleaned against the whole corpus
SITE_MENU = ["Bo och leva", "Kultur och fritid", "Näringsliv och arbete"]
SITE_PAGES = {
    f"95{n}_page.txt": "\n".join(SITE_MENU) + f"\n\n{body}\n\nExempelby kommun\nHela Exempelby växer\n"
    for n, body in enumerate([
        "Nämnden beslutade i går att bygga en ny förskola med mer tid för barnen.",
        "Biblioteket har fått nya öppettider och mindre administration för personalen.",
        "Kommunen söker sommarvikarier till äldreomsorgen och hemtjänsten i sommar.",
    ])
}


def _seed_docs() -> list[tuple[str, str, str]]:
    meta = corpus.load_metadata(paths.CORPUS_DIR).set_index("file")["doc_id"]
    return [(p.name, corpus.read_raw(p).text, meta[p.name]) for p in corpus.list_raw_files(paths.CORPUS_DIR)]


@pytest.fixture(scope="module")
def codebook():
    return coding.codebook_for(paths.CORPUS_DIR)


@pytest.fixture(scope="module")
def docs():
    pages = [(f, t, f) for f, t in SITE_PAGES.items()]
    seeds = _seed_docs()
    return pages[:1] + seeds[:3] + pages[1:2] + seeds[3:] + [(f, t, f) for f, t in MADE_UP.items()] + pages[2:]


@pytest.fixture(scope="module")
def pandas_tables(docs, codebook):
    return stages.run_corpus(docs, codebook, engine="pandas", partition_size=8_000)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    pd.testing.assert_frame_equal(a.reset_index(drop=True).astype(str), b.reset_index(drop=True).astype(str))


def test_dask_engine_on_a_process_cluster_equals_pandas(docs, codebook, pandas_tables):
    from distributed import Client, Nanny

    assert len(stages.partitions(stages.as_documents(docs), 8_000)) >= 3
    with stages.local_cluster(n_workers=2) as cluster, Client(cluster) as client:
        assert len(cluster.workers) == 2 and all(isinstance(w, Nanny) for w in cluster.workers.values())
        out = stages.run_corpus(docs, codebook, engine="dask", partition_size=8_000, client=client)
    assert out.stats["partitions"] >= 3
    for name in stages.KEPT:
        if name == "documents":
            assert out.documents == pandas_tables.documents and len(out.documents) > len(docs)
        else:
            _same(out[name], pandas_tables[name])
    assert len(pandas_tables.coded) > 0 and len(pandas_tables.tokens) > 0


def test_a_sites_template_is_removed_across_partitions_with_either_engine(docs, pandas_tables):
    """The three pages fall in different partitions, yet each loses its template (the
    line counts come from the whole corpus), logged with the rule; the Dask test above
    holds the same tables for that engine."""
    parts = stages.partitions(stages.as_documents(docs), 8_000)
    assert len({n for n, p in enumerate(parts) for f in p["file"] if f in SITE_PAGES}) == 3
    removed = pandas_tables.removed
    gone = removed[removed["file"].isin(SITE_PAGES) & (removed["rule"] == "site-template")]
    assert sorted(gone["text"]) == sorted((SITE_MENU + ["Exempelby kommun", "Hela Exempelby växer"]) * 3)
    seg = pandas_tables.segments
    assert seg[seg["file"].isin(SITE_PAGES)].groupby("file").size().tolist() == [1, 1, 1]


def _by_offset(rows, columns) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns).sort_values(["file", "start"], kind="stable").reset_index(drop=True)


def _reference_coding(seg: pd.DataFrame, token_lists: list[list[str]], codebook, lemmatize=clean.lemma):
    """coded, suppressed and the attributes as the reference matcher gives them."""
    sentences = seg[["file", "doc_id", "paragraph", "sentence", "start", "end"]].to_dict("records")
    kinds = seg["kind"].tolist() if "kind" in seg.columns else None
    coded, suppressed, attrs = ref.code_sentences(sentences, token_lists, codebook, lemmatize, kinds)
    return (pd.DataFrame(coded, columns=tables.CODED_COLUMNS), pd.DataFrame(suppressed, columns=tables.SUPPRESSED_COLUMNS),
            pd.DataFrame(attrs, index=seg.index))


def test_the_pipelines_tables_equal_the_helpers_file_by_file_and_sentence_by_sentence(codebook, tmp_path):
    """The pipeline's tables (built by helpers.stages, over partitions, over whole token
    tables) equal those of the plain helpers called one file and one sentence at a time,
    coded by the reference matcher."""
    run = pipeline.Run.from_params("corpus", tmp_path / "out")
    rules, stop = clean.load_rules(paths.CORPUS_DIR), clean.stopwords()
    sentences, removed, tokens = [], [], []
    for path in corpus.list_raw_files(paths.CORPUS_DIR):
        text = corpus.read_raw(path).text
        s, r = clean.segment(text, path.name, rules)
        sentences += s
        removed += r
        # tokens by their definition, match by match (clean.token_columns_of is the fast path)
        tokens += [(path.name, x["paragraph"], x["sentence"], m.start(), m.end(), t, clean.lemma(t), t.lower() in stop)
                   for x in s for m in clean._RAW_TOKEN.finditer(text, x["start"], x["end"])
                   for t in [clean.normalise(m.group())]]
    seg, rem = pipeline.segments(run)
    cols = ["file", "paragraph", "sentence", "start", "end", "text"]
    _same(seg[cols], _by_offset(sentences, cols))
    _same(rem, _by_offset(removed, tables.REMOVED_COLUMNS))
    token_cols = [c for c in tables.TOKEN_COLUMNS if c != "doc_id"]
    plain_tokens = _by_offset(tokens, token_cols)
    _same(pipeline.tokens(run)[token_cols], plain_tokens)
    counts = plain_tokens.groupby(["file", "paragraph", "sentence"]).size().rename("n")
    assert (seg.join(counts, on=["file", "paragraph", "sentence"])["n"].fillna(0).astype(int) == seg["tokens"]).all()
    assert (seg["doc_id"].to_numpy() == documents.assign(seg, pipeline.documents(run)).to_numpy()).all()
    coded, suppressed, attrs = _reference_coding(seg, [clean.tokenize(t) for t in seg["text"]], codebook)
    # the stages' columns; the correction layer (review) is the corpus's review decisions'
    _same(pipeline.coded(run)[tables.CODED_COLUMNS], coded)
    _same(pipeline.suppressed(run), suppressed)
    _same(seg[["sector", "actors"]], attrs[["sector", "actors"]])
    assert len(coded) > 20 and len(plain_tokens) > 1000


def test_documents_are_built_once_with_their_metadata(tmp_path, monkeypatch):
    """documents_of_file runs once per file, with the file's real metadata (its date)."""
    calls = []
    real = documents.documents_of_file

    def counting(file, text, meta, dated=(), removed=()):
        calls.append((file, meta.get("date", "")))
        return real(file, text, meta, dated, removed)

    monkeypatch.setattr(documents, "documents_of_file", counting)
    run = pipeline.Run.from_params("corpus", tmp_path / "out")
    pipeline.build_tables(run)
    meta = corpus.load_metadata(paths.CORPUS_DIR)
    assert sorted(calls) == sorted(zip(meta["file"], meta["date"]))
    assert "-" not in {d for _, d in calls}


def test_made_up_texts_are_coded_as_the_reference_says(codebook, pandas_tables):
    seg = pandas_tables.segments
    seg = seg[seg["file"].isin(MADE_UP)].reset_index(drop=True)
    coded, _, attrs = _reference_coding(seg, [clean.tokenize(t) for t in seg["text"]], codebook)
    _same(pandas_tables.coded[pandas_tables.coded["file"].isin(MADE_UP)], coded)
    _same(seg[["sector", "actors"]], attrs[["sector", "actors"]])
    assert "P_DETAIL" in set(coded["code"])  # the coordinated compound "detalj- och resultatstyrningen"


def test_a_source_is_read_by_partition(tmp_path, docs, codebook, pandas_tables):
    import gzip
    import json

    path = tmp_path / "c.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for file, text, _ in docs:
            f.write(json.dumps({"id": file, "text": text}, ensure_ascii=False) + "\n")
    src = JsonlCorpus(str(path))
    assert len(src.ranges(8_000)) >= 3
    rules = clean.load_rules()
    assert stages.template_counts(src, rules, 8_000) == stages.template_counts(docs, rules)
    assert "Bo och leva" in stages.template_counts(src, rules, 8_000)
    out = stages.run_corpus(src, codebook, partition_size=8_000, keep=("coded",))
    assert out.segments is None
    # doc_id is the jsonl id there (entries of a diary keep their suffix): compare the rest
    _same(out.coded.drop(columns="doc_id"), pandas_tables.coded.drop(columns="doc_id"))
    assert len(read_jsonl_corpus(path)) == len(docs)


def test_progress_is_off_under_tests_and_when_asked(monkeypatch):
    assert stages.watching() is False
    monkeypatch.setenv(stages.PROGRESS_ENV, "0")
    assert stages.watching(True) is False
    monkeypatch.delenv(stages.PROGRESS_ENV)
    assert stages.watching(True) is True


def test_scheduler_address_from_the_environment(monkeypatch):
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://127.0.0.1:8786")
    assert stages.scheduler_address() == "tcp://127.0.0.1:8786"
    assert stages.scheduler_address("tcp://10.0.0.1:8786") == "tcp://10.0.0.1:8786"


# --------------------------------------------------------------------------- the matcher against its reference

def _code_both(docs, codebook, drop_tid: bool = False):
    """``coding.code_table`` on the stages' tables, and the reference matcher on the
    same sentences' tokens."""
    docs = stages.as_documents(docs)
    seg, _, _ = stages.segment_documents(docs)
    tok = stages.token_table(docs, seg)
    token_lists = tok.groupby("sid")["token"].agg(list).reindex(range(len(seg))).tolist()
    token_lists = [t if isinstance(t, list) else [] for t in token_lists]
    if drop_tid:
        tok = tok.drop(columns=["tid", "form"])
    return seg, coding.code_table(seg, tok, codebook), _reference_coding(seg, token_lists, codebook)


def _identical(new, old) -> None:
    for a, b in zip(new, old):
        pd.testing.assert_frame_equal(a, b)  # values, dtypes, order, index


def test_the_matcher_agrees_with_the_reference_on_the_seeds(docs, codebook):
    seg, new, old = _code_both(docs, codebook)
    _identical(new, old)
    assert len(new[0]) > 0 and len(new[1]) > 0
    _identical(_code_both(docs, codebook, drop_tid=True)[1], old)  # word types from the tokens


def test_the_matcher_agrees_with_the_reference_on_the_synthetic_corpus(codebook):
    import bench

    docs = bench.synthetic_corpus(int(bench.BASE_MB * 1e6))  # the benchmark's corpus at 1×
    _, new, old = _code_both(docs, codebook)
    _identical(new, old)
    assert len(new[0]) > 100


def test_the_matcher_agrees_with_the_reference_on_the_real_corpus(codebook, real_corpus_slice):
    _, new, old = _code_both(real_corpus_slice, codebook)
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
    "attribute_defaults": {"sector": "general"},
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


def test_the_matcher_on_hand_made_sentences():
    cb = coding.Codebook.model_validate(HAND_MADE_CODEBOOK)
    docs = [("hand.txt", HAND_MADE_TEXT)]
    seg, new, old = _code_both(docs, cb)
    _identical(new, old)
    coded, supp, attrs = new
    _identical(coding.code_segments(seg, cb), new)  # from the sentences' text: the same
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


def test_theme_words_inside_names_do_not_count_for_a_code():
    """With ``skip_names``, a capitalised word that is not the first of its sentence is a
    name: its theme words count for no code (nor a proximity rule's second word), but they
    still count for the attributes; a sentence's first word and acronyms are not names."""
    cb = coding.Codebook.model_validate(HAND_MADE_CODEBOOK | {"skip_names": True})
    text = ("Enligt Detaljstyrningsutredningen ska det ändras. Tillit och styrning hör ihop. "
            "Tillit enligt Styrelsen. Vi vill ha mindre detaljstyrning.\n\n"
            "De arbetar på Skolverket. Kontroll av EU och Kontrollmyndigheten.\n")
    for drop_tid in (False, True):
        seg, new, old = _code_both([("names.txt", text)], cb, drop_tid=drop_tid)
        _identical(new, old)
    coded, _, attrs = new
    found = set(zip(coded["paragraph"], coded["sentence"], coded["code"], coded["matched"]))
    assert found == {(0, 1, "C_NEAR", "Tillit … styrning"), (0, 3, "C_DETAIL", "detaljstyrning"),
                     (1, 1, "C_EXCL", "Kontroll")}
    assert attrs["sector"].tolist()[4] == "school"  # "Skolverket" is about school
    assert (coded["matched"] != "Kontroll; Kontrollmyndigheten").all()
    off = cb.model_copy(update={"skip_names": False})
    coded_off = _code_both([("names.txt", text)], off)[1][0]
    assert {(0, 0, "C_DETAIL"), (0, 2, "C_NEAR")} <= set(zip(coded_off["paragraph"], coded_off["sentence"], coded_off["code"]))


def test_coding_nothing(codebook):
    seg, new, old = _code_both([("empty.txt", ""), ("none.txt", "Kort text utan teman.\n")], codebook)
    _identical(new, old)
    assert new[0].empty and (new[2]["sector"] == "general").all()


def _same_word(word: str) -> str:
    return word


def _labels_sentence_by_sentence(token_lists, m):
    terms, seen = list(m.terms), {}  # seen: the words' patterns, read once (ref.find)
    return sorted({(i, t.label) for i, tokens in enumerate(token_lists)
                   for _, t, _ in ref.find(terms, tokens, m.lemmatize, m.skip_names, seen)})


def test_find_labels_agrees_with_the_reference(docs, codebook):
    """The benchmark's like-for-like "ours" (Matcher.find_labels) finds what the
    reference finds, with lemmas and (as the baselines) forms only."""
    texts = stages.segment_documents(stages.as_documents(docs))[0]["text"].tolist()
    token_lists = [clean.tokenize(t) for t in texts]
    plain = sorted({t for c in codebook.codes for t in c.terms if "*" not in t and "~" not in t})
    forms_only = matcher.Matcher([matcher.Term.parse(t, t) for t in plain], lemmatize=_same_word)
    for m in (coding.code_matcher(codebook), forms_only):
        expected = _labels_sentence_by_sentence(token_lists, m)
        assert m.find_labels(token_lists) == expected
        assert len(expected) > 5  # both find something to compare


def test_find_labels_reads_coordinated_compounds_with_the_matchers_lemmatiser():
    m = matcher.Matcher([matcher.Term.parse("S", "detaljstyrning")], lemmatize=_same_word)
    token_lists = [clean.tokenize(t) for t in ["Detalj- och resultatstyrning.", "Detalj- och resultatstyrningen.",
                                                "Inget här.", ""]]
    assert m.find_labels(token_lists) == _labels_sentence_by_sentence(token_lists, m) == [(0, "S")]


def test_match_detail_explains_one_sentence_as_the_reference_does(codebook):
    m = coding.code_matcher(codebook)
    tokens = clean.tokenize("Detalj- och resultatstyrningen tar tid från mötet med brukarna, och vi mäter allt.")
    expected: dict = {}
    for _, t, words in ref.find(list(m.terms), tokens, m.lemmatize, m.skip_names):
        expected.setdefault(t.label, set()).add((t.text, words))
    assert {k: set(v) for k, v in m.match_detail(tokens).items()} == expected and expected


def test_a_bad_corpus_line_is_named_with_its_file_and_line(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "a", "text": "Ett."}\n\n{"id": "b", "text": \n{"id": "c"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"c\.jsonl, line 3: .*fix or remove the line"):
        read_jsonl_corpus(path)
    src = JsonlCorpus(str(path))
    assert src.read(0, 2)["file"].tolist() == ["a"]  # the blank line is skipped
    with pytest.raises(ValueError, match=r"line 4: expected an object with an 'id' \(a string or an integer\)"):
        src.read(3, 4)
    numbered = tmp_path / "n.jsonl"
    numbered.write_text('{"id": 17, "text": "Ett."}\n', encoding="utf-8")
    assert read_jsonl_corpus(numbered)["file"].tolist() == ["17"]
    first, stop, offset = src.ranges(1)[2]
    assert (first, stop) == (2, 3) and offset == len('{"id": "a", "text": "Ett."}\n\n'.encode())


def test_an_empty_corpus_gives_empty_tables_with_their_columns(codebook):
    out = stages.run_corpus([], codebook)
    assert list(out.coded.columns) == tables.CODED_COLUMNS and out.coded.empty
    assert list(out.segments.columns) == tables.SEGMENT_COLUMNS and out.segments.empty
    assert out.stats["documents"] == 0 and out.documents == []
