"""Hostile and broken input (issue 12): each kind the review tried, grouped by kind.

Every test here fails on the code before its fix. The sections say what is refused, what
is repaired and logged, and what is accepted; the README's "Bad input" section lists the
same.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers import io, pipeline, tables

# --- outputs: interrupted rebuilds never leave mixed tables -------------------------------


def test_an_interrupted_rebuild_then_reverted_inputs_is_rebuilt_not_served(corpus_factory, tmp_path, monkeypatch):
    """Inputs X built; inputs Y half written, interrupted; inputs back to X: the tables
    are X's, whole (the review's M8)."""
    root = corpus_factory({"a.txt": "Detaljstyrning är stor.\n"})
    run = pipeline.Run.from_params(root, tmp_path / "out")
    pipeline.build_tables(run)
    (root / "raw" / "a.txt").write_text("Detaljstyrning är stor.\nTillit saknas helt.\n", encoding="utf-8")
    real, calls = io.write_csv, []

    def dying(*args):
        calls.append(args[0])
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(io, "write_csv", dying)
    with pytest.raises(KeyboardInterrupt):
        pipeline.build_tables(run)
    monkeypatch.setattr(io, "write_csv", real)
    (root / "raw" / "a.txt").write_text("Detaljstyrning är stor.\n", encoding="utf-8")
    assert not pipeline._cached(run)
    assert pipeline.segments(run)[0]["text"].tolist() == ["Detaljstyrning är stor."]
    assert pipeline.coded(run)["start"].tolist() == [0]


_SLOW_WRITE = """
import os, sys, time
from helpers import io
real_fdopen = os.fdopen

class Slow:
    def __init__(self, fh): self.fh = fh
    def __enter__(self): return self
    def __exit__(self, *a): return self.fh.__exit__(*a)
    def write(self, data):
        print("writing", flush=True)
        time.sleep(30)
    def __getattr__(self, name): return getattr(self.fh, name)

io.os.fdopen = lambda fd, mode: Slow(real_fdopen(fd, mode))
with io.terminate_as_interrupt():
    io.write_csv(sys.argv[1], __import__("pandas").DataFrame({"a": [1]}))
"""


def test_sigterm_during_a_write_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "out" / "segments.csv"
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_WRITE, str(target)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    assert len(list(target.parent.glob(".segments.csv.*.tmp"))) == 1  # the write is under way
    proc.terminate()
    proc.wait(timeout=20)
    assert proc.returncode != 0 and not target.exists()
    assert list(target.parent.iterdir()) == []


def test_temporaries_left_by_a_killed_run_are_removed_and_nothing_else(corpus_factory, tmp_path):
    root = corpus_factory({"a.txt": "Detaljstyrning är stor.\n"})
    run = pipeline.Run.from_params(root, tmp_path / "out")
    run.out.mkdir(parents=True)
    left = run.out / ".segments.csv.abc123.tmp"
    left.write_text("half", encoding="utf-8")
    mine = run.out / ".notes.tmp"
    mine.write_text("a researcher's file", encoding="utf-8")
    pipeline.build_tables(run)
    assert not left.exists() and mine.exists()
    assert tables.read(run.out, "segments")["text"].tolist() == ["Detaljstyrning är stor."]
