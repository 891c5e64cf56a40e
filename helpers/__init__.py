"""helpers: the tested code behind the research notebooks.

Data flows one way, and each module owns one step of it:

``paths``     where everything lives (the one module that knows the project's layout)
``corpus``    reading raw texts, metadata and checksums (``corpus/raw`` is never written)
``clean``     boilerplate removal, normalisation and segmentation with raw offsets
``coding``    the codebook and the rule-based auto-coder
``findings``  tables and figures from the coded segments
``pipeline``  the cached stages that notebooks call (segments.csv, coded.csv)
``report``    executing the notebooks and exporting them as offline HTML
"""

__version__ = "0.1.0"
