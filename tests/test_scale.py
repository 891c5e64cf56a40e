"""helpers.scale: the pandas and Dask engines give the pipeline's tables, identically."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import coding, corpus, paths, pipeline, scale

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


def test_pandas_engine_equals_the_pipeline_on_the_seeds(codebook, pandas_tables, tmp_path):
    run = pipeline.Run.from_params("corpus", tmp_path / "out")
    seeds = {d[0] for d in _seed_docs()}
    mine = {n: pandas_tables[n][pandas_tables[n]["file"].isin(seeds)] for n in scale.TABLES}
    _same(mine["segments"], pipeline.segments(run)[0])
    _same(mine["removed"], pipeline.segments(run)[1])
    _same(mine["coded"], pipeline.coded(run))
    _same(mine["suppressed"], pipeline.suppressed(run))
    tok = mine["tokens"].assign(stop=mine["tokens"]["stop"] == "true")
    _same(tok, pipeline.tokens(run))


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
