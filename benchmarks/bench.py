"""Benchmark of the pipeline's stages (helpers.stages) on a synthetic and a real corpus.

    python benchmarks/bench.py [--corpus PATH.jsonl.gz] [--sizes 1,10,100] [--repeats 3]
                               [--base-mb 0.1] [--real-fraction 0.1] [--no-dask] [--profile]

Stages (input → output), each timed on its own in a fresh process per measurement so
that no cache (lemmas, the matchers' word caches) carries over between sizes:

  segment  raw documents → sentences with raw offsets + removals (clean.segment: rules,
           normalisation, NLTK Punkt)
  tokens   sentences + raw text → tokens with raw offsets, lemma, stop flag
           (clean.token_spans, clean.lemma/simplemma)
  code     sentences + tokens and lemmas → coded rows, suppressed rows, sector/actors
           (the study's codebook, coding.Matcher)

Prints MB/s (MB = 10^6 characters of raw text), documents/s, tokens/s, peak RSS, the
growth of time per MB between sizes, the two baselines (pandas str.contains, spaCy
PhraseMatcher) as ratios, and with --corpus the Dask run at 10/50/100% of the corpus
with a fixed partition size (time, worker peak RSS). Results go to
benchmarks/results/bench-<time>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
os.environ.setdefault("KVALITEXT_PROGRESS", "0")

import jsonl_corpus  # noqa: E402 (benchmarks/ is on the path above)
from jsonl_corpus import JsonlCorpus, read_jsonl_corpus  # noqa: E402

RESULTS = HERE / "results"
SEED = 20240607
BASE_MB = 0.1  # synthetic corpus at 1×: 100,000 characters (10× = 1 MB, 100× = 10 MB)
PARTITION = 2_000_000


# --------------------------------------------------------------------------- synthetic corpus

def _seed_sentences() -> list[str]:
    from helpers import clean, corpus, paths

    rules = clean.load_rules()
    out = []
    for p in corpus.list_raw_files(paths.CORPUS_DIR):
        sents, _ = clean.segment(corpus.read_raw(p).text, p.name, rules)
        out += [s["text"] for s in sents if len(s["text"]) > 20]
    return out


_ONSETS = ["b", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "bl", "br", "dr",
           "fl", "fr", "gr", "kl", "kr", "pl", "pr", "sk", "sl", "sm", "sn", "sp", "st", "str", "sv", "tr"]
_VOWELS = ["a", "e", "i", "o", "u", "y", "å", "ä", "ö"]
_CODAS = ["", "", "n", "r", "l", "s", "t", "k", "ng", "rt", "st", "nd", "ll", "mm"]
_ENDINGS = ["", "", "", "en", "et", "er", "erna", "ar", "arna", "or", "orna", "na", "ande", "ning",
            "ningen", "ad", "ade", "as", "ligt", "lig", "iga", "het", "heten", "skap"]


def _syllable(rng: random.Random) -> str:
    return rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)


def synthetic_corpus(chars: int, seed: int = SEED) -> list[tuple[str, str]]:
    """Documents of about ``chars`` characters in all, deterministic for a seed.

    Sentences are sampled from the seed corpus; each content word (4+ letters, not a
    stop word) is replaced, with probability 0.35, by another form: a new word (a
    compound of a seed word and generated syllables, or a generated word, with a
    Swedish ending) whenever the number of distinct new forms is below Heaps' law
    V(N) = 40·N^0.6 (N = words generated so far), else a form already made (Zipf-like
    choice). So the vocabulary keeps growing with size as real text does, instead of
    repeating the seeds (which would let the per-word caches flatter the scaling).
    Documents are 3-12 paragraphs of 1-6 sentences, paragraphs separated by blank lines.
    """
    from helpers import clean

    rng = random.Random(seed)
    seeds = _seed_sentences()
    stop = clean.stopwords()
    seed_words = sorted({w for s in seeds for w in clean.tokenize(s) if len(w) >= 4 and w.lower() not in stop})
    made: list[str] = []
    n_words = 0
    docs, total, d = [], 0, 0
    while total < chars:
        paras = []
        for _ in range(rng.randint(3, 12)):
            sents = []
            for _ in range(rng.randint(1, 6)):
                words = rng.choice(seeds).split(" ")
                for i, w in enumerate(words):
                    core = w.strip(".,;:!?()\"”'»«")
                    n_words += 1
                    if len(core) < 4 or not core.isalpha() or core.lower() in stop or rng.random() > 0.35:
                        continue
                    if len(made) < 40 * n_words ** 0.6:
                        if rng.random() < 0.5:
                            new = rng.choice(seed_words).lower() + "".join(_syllable(rng) for _ in range(rng.randint(1, 2)))
                        else:
                            new = "".join(_syllable(rng) for _ in range(rng.randint(2, 4)))
                        new += rng.choice(_ENDINGS)
                        made.append(new)
                    else:
                        new = made[min(len(made) - 1, int(rng.paretovariate(1.0)) - 1)] if rng.random() < 0.5 \
                            else rng.choice(made)
                    if core[0].isupper():
                        new = new.capitalize()
                    words[i] = w.replace(core, new, 1)
                sents.append(" ".join(words))
            paras.append(" ".join(sents))
        text = "\n\n".join(paras) + "\n"
        docs.append((f"syn-{d:06d}", text))
        total += len(text)
        d += 1
    return docs


# --------------------------------------------------------------------------- one measurement

def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one_off_loads():
    """What a process loads once, before any clock starts: the codebook and rules,
    Punkt's parameters, the matchers and their vectorised form (with empty word caches)
    and simplemma's Swedish dictionary (≈ 1 s). Returns ``(codebook, rules)``."""
    from helpers import clean, coding, paths

    codebook = coding.codebook_for(paths.CORPUS_DIR)
    rules = clean.load_rules()
    clean.sentence_splitter()
    coding.coder(codebook)
    clean.lemma.__wrapped__("förvaltning")  # not cached: the word caches stay empty
    return codebook, rules


def _same_word(word: str) -> str:
    """A lemmatiser that keeps every word as it is (the baselines know no lemmas)."""
    return word


def measure(spec: dict) -> dict:
    """One measurement in this (fresh) process: the stages on one corpus."""
    import pandas as pd

    from helpers import coding, stages

    if spec["kind"] == "synthetic":
        docs = stages.as_documents(synthetic_corpus(int(spec["mb"] * 1e6)))
    else:
        docs = stages.as_documents(read_jsonl_corpus(spec["path"], spec["fraction"]))
    codebook, rules = one_off_loads()
    out = {"chars": int(docs["text"].str.len().sum()), "documents": len(docs), "rss_start_mb": _rss_mb()}
    t = time.perf_counter()
    seg, rem, _ = stages.segment_documents(docs, rules)
    out["segment"] = {"s": time.perf_counter() - t, "rss_mb": _rss_mb()}
    t = time.perf_counter()
    tok = stages.token_table(docs, seg)
    out["tokens"] = {"s": time.perf_counter() - t, "rss_mb": _rss_mb()}
    t = time.perf_counter()
    coded, supp, attrs = coding.code_table(seg, tok, codebook)
    out["code"] = {"s": time.perf_counter() - t, "rss_mb": _rss_mb()}
    out |= {"sentences": len(seg), "n_tokens": len(tok), "types": int(tok["token"].str.lower().nunique()),
            "coded_rows": len(coded)}
    if spec.get("baselines"):
        out["baselines"] = baselines(seg["text"].tolist(), codebook)
        out["punkt_quick_share"] = punkt_quick_share(docs["text"].tolist())
    del pd
    return out


def punkt_quick_share(texts: list[str]) -> float:
    """The share of Punkt's candidate breaks that ``clean.SentenceSplitter`` answers
    itself (outside the clock; the rest go to NLTK's Punkt)."""
    from helpers import clean

    splitter = clean.sentence_splitter()
    answers = [splitter.quick_answer(context) for text in texts
               for _, context in splitter._match_potential_end_contexts(text)]
    return sum(a is not None for a in answers) / max(1, len(answers))


def baselines(texts: list[str], codebook) -> dict:
    """Ours vs pandas ``str.contains`` (one regex per term) vs spaCy ``PhraseMatcher``
    (attr LOWER, blank Swedish pipeline) on the same sentences and the same terms: the
    codebook's terms without wildcards or proximity (exact words and phrases)."""
    import re

    import pandas as pd

    from helpers import clean
    from helpers.matcher import Matcher, Term

    terms = sorted({t for c in codebook.codes for t in c.terms if "*" not in t and "~" not in t})
    res: dict = {"terms": len(terms), "sentences": len(texts), "chars": sum(map(len, texts))}
    # ours: the same Matcher class, forms only (no lemmas, as the baselines have none),
    # including tokenising: over all sentences at once (Matcher.find_labels, what the
    # code stage does), and sentence by sentence (Matcher.match_detail); the same hits
    t = time.perf_counter()
    m = Matcher([Term.parse(term, term) for term in terms], lemmatize=_same_word)
    ours = set(m.find_labels([clean.tokenize(s) for s in texts]))
    res["ours_s"] = time.perf_counter() - t
    t = time.perf_counter()
    m = Matcher([Term.parse(term, term) for term in terms], lemmatize=_same_word)
    per_sentence = {(i, lab) for i, s in enumerate(texts) for lab in m.match_detail(clean.tokenize(s))}
    res["ours_per_sentence_s"] = time.perf_counter() - t
    if per_sentence != ours:
        raise AssertionError("Matcher.find_labels and Matcher.match_detail disagree on the baseline terms")
    # pandas: one case-insensitive regex per term with word boundaries
    series = pd.Series(texts, dtype=object)
    t = time.perf_counter()
    pd_hits = set()
    for term in terms:
        pat = r"(?<![^\W\d_])" + r"\s+".join(map(re.escape, term.split())) + r"(?![^\W\d_])"
        for i in series.index[series.str.contains(pat, case=False, regex=True)]:
            pd_hits.add((int(i), term))
    res["pandas_s"] = time.perf_counter() - t
    try:
        import spacy
        from spacy.matcher import PhraseMatcher
    except ImportError:
        res["spacy_s"] = None
    else:
        nlp = spacy.blank("sv")
        t = time.perf_counter()
        pm = PhraseMatcher(nlp.vocab, attr="LOWER")
        for term in terms:
            pm.add(term, [nlp.make_doc(term)])
        sp_hits = set()
        for i, doc in enumerate(nlp.pipe(texts, batch_size=1000)):
            for mid, _, _ in pm(doc):
                sp_hits.add((i, nlp.vocab.strings[mid]))
        res["spacy_s"] = time.perf_counter() - t
        res["spacy_agreement"] = _agreement(ours, sp_hits)
    res["pandas_agreement"] = _agreement(ours, pd_hits)
    return res


def median_baselines(runs: list[dict]) -> dict:
    """The baselines of repeated runs: each time (``*_s``) the median over the runs."""
    out = dict(runs[0])
    for k in out:
        if k.endswith("_s") and all(r.get(k) is not None for r in runs):
            out[k] = statistics.median(r[k] for r in runs)
    return out


def _agreement(a: set, b: set) -> dict:
    return {"both": len(a & b), "only_ours": len(a - b), "only_baseline": len(b - a)}


def _child(spec: dict) -> dict:
    r = subprocess.run([sys.executable, __file__, "--measure", json.dumps(spec)], capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(r.stderr[-3000:])
    return json.loads(r.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- dask

def dask_run(source, fraction: float, partition: int, keep=("coded",)) -> dict:
    import cloudpickle
    from distributed import Client

    from helpers import coding, paths, stages

    cloudpickle.register_pickle_by_value(jsonl_corpus)  # the workers cannot import benchmarks/
    codebook = coding.codebook_for(paths.CORPUS_DIR)
    t0 = time.perf_counter()
    cluster = stages.local_cluster()
    client = Client(cluster)
    t1 = time.perf_counter()
    src = JsonlCorpus(str(source), fraction) if isinstance(source, (str, Path)) else source
    tables = stages.run_corpus(src, codebook, engine="dask", partition_size=partition, keep=keep, client=client)
    t2 = time.perf_counter()
    workers = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    client.close()
    cluster.close()
    return {"fraction": fraction, "partition_chars": partition, "chars": tables.stats["chars"],
            "documents": tables.stats["documents"], "partitions": tables.stats["partitions"],
            "startup_s": t1 - t0, "run_s": t2 - t1, "mb_per_s": tables.stats["chars"] / 1e6 / (t2 - t1),
            "mb_per_s_with_startup": tables.stats["chars"] / 1e6 / (t2 - t0),
            "worker_peak_rss_mb": max(workers.values()), "client_peak_rss_mb": _rss_mb(),
            "coded_rows": len(tables.coded)}


def pandas_run(source, fraction: float, partition: int) -> dict:
    """The whole pipeline with the pandas engine in one process (for the 2-core ratio)."""
    spec = {"source": str(source), "fraction": fraction, "partition": partition}
    r = subprocess.run([sys.executable, __file__, "--pandas-run", json.dumps(spec)], capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(r.stderr[-3000:])
    return json.loads(r.stdout.strip().splitlines()[-1])


def _pandas_run_here(spec: dict) -> dict:
    from helpers import coding, paths, stages

    codebook = coding.codebook_for(paths.CORPUS_DIR)
    t = time.perf_counter()
    tables = stages.run_corpus(JsonlCorpus(spec["source"], spec["fraction"]), codebook, engine="pandas",
                              partition_size=spec["partition"], keep=("coded",))
    s = time.perf_counter() - t
    return {"chars": tables.stats["chars"], "run_s": s, "mb_per_s": tables.stats["chars"] / 1e6 / s,
            "peak_rss_mb": _rss_mb(), "coded_rows": len(tables.coded)}


# --------------------------------------------------------------------------- profile

def profile(docs_spec: dict) -> str:
    from pyinstrument import Profiler

    from helpers import coding, stages

    docs = stages.as_documents(synthetic_corpus(int(docs_spec["mb"] * 1e6)) if docs_spec["kind"] == "synthetic"
                               else read_jsonl_corpus(docs_spec["path"], docs_spec["fraction"]))
    codebook, rules = one_off_loads()  # as in measure(): the profiles show the timed work
    out = []
    for name in ("segment", "tokens", "code"):
        p = Profiler(interval=0.001)
        p.start()
        if name == "segment":
            seg, _, _ = stages.segment_documents(docs, rules)
        elif name == "tokens":
            tok = stages.token_table(docs, seg)
        else:
            coding.code_table(seg, tok, codebook)
        p.stop()
        out.append(f"==== {name}\n" + p.output_text(unicode=False, color=False))
    return "\n".join(out)


# --------------------------------------------------------------------------- report

def _median(xs):
    return statistics.median(xs) if xs else float("nan")


def summarise(runs: list[dict]) -> dict:
    """Medians over repeats of one corpus: per stage MB/s, docs/s, tokens/s, s/MB, RSS."""
    chars, docs, toks = runs[0]["chars"], runs[0]["documents"], runs[0]["n_tokens"]
    out = {"chars": chars, "documents": docs, "tokens": toks, "types": runs[0]["types"],
           "sentences": runs[0]["sentences"], "coded_rows": runs[0]["coded_rows"], "stages": {}}
    for st in ("segment", "tokens", "code", "total"):
        secs = [r[st]["s"] if st != "total" else sum(r[x]["s"] for x in ("segment", "tokens", "code")) for r in runs]
        s = _median(secs)
        out["stages"][st] = {"median_s": s, "mb_per_s": chars / 1e6 / s, "docs_per_s": docs / s,
                             "tokens_per_s": toks / s, "s_per_mb": s / (chars / 1e6),
                             "spread": (max(secs) - min(secs)) / s if s else 0.0,
                             "peak_rss_mb": max(r[st]["rss_mb"] for r in runs) if st != "total"
                             else max(r["code"]["rss_mb"] for r in runs)}
    return out


def print_table(title: str, summary: dict) -> None:
    print(f"\n{title}: {summary['chars'] / 1e6:.2f} MB, {summary['documents']} docs, "
          f"{summary['tokens']} tokens, {summary['types']} types, {summary['coded_rows']} coded rows")
    print(f"  {'stage':8} {'MB/s':>7} {'docs/s':>9} {'tokens/s':>10} {'s/MB':>7} {'spread':>7} {'peak RSS MB':>12}")
    for st, v in summary["stages"].items():
        print(f"  {st:8} {v['mb_per_s']:7.2f} {v['docs_per_s']:9.0f} {v['tokens_per_s']:10.0f} "
              f"{v['s_per_mb']:7.3f} {v['spread']:6.0%} {v['peak_rss_mb']:12.0f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", help="a .jsonl.gz corpus (id, text per line): also benchmark it")
    ap.add_argument("--sizes", default="1,10,100", help="multiples of the base size (default 1,10,100)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--base-mb", type=float, default=BASE_MB, help=f"synthetic base size in MB (default {BASE_MB})")
    ap.add_argument("--real-fraction", type=float, default=0.1,
                    help="share of --corpus for the per-stage measurements (default 0.1)")
    ap.add_argument("--partition", type=int, default=PARTITION, help="partition size in characters for Dask")
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--profile", action="store_true", help="pyinstrument profiles of the stages")
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    ap.add_argument("--pandas-run", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.measure:
        print(json.dumps(measure(json.loads(a.measure))))
        return 0
    if a.pandas_run:
        print(json.dumps(_pandas_run_here(json.loads(a.pandas_run))))
        return 0

    import dask
    import distributed
    import nltk
    import pandas
    import simplemma

    try:
        import spacy
        spacy_version = spacy.__version__
    except ImportError:
        spacy_version = None
    result = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                          "processor": platform.processor(), "pandas": pandas.__version__, "dask": dask.__version__,
                          "distributed": distributed.__version__, "nltk": nltk.__version__,
                          "simplemma": simplemma.__version__, "spacy": spacy_version},
              "base_mb": a.base_mb, "repeats": a.repeats, "seed": SEED, "synthetic": {}, "real": {}}
    sizes = [int(x) for x in a.sizes.split(",")]
    print(f"synthetic corpus: base {a.base_mb} MB (seed {SEED}), sizes {sizes}×, {a.repeats} repeats, "
          f"each in a fresh process; MB = 10^6 characters of raw text")
    for k in sizes:
        runs = [_child({"kind": "synthetic", "mb": a.base_mb * k, "baselines": k == sizes[-1]})
                for r in range(a.repeats)]
        s = summarise(runs)
        s["baselines"] = median_baselines([r["baselines"] for r in runs]) if k == sizes[-1] else None
        result["synthetic"][f"{k}x"] = s
        print_table(f"synthetic {k}×", s)
    if len(sizes) > 1:
        print("\ngrowth of time per MB (ratio of s/MB to the smallest size; 1.00 = linear):")
        first = result["synthetic"][f"{sizes[0]}x"]["stages"]
        growth = {}
        for k in sizes[1:]:
            cur = result["synthetic"][f"{k}x"]["stages"]
            growth[f"{k}x/{sizes[0]}x"] = {st: cur[st]["s_per_mb"] / first[st]["s_per_mb"] for st in cur}
            print(f"  {k}×/{sizes[0]}×: " + ", ".join(f"{st} {v:.2f}" for st, v in growth[f'{k}x/{sizes[0]}x'].items()))
        result["synthetic"]["growth"] = growth
    if a.corpus:
        runs = [_child({"kind": "real", "path": a.corpus, "fraction": a.real_fraction, "baselines": True,
})
                for r in range(a.repeats)]
        s = summarise(runs)
        s["baselines"] = median_baselines([r["baselines"] for r in runs])
        s["punkt_quick_share"] = runs[0]["punkt_quick_share"]
        result["real"]["stages"] = s
        print_table(f"real corpus, first {a.real_fraction:.0%}", s)
        print(f"  Punkt's candidate breaks answered by clean.SentenceSplitter itself: {s['punkt_quick_share']:.1%}")
    base = result["real"].get("stages") or result["synthetic"][f"{sizes[-1]}x"]
    b = base.get("baselines")
    if b:
        code_mbps = base["stages"]["code"]["mb_per_s"]
        print(f"\nbaselines on the same {b['sentences']} sentences and {b['terms']} terms (exact words and phrases):")
        print(f"  ours (Matcher, forms only, incl. tokenising): {b['chars'] / 1e6 / b['ours_s']:.2f} MB/s "
              f"(all at once, Matcher.find_labels; sentence by sentence "
              f"{b['chars'] / 1e6 / b['ours_per_sentence_s']:.2f} MB/s, the same hits)")
        print(f"  pandas str.contains (1 regex/term):          {b['chars'] / 1e6 / b['pandas_s']:.2f} MB/s "
              f"→ ours ×{b['pandas_s'] / b['ours_s']:.1f}; agreement {b['pandas_agreement']}")
        if b.get("spacy_s"):
            print(f"  spaCy PhraseMatcher (LOWER, blank sv):         {b['chars'] / 1e6 / b['spacy_s']:.2f} MB/s "
                  f"→ ours ×{b['spacy_s'] / b['ours_s']:.1f}; agreement {b['spacy_agreement']}")
        print(f"  our coding stage (full codebook, {code_mbps:.2f} MB/s) vs PhraseMatcher on the subset: "
              f"×{code_mbps / (b['chars'] / 1e6 / b['spacy_s']):.1f}" if b.get("spacy_s") else "")
    if a.corpus and not a.no_dask:
        print(f"\nDask on the real corpus, partitions of {a.partition:,} characters, 2 worker processes:")
        dres = []
        for f in (0.1, 0.5, 1.0):
            d = dask_run(a.corpus, f, a.partition)
            dres.append(d)
            print(f"  {f:4.0%}: {d['chars'] / 1e6:6.2f} MB in {d['partitions']:3d} partitions, run {d['run_s']:6.1f} s "
                  f"({d['mb_per_s']:.2f} MB/s; {d['mb_per_s_with_startup']:.2f} with {d['startup_s']:.1f} s startup), "
                  f"worker peak RSS {d['worker_peak_rss_mb']:.0f} MB, client {d['client_peak_rss_mb']:.0f} MB")
        result["real"]["dask"] = dres
        for f, d in ((0.1, dres[0]), (1.0, dres[-1])):
            p = pandas_run(a.corpus, f, a.partition)
            result["real"][f"pandas_{f:.0%}"] = p
            if p["coded_rows"] != d["coded_rows"]:
                raise AssertionError(f"Dask and pandas engines coded {d['coded_rows']} and {p['coded_rows']} rows")
            print(f"  pandas engine, one process, {f:4.0%}: {p['mb_per_s']:.2f} MB/s (peak RSS {p['peak_rss_mb']:.0f} MB) "
                  f"→ Dask on 2 cores ×{d['mb_per_s'] / p['mb_per_s']:.2f} (×"
                  f"{d['mb_per_s_with_startup'] / p['mb_per_s']:.2f} with startup)")
    if a.profile:
        spec = ({"kind": "real", "path": a.corpus, "fraction": 0.03} if a.corpus
                else {"kind": "synthetic", "mb": a.base_mb * 10})
        text = profile(spec)
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "profile.txt").write_text(text, encoding="utf-8")
        print(f"\nprofiles written to {RESULTS / 'profile.txt'}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"\nresults: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
