"""helpers: the tested code behind the research notebooks.

Data flows one way, and each module owns one step of it:

``paths``       where everything lives (the one module that knows the project's layout)
``io``          atomic, deterministic writing of outputs; settings files (YAML) read strictly
``corpus``      reading raw texts, metadata, checksums, study.yaml (``corpus/raw`` is never written)
``clean``       boilerplate removal, normalisation, sentences and tokens with raw offsets
``structure``   the kind of text of each stretch: title, heading, paragraph, list item, …
``dates``       dates written in running Swedish or ISO 8601
``entries``     diaries of dated entries split into one document per entry
``documents``   what counts as a document, and its date
``furniture``   cleaning scored against a labelled set of web pages (make furniture)
``tables``      the output contract: every pipeline table's columns, dtypes, order, files
``matcher``     the rule language and the one implementation that runs it on token tables
``coding``      the codebook, and coding sentences from their token table
``stages``      segment → documents → tokens → code over a batch; pandas or Dask over partitions
``decisions``   reviewers' decisions (``CORPUS/review/*.csv``) and the correction layer of coded.csv
``pipeline``    the tables as notebooks ask for them, cached in ``OUT`` by fingerprint
``reliability`` reference codings, agreement (Krippendorff's α, Cohen's κ) and evaluation
``evaluation``  the auto-coder scored on every corpus with reference codings (make evaluate)
``review``      the review loop: a sample to review, the sheet and project, precision estimates (make review)
``findings``    the findings as tables: themes by document, group and time, co-occurrence, quotes
``figures``     the figures of the findings (matplotlib)
``words``       the words behind them: keyword in context, keyness, collocations
``suggest``     candidate words for a code's rules, for a researcher to accept or reject
``drilldown``   the document × theme matrix as an HTML page fragment that leads to its quotes
``markup``      escaping data on its way into Markdown or HTML (shown as text, never live)
``style``       the one figure style
``refi``        REFI-QDA export and import (QDA tools: ATLAS.ti, MAXQDA, NVivo, ...)
``report``      executing the notebooks and exporting them as offline HTML
``manifest``    what a run wrote, with each file's SHA-256; removing a file only while it is unchanged
``outputs``     removing what the runs wrote in an output folder, and nothing else (make clean)

Imports go one way: ``tables`` ← ``documents``, ``coding`` (← ``matcher``) ← ``stages`` ←
``pipeline`` ← ``refi``, ``report``; ``manifest`` ← ``pipeline``, ``evaluation``, ``report``,
``outputs`` (``manifest`` and ``outputs`` use the standard library only, ``outputs`` with
``paths``, so make clean needs no .venv); ``coding`` ← ``decisions`` ← ``pipeline``; ``pipeline``, ``reliability`` and
``refi`` ← ``review``; ``pipeline`` and ``words`` ← ``suggest``; ``clean`` ← ``furniture``
(``tests/test_layout.py`` checks that no import goes round in a circle).
"""

__version__ = "0.1.0"
