"""Turning generated arrays into COPY text, chunk by chunk, for residents, tickets and ticket events."""

import numpy as np

from bench.activity import DIGITAL, MODES, OUTCOMES, STATUS_OPEN, Tickets
from bench.copyload import CHUNK_ROWS, NULL, id_strings, lines, lookup
from bench.names import NOTES
from bench.population import Residents

RESIDENT_COLUMNS = ["id", "civility", "first_name", "last_name", "birth_date", "email", "phone", "phone_alt",
                    "address", "postal_code", "city", "arrondissement", "account_ref", "family_number",
                    "preferred_language", "needs", "consent_contact", "search_name", "last_contact_at",
                    "created_at", "updated_at", "version"]
TICKET_COLUMNS = ["id", "reference", "resident_id", "anonymous", "channel_id", "site_id", "device_id",
                  "procedure_id", "agent_id", "opened_at", "closed_at", "status", "outcome", "mode",
                  "digital_choice", "requested_procedure_id", "payment_assisted", "protocol_confirmed",
                  "protocol_confirmed_by_id", "family_number", "notes", "created_at", "updated_at", "version"]
EVENT_COLUMNS = ["id", "ticket_id", "agent_id", "at", "kind", "changes"]


def timestamps(epochs: np.ndarray) -> list:
    """UTC epoch seconds (-1 = NULL) as COPY text; the loading session runs in UTC."""
    text = np.datetime_as_string(np.maximum(epochs, 0).astype("datetime64[s]")).astype(object)
    text[epochs < 0] = NULL
    return text.tolist()


def _bools(values: np.ndarray) -> list:
    return np.where(values, "t", "f").astype(object).tolist()


def resident_chunks(residents: Residents, last_contact: np.ndarray):
    """(text, rows) chunks of the residents table."""
    n = residents.count
    contact = timestamps(last_contact)
    cols = residents.columns
    for start in range(0, n, CHUNK_ROWS):
        end = min(start + CHUNK_ROWS, n)
        size = end - start
        chunk = [[str(i) for i in range(start + 1, end + 1)]]
        for name in RESIDENT_COLUMNS[1:]:
            if name == "last_contact_at":
                chunk.append(contact[start:end])
            elif name == "version":
                chunk.append(["1"] * size)
            else:
                chunk.append(cols[name][start:end])
        yield lines(chunk), size


def ticket_chunks(tickets: Tickets, residents: Residents, max_ids: dict):
    """(text, rows) chunks of the tickets table."""
    a = tickets.arrays
    ids = {key: id_strings(size + 1) for key, size in max_ids.items()}
    resident_ids = id_strings(residents.count + 1)
    status = np.array(["closed"] + list(STATUS_OPEN), dtype=object)
    outcome, mode, digital = lookup(OUTCOMES), lookup(MODES), lookup(DIGITAL)
    notes = lookup(NOTES)
    families = np.array(residents.family_number + [NULL], dtype=object)
    for start in range(0, tickets.count, CHUNK_ROWS):
        end = min(start + CHUNK_ROWS, tickets.count)
        s = slice(start, end)
        opened = timestamps(a["opened"][s])
        closed = timestamps(a["closed"][s])
        payment = a["payment"][s]
        chunk = [
            [str(i) for i in range(start + 1, end + 1)],
            [f"{y}-{n:06d}" for y, n in zip(a["local_year"][s].tolist(), a["number"][s].tolist(), strict=True)],
            resident_ids(a["resident"][s]), _bools(a["anonymous"][s]), ids["channels"](a["channel"][s]),
            ids["sites"](a["site"][s]), ids["devices"](a["device"][s]), ids["procedures"](a["procedure"][s]),
            ids["agents"](a["agent"][s]), opened, closed, status[a["status"][s] + 1].tolist(),
            outcome(a["outcome"][s]), mode(a["mode"][s]), digital(a["digital"][s]),
            ids["procedures"](a["requested"][s]), _bools(payment), _bools(payment),
            ids["agents"](np.where(payment, a["agent"][s], -1)), families[a["family"][s]].tolist(),
            notes(a["note"][s]), opened, [c if c != NULL else o for c, o in zip(closed, opened, strict=True)],
            ["1"] * (end - start),
        ]
        yield lines(chunk), end - start


def event_chunks(tickets: Tickets, max_agent: int):
    """(text, rows) chunks of ticket_events: the creation of each ticket."""
    a = tickets.arrays
    agents = id_strings(max_agent + 1)
    for start in range(0, tickets.count, CHUNK_ROWS):
        end = min(start + CHUNK_ROWS, tickets.count)
        ids = [str(i) for i in range(start + 1, end + 1)]
        size = end - start
        chunk = [ids, ids, agents(a["agent"][start:end]), timestamps(a["opened"][start:end]),
                 ["created"] * size, ["{}"] * size]
        yield lines(chunk), size


def last_contacts(tickets: Tickets, resident_count: int) -> np.ndarray:
    """Per resident (index = id - 1), the opening time of their latest ticket, -1 when none."""
    latest = np.full(resident_count, -1, dtype=np.int64)
    resident = tickets.arrays["resident"]
    known = resident > 0
    np.maximum.at(latest, resident[known] - 1, tickets.arrays["opened"][known])
    return latest
