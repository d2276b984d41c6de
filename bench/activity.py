"""Synthetic tickets: who came, by which channel, where, for which procedure, with what result.

Generated as numpy arrays (one element per ticket), sorted by opening time so ids grow with time.
"""

from dataclasses import dataclass, field

import numpy as np

from bench.calendar import day_weights, local_seconds, paris_to_utc_epoch
from bench.names import ARRONDISSEMENT_POPULATION, zipf_weights
from bench.population import Residents

# channel code, share of tickets, calendar group, State share, anonymous share
CHANNEL_MIX = (
    ("phone_3975", 0.45, "phone", 0.18, 0.12),
    ("counter", 0.40, "counter", 0.27, 0.03),
    ("facil_familles", 0.10, "family", 0.02, 0.0),
    ("email", 0.02, "online", 0.15, 0.0),
    ("web", 0.02, "online", 0.15, 0.0),
    ("mail", 0.01, "mail", 0.15, 0.0),
)
FAMILY_PROCEDURES = ("facil-familles-enrolment", "facil-familles-payment", "facil-familles-quotient",
                     "nursery-application", "school-enrolment")
FAMILY_WEIGHTS = (0.35, 0.30, 0.15, 0.10, 0.10)
STATUS_OPEN = ("open", "in_progress", "waiting_resident", "resolved", "transferred")
STATUS_OPEN_WEIGHTS = (0.35, 0.25, 0.20, 0.12, 0.08)
OUTCOMES = ("completed", "partial", "redirected", "not_possible_online", "abandoned")
OUTCOME_WEIGHTS = (0.72, 0.07, 0.10, 0.04, 0.07)
MODES = ("guided", "together", "on_behalf")
DIGITAL = ("chose_digital", "no_alternative", "wanted_other_channel")
# Median handling time in seconds, per channel (log-normal spread).
MEDIAN_SECONDS = {"phone_3975": 240, "counter": 660, "facil_familles": 540, "email": 86400, "web": 86400,
                  "mail": 259200}


@dataclass
class Reference:
    """Ids of the reference data and of the agents tickets are given to."""

    channels: dict  # code -> id
    sites: dict  # code -> id
    devices: dict  # code -> id
    site_devices: dict  # site code -> [device code]
    procedures: list  # dicts: id, code, owner, availability, involves_payment
    agents: dict  # site code -> [agent id]


@dataclass
class Tickets:
    """The generated tickets, one array per column, sorted by `opened` (UTC epoch seconds)."""

    count: int
    arrays: dict = field(default_factory=dict)


def _choice(rng, values, size, weights=None) -> np.ndarray:
    weights = None if weights is None else np.asarray(weights, dtype=float) / np.sum(weights)
    return np.asarray(values)[rng.choice(len(values), size=size, p=weights)]


def _procedures(ref: Reference, channel: str, size: int, rng) -> np.ndarray:
    state_share = next(m[3] for m in CHANNEL_MIX if m[0] == channel)
    if channel == "facil_familles":
        by_code = {p["code"]: p["id"] for p in ref.procedures}
        family = _choice(rng, [by_code[c] for c in FAMILY_PROCEDURES], size, FAMILY_WEIGHTS)
        state = [p["id"] for p in ref.procedures if p["owner"] == "state"]
        return np.where(rng.random(size) < state_share, _choice(rng, state, size), family)
    usable = [p for p in ref.procedures if p["availability"] != "not_online"]
    state = [p["id"] for p in usable if p["owner"] == "state"]
    city = [p["id"] for p in usable if p["owner"] == "city"]
    return np.where(rng.random(size) < state_share,
                    _choice(rng, state, size, zipf_weights(len(state), 0.8, 1.5)),
                    _choice(rng, city, size, zipf_weights(len(city), 0.6, 2.0)))


def _residents_for(channel: str, size: int, residents: Residents, rng) -> np.ndarray:
    """0-based resident indexes: a few frequent visitors, most residents now and then."""
    if channel == "facil_familles":
        families = np.flatnonzero(residents.has_family)
        return families[rng.integers(0, len(families), size)]
    frequent = rng.random(size) < 0.3
    heavy = rng.integers(0, max(residents.count // 20, 1), size)
    return np.where(frequent, heavy, rng.integers(0, residents.count, size))


def _sites(channel: str, resident_idx, anonymous, residents: Residents, ref: Reference, rng) -> np.ndarray:
    size = len(resident_idx)
    halls = np.array([ref.sites[f"mairie-{n:02d}"] for n in range(1, 21)])
    population = np.array(ARRONDISSEMENT_POPULATION, dtype=float)
    random_hall = halls[rng.choice(20, size, p=population / population.sum())]
    if channel == "phone_3975":
        return np.full(size, ref.sites["plateforme-3975"])
    if channel == "facil_familles":
        return np.where(rng.random(size) < 0.9, ref.sites["facil-familles"], random_hall)
    if channel in ("email", "web"):
        return np.where(rng.random(size) < 0.5, ref.sites["plateforme-3975"], random_hall)
    home = residents.arrondissement[resident_idx]
    own_hall = np.where(home > 0, halls[np.maximum(home - 1, 0)], random_hall)
    return np.where((rng.random(size) < 0.7) & ~anonymous & (home > 0), own_hall, random_hall)


def _devices(channel: str, sites: np.ndarray, ref: Reference, rng) -> np.ndarray:
    devices = np.full(len(sites), -1)
    if channel not in ("counter", "facil_familles"):
        return devices
    code_of = {v: k for k, v in ref.sites.items()}
    for site_id in np.unique(sites):
        mask = sites == site_id
        codes = ref.site_devices[code_of[int(site_id)]]
        weights = [0.1 if c == "none" else 1.0 for c in codes]
        devices[mask] = _choice(rng, [ref.devices[c] for c in codes], int(mask.sum()), weights)
    return devices


def _agents(sites: np.ndarray, ref: Reference, rng) -> np.ndarray:
    agents = np.full(len(sites), -1)
    code_of = {v: k for k, v in ref.sites.items()}
    for site_id in np.unique(sites):
        mask = sites == site_id
        pool = ref.agents[code_of[int(site_id)]]
        agents[mask] = np.asarray(pool)[rng.integers(0, len(pool), int(mask.sum()))]
    return agents


def _channel_block(channel, group, size, days, residents, ref, rng) -> dict:
    anonymous_share = next(m[4] for m in CHANNEL_MIX if m[0] == channel)
    day = days[rng.choice(len(days), size=size, p=day_weights(days, group))]
    weekday = (day.astype("int64") + 3) % 7
    local = day.astype("datetime64[s]") + local_seconds(group, weekday, rng).astype("timedelta64[s]")
    anonymous = rng.random(size) < anonymous_share
    resident_idx = _residents_for(channel, size, residents, rng)
    sites = _sites(channel, resident_idx, anonymous, residents, ref, rng)
    procedure = _procedures(ref, channel, size, rng)
    facilitated = channel in ("counter", "facil_familles")
    modes = (rng.choice(3, size, p=[0.55, 0.30, 0.15]) if facilitated
             else np.where(rng.random(size) < 0.4, 0, -1) if channel == "phone_3975" else np.full(size, -1))
    digital = (rng.choice(3, size, p=[0.62, 0.28, 0.10]) if facilitated
               else np.where(rng.random(size) < 0.5, rng.choice(3, size, p=[0.62, 0.28, 0.10]), -1)
               if channel == "phone_3975" else np.full(size, -1))
    median = MEDIAN_SECONDS[channel]
    duration = np.maximum(rng.lognormal(np.log(median), 0.6, size), 30).astype(np.int64)
    return {"channel": np.full(size, ref.channels[channel]), "opened": paris_to_utc_epoch(local),
            "local_year": day.astype("datetime64[Y]").astype(np.int64) + 1970, "anonymous": anonymous,
            "resident": np.where(anonymous, -1, resident_idx + 1), "site": sites,
            "device": _devices(channel, sites, ref, rng), "procedure": procedure, "agent": _agents(sites, ref, rng),
            "mode": modes, "digital": digital, "duration": duration,
            "family": np.where(np.full(size, channel == "facil_familles"), resident_idx, -1),
            "facilitated": np.full(size, facilitated)}


def generate_tickets(m: int, residents: Residents, ref: Reference, first_day: np.datetime64,
                     last_day: np.datetime64, rng: np.random.Generator) -> Tickets:
    """Generate `m` tickets between two Paris-local days, sorted by opening time (ids 1..m)."""
    days = np.arange(first_day, last_day + 1, dtype="datetime64[D]")
    counts = rng.multinomial(m, [mix[1] for mix in CHANNEL_MIX])
    blocks = [_channel_block(code, group, int(size), days, residents, ref, rng)
              for (code, _share, group, _state, _anon), size in zip(CHANNEL_MIX, counts, strict=True) if size]
    arrays = {key: np.concatenate([b[key] for b in blocks]) for key in blocks[0]}
    order = np.argsort(arrays["opened"], kind="stable")
    arrays = {key: value[order] for key, value in arrays.items()}

    # Status: almost everything old is closed; recent tickets are still being handled.
    age_days = (int(last_day.astype("datetime64[s]").astype(np.int64)) - arrays["opened"]) / 86400
    still_open = rng.random(m) < 0.025 + 0.5 * np.exp(-np.maximum(age_days, 0) / 7)
    open_status = rng.choice(len(STATUS_OPEN), m, p=STATUS_OPEN_WEIGHTS)
    arrays["status"] = np.where(still_open, open_status, -1)  # -1 = closed
    done = ~still_open | (arrays["status"] == STATUS_OPEN.index("resolved"))
    arrays["outcome"] = np.where(done, rng.choice(len(OUTCOMES), m, p=OUTCOME_WEIGHTS), -1)
    arrays["closed"] = np.where(done, arrays["opened"] + arrays["duration"], -1)

    by_id = {p["id"]: p for p in ref.procedures}
    pays = np.array([by_id.get(int(i), {}).get("involves_payment", False) for i in range(max(by_id) + 1)])
    arrays["payment"] = pays[arrays["procedure"]] & arrays["facilitated"] & (rng.random(m) < 0.7)
    not_online = [p["id"] for p in ref.procedures if p["availability"] == "not_online"]
    asked = rng.random(m) < 0.03
    arrays["requested"] = np.where(asked, _choice(rng, not_online, m, zipf_weights(len(not_online), 1.5)), -1)
    arrays["outcome"] = np.where(asked & done, OUTCOMES.index("not_possible_online"), arrays["outcome"])
    arrays["note"] = np.where(rng.random(m) < 0.08, rng.integers(0, 15, m), -1)

    # References: YYYY-NNNNNN, numbered per (Paris) year in opening order.
    years = arrays["local_year"]
    first_of_year = np.searchsorted(years, years, side="left")
    arrays["number"] = np.arange(m) - first_of_year + 1
    return Tickets(count=m, arrays=arrays)
