"""The synthetic city: what the generator makes must be what the application would have stored."""

import numpy as np
import pytest

from app.contacts.normalise import name_key, normalise_email, normalise_phone
from bench.activity import CHANNEL_MIX, Reference, generate_tickets
from bench.copyload import NULL
from bench.population import generate_residents, typo
from bench.report import BEGIN, END, write_markdown

PROCEDURES = [
    {"id": 1, "code": "critair", "owner": "state", "availability": "online", "involves_payment": True},
    {"id": 2, "code": "passport", "owner": "state", "availability": "online", "involves_payment": True},
    {"id": 3, "code": "compte-parisien", "owner": "city", "availability": "online", "involves_payment": False},
    {"id": 4, "code": "parking-residential", "owner": "city", "availability": "not_online",
     "involves_payment": False},
    {"id": 5, "code": "facil-familles-enrolment", "owner": "city", "availability": "online",
     "involves_payment": False},
    {"id": 6, "code": "facil-familles-payment", "owner": "city", "availability": "online",
     "involves_payment": True},
    {"id": 7, "code": "facil-familles-quotient", "owner": "city", "availability": "online",
     "involves_payment": False},
    {"id": 8, "code": "nursery-application", "owner": "city", "availability": "online",
     "involves_payment": False},
    {"id": 9, "code": "school-enrolment", "owner": "city", "availability": "online", "involves_payment": False},
]


def _reference() -> Reference:
    sites = {f"mairie-{n:02d}": n for n in range(1, 21)} | {"plateforme-3975": 21, "facil-familles": 22}
    site_devices = {code: ["none"] for code in sites} | {"mairie-02": ["kiosk", "tablet", "dual_screen", "none"]}
    return Reference(channels={code: i for i, (code, *_rest) in enumerate(CHANNEL_MIX, start=1)}, sites=sites,
                     devices={"kiosk": 1, "tablet": 2, "dual_screen": 3, "none": 4}, site_devices=site_devices,
                     procedures=PROCEDURES, agents={code: [100 + i] for i, code in enumerate(sites)})


@pytest.fixture(scope="module")
def city():
    rng = np.random.default_rng(3)
    residents = generate_residents(5000, rng, 1_600_000_000, 1_700_000_000)
    tickets = generate_tickets(20000, residents, _reference(), np.datetime64("2025-01-01"),
                               np.datetime64("2026-12-31"), rng)
    return residents, tickets


def test_search_names_are_what_the_application_computes(city):
    residents, _tickets = city
    cols = residents.columns
    for last, first, key in zip(cols["last_name"], cols["first_name"], cols["search_name"], strict=True):
        assert key == name_key(last, first)


def test_phones_and_emails_are_stored_as_the_application_normalises_them(city):
    residents, _tickets = city
    phones = [p for p in residents.columns["phone"] if p != NULL][:500]
    emails = [e for e in residents.columns["email"] if e != NULL][:500]
    assert phones and emails
    assert all(normalise_phone(p) == p for p in phones)
    assert all(normalise_email(e) == e for e in emails)


def test_martin_is_frequent_but_most_surnames_are_rare(city):
    residents, _tickets = city
    names, counts = np.unique(residents.columns["last_name"], return_counts=True)
    assert names[counts.argmax()] == "Martin"
    assert np.median(counts) <= 2


def test_ticket_references_are_unique_and_numbered_from_one_each_year(city):
    _residents, tickets = city
    years, numbers = tickets.arrays["local_year"], tickets.arrays["number"]
    references = {f"{y}-{n:06d}" for y, n in zip(years.tolist(), numbers.tolist(), strict=True)}
    assert len(references) == tickets.count
    for year in np.unique(years):
        assert sorted(numbers[years == year].tolist()) == list(range(1, int((years == year).sum()) + 1))


def test_tickets_follow_the_channel_mix_and_the_state_share(city):
    _residents, tickets = city
    reference = _reference()
    channel = tickets.arrays["channel"]
    assert abs((channel == reference.channels["phone_3975"]).mean() - 0.45) < 0.02
    assert abs((channel == reference.channels["counter"]).mean() - 0.40) < 0.02
    state = np.isin(tickets.arrays["procedure"], [1, 2])
    assert 0.17 < state.mean() < 0.23


def test_facil_familles_tickets_carry_a_family_number_and_anonymous_calls_no_resident(city):
    residents, tickets = city
    a = tickets.arrays
    family = a["channel"] == _reference().channels["facil_familles"]
    assert all(residents.family_number[i] != NULL for i in a["family"][family].tolist())
    assert (a["resident"][a["anonymous"]] == -1).all()
    assert (a["resident"][~a["anonymous"]] > 0).all()


def test_closed_tickets_close_after_they_open_and_open_ones_are_not_closed(city):
    _residents, tickets = city
    a = tickets.arrays
    closed = a["closed"] >= 0
    assert (a["closed"][closed] > a["opened"][closed]).all()
    assert (a["outcome"][~closed] == -1).all()


def test_a_typo_changes_the_name_but_keeps_its_first_letters():
    rng = np.random.default_rng(1)
    for name in ("Lefebvre", "Martin", "Nguyen", "Dubois"):
        slipped = typo(name, rng)
        assert slipped != name and slipped[:2] == name[:2]


def test_the_results_table_is_rewritten_between_its_markers_only(tmp_path):
    path = tmp_path / "RESULTS.md"
    path.write_text(f"# Notes written by hand\n\n{BEGIN}\nold table\n{END}\n\nAnalysis kept.\n")
    results = {"meta": {"started_at": "now", "quick": True, "cpus": 2, "python": "3.11",
                        "load_average_before": [1.0, 1.0, 1.0],
                        "database": {"residents": 10, "tickets": 20}},
               "measures": {}, "targets": []}
    write_markdown(path, results)
    text = path.read_text()
    assert "# Notes written by hand" in text and "Analysis kept." in text
    assert "old table" not in text and "10 residents, 20 tickets" in text
