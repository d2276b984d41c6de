"""What the quick benchmark judges: counts and ratios, never an absolute time; a miss fails the run."""

import json
import resource
import subprocess
import sys

from bench.dashboard import peak_memory
from bench.report import evaluate_targets
from bench.run import failures


def _measures(statements=6.0, typo_scans=0, rows=100_000, dashboard_seconds=9.0, rows_match=True, growth=1.05):
    return {"logging": {"status": "ok", "profile": {"status": "ok", "sql_statements_per_post": statements}},
            "search": {"status": "ok", "name_typo_word_table_seq_scans": typo_scans},
            "export": {"status": "ok", "rows": rows, "rows_match": rows_match, "memory_growth": growth},
            "dashboard": {"status": "ok", "job": {"status": "ok", "seconds": dashboard_seconds}}}


def _results(measures, quick=True):
    return {"meta": {"quick": quick}, "measures": measures, "targets": evaluate_targets(measures, quick)}


def test_a_quick_run_that_meets_its_counts_passes_whatever_its_times():
    assert failures(_results(_measures(dashboard_seconds=9.0))) == []


def test_a_seventh_statement_per_post_fails_the_quick_run():
    assert [f for f in failures(_results(_measures(statements=7.0))) if "logging_statements" in f]


def test_a_typo_search_scanning_the_word_table_fails_the_quick_run():
    assert [f for f in failures(_results(_measures(typo_scans=1))) if "search_typo_word_scans" in f]


def test_an_export_short_of_100000_rows_fails_the_quick_run():
    assert [f for f in failures(_results(_measures(rows=99_999))) if "export_rows" in f]


def test_an_export_short_of_its_list_or_whose_memory_grows_with_the_rows_fails_the_quick_run():
    assert [f for f in failures(_results(_measures(rows=103_000, rows_match=False))) if "export_rows_match" in f]
    assert [f for f in failures(_results(_measures(growth=1.6))) if "export_memory_growth" in f]


def test_a_full_run_judges_the_times_too():
    assert [f for f in failures(_results(_measures(dashboard_seconds=9.0), quick=False)) if "dashboard_seconds" in f]


def test_a_small_child_reads_its_own_peak_memory_not_its_parent_s():
    ballast = bytearray(200 * 1024 * 1024)
    ballast[::4096] = b"\1" * len(ballast[::4096])  # touch every page: the parent's peak passes 200 MB
    code = "import json; from bench.dashboard import peak_memory; print(json.dumps(peak_memory()))"
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    measured = json.loads(child.stdout)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 > 200
    assert measured["peak_memory_mb"] < 150 and peak_memory()["peak_memory_mb"] > 200
    del ballast
