"""`flask --app app privacy scan-cards --logs PATH…`: card numbers in log files (plain, rotated and gzipped,
in directories, on standard input) are reported by file and line with a French label, never shown; the
exit status says whether something was found."""

import gzip
from urllib.parse import quote, quote_plus

import pytest

from app.privacy.logscan import LABEL, LABEL_ENCODED, LABEL_SPLIT
from tests.privacy.card_corpus import MUST_ACCEPT, MUST_REFUSE, VISA
from tests.privacy.leaks import leaks

ACCESS = [
    '10.0.0.7 - - [01/Dec/2026:09:00:01 +0100] "GET /tickets/12 HTTP/1.1" 200 5120 "-" "Mozilla/5.0"',
    '10.0.0.7 - - [01/Dec/2026:09:00:02 +0100] "GET /contacts/?q=4111%201111%201111%201111 HTTP/1.1" 200 1 "-" "x"',
    '10.0.0.7 - - [01/Dec/2026:09:00:03 +0100] "GET /contacts/?q=06+12+34+56+78 HTTP/1.1" 200 1 "-" "x"',
    '10.0.0.7 - - [01/Dec/2026:09:00:04 +0100] "GET /tickets/?q=5555+5555+5555+4444 HTTP/1.1" 200 1 "-" "x"',
]
APPLICATION = [
    "2026-12-01 09:00:05,123 ERROR app.tickets: échec",
    "Traceback (most recent call last):",
    '  File "/srv/relais/app/tickets/services.py", line 120, in log_ticket',
    "ValueError: notes 3782 822463 10005",
    "KeyError: carte 4970 1000",
    "0000 0063",
    "2026-12-01 09:00:06,456 INFO app.jobs.queue: import 12 terminé (400 lignes)",
]


@pytest.fixture
def logs(tmp_path):
    """A log directory as logrotate leaves it: the current files, a rotated one, a gzipped one, a sub-directory."""
    (tmp_path / "nginx").mkdir()
    (tmp_path / "access.log").write_text("\n".join(ACCESS) + "\n", encoding="utf-8")
    (tmp_path / "relais.log.1").write_text("\n".join(APPLICATION) + "\n", encoding="utf-8")
    with gzip.open(tmp_path / "relais.log.2.gz", "wt", encoding="utf-8") as archive:
        archive.write("ligne propre\nnote : " + MUST_REFUSE["full-width digits"] + "\n")
    (tmp_path / "nginx" / "relais.access.log").write_text(
        "\n".join(f"GET /x?note={value}" for value in MUST_ACCEPT.values()) + "\n", encoding="utf-8")
    return tmp_path


def test_the_log_scan_reports_file_and_line_of_each_number_never_the_number(runner, logs):
    result = runner.invoke(args=["privacy", "scan-cards", "--logs", str(logs)])
    assert result.exit_code == 1
    found = result.output.splitlines()
    assert found[:-1] == [f"{logs}/access.log:2\t{LABEL_ENCODED}", f"{logs}/access.log:4\t{LABEL}",  # "+" separates groups like a space
                          f"{logs}/relais.log.1:4\t{LABEL}", f"{logs}/relais.log.1:5\t{LABEL_SPLIT}",
                          f"{logs}/relais.log.2.gz:2\t{LABEL}"]
    lines = len(ACCESS) + len(APPLICATION) + 2 + len(MUST_ACCEPT)
    assert found[-1] == f"5 ligne(s) de journal contiennent un numéro de carte ({lines} ligne(s) lue(s) dans 4 fichier(s))."
    assert leaks([result.output], [VISA, "5555555555554444", "378282246310005"]) == []


def test_clean_logs_and_look_alikes_exit_zero(runner, logs):
    result = runner.invoke(args=["privacy", "scan-cards", "--logs", str(logs / "nginx"), str(logs / "access.log")])
    assert result.exit_code == 1 and result.output.count("access.log:") == 2
    clean = runner.invoke(args=["privacy", "scan-cards", "--logs", str(logs / "nginx")])
    assert clean.exit_code == 0
    assert clean.output == f"Aucun numéro de carte trouvé dans les journaux ({len(MUST_ACCEPT)} ligne(s) lue(s) " \
                           "dans 1 fichier(s)).\n"


def test_every_spelling_is_found_on_standard_input_plain_or_url_encoded_once_or_twice(runner):
    text = "".join(f"note {spelling}\nGET /x?q={quote(spelling)}\nGET /x?q={quote_plus(quote_plus(spelling))}\n"
                   "ligne propre 2026-12-01 09:00:00\n" for spelling in MUST_REFUSE.values())
    result = runner.invoke(args=["privacy", "scan-cards", "--logs", "-"], input=text.encode())
    assert result.exit_code == 1
    labels = [line.split("\t")[1] for line in result.output.splitlines()[:-1]]
    assert len(labels) == 3 * len(MUST_REFUSE) and LABEL_ENCODED in labels and LABEL_SPLIT in labels


@pytest.mark.parametrize(("arguments", "message"), [
    (["--logs"], "--logs : indiquez au moins un fichier ou un dossier de journaux"),
    (["--logs", "/nulle/part/relais.log"], "/nulle/part/relais.log : fichier ou dossier introuvable."),
    (["/var/log"], "Des chemins de journaux se lisent avec --logs"),
    (["--logs", "--mask", "-"], "--mask ne s'applique qu'à la base"),
])
def test_a_wrong_call_gets_a_french_message_and_status_2(runner, arguments, message):
    result = runner.invoke(args=["privacy", "scan-cards", *arguments])
    assert result.exit_code == 2 and message in result.output


def test_a_truncated_archive_is_named_and_fails_the_run(runner, logs):
    whole = gzip.compress(("ligne propre\n" * 5000).encode())
    (logs / "nginx" / "coupé.log.gz").write_bytes(whole[: len(whole) // 2])
    result = runner.invoke(args=["privacy", "scan-cards", "--logs", str(logs / "nginx")])
    assert result.exit_code == 2
    assert "coupé.log.gz : archive gzip illisible ou tronquée" in result.output
