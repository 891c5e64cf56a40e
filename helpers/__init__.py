"""helpers: the tested code behind the research notebooks.

Data flows one way, and each module owns one step of it:

``paths``     where everything lives (the one module that knows the project's layout)
``corpus``    reading raw texts, metadata, checksums, study.yaml (``corpus/raw`` is never written)
``clean``     boilerplate removal, normalisation, sentences and tokens with raw offsets
``dates``     dates written in running Swedish or ISO 8601
``entries``   diaries of dated entries split into one document per entry
``documents`` what counts as a document, and its date
``coding``    the codebook and the rule-based auto-coder
``reliability`` reference codings, agreement (Krippendorff's α, Cohen's κ) and evaluation
``findings``  the findings as tables: themes by document, group and time, co-occurrence, quotes
``figures``   the figures of the findings (matplotlib)
``words``     the words behind them: keyword in context, keyness, collocations
``drilldown`` the document × theme matrix as an HTML page fragment that leads to its quotes
``markup``    escaping data on its way into Markdown or HTML (shown as text, never live)
``style``     the one figure style
``pipeline``  the cached stages that notebooks call (segments.csv, coded.csv, ...)
``scale``     the same stages over partitions, with pandas or Dask (large corpora)
``refi``      REFI-QDA export and import (QDA tools: ATLAS.ti, MAXQDA, NVivo, ...)
``report``    executing the notebooks and exporting them as offline HTML
``io``        atomic, deterministic writing of outputs
"""

__version__ = "0.1.0"
