"""The synthetic residents of a city of millions, generated column by column with numpy.

Every column is an array (or a list of strings ready for `COPY`), one row per resident; resident ids
are 1..N in array order. A small share of the rows are duplicates of an earlier resident with a typo,
as a city's files really contain them.
"""

from dataclasses import dataclass, field

import numpy as np

from app.contacts.normalise import name_key
from bench.copyload import NULL
from bench.names import (
    ARRONDISSEMENT_POPULATION,
    EMAIL_DOMAIN_WEIGHTS,
    EMAIL_DOMAINS,
    FEMALE_FIRST,
    LAST_NAMES,
    MALE_FIRST,
    STREETS,
    tail_last_names,
    zipf_weights,
)

HEAD_SHARE = 0.15  # share of residents carrying one of the 235 frequent surnames (Martin: ~0.37 %)
DUPLICATE_SHARE = 0.015
FAMILY_SHARE = 0.16
ACCOUNT_SHARE = 0.55
MOBILE_06 = (0, 1, 2, 4, 5, 6, 7, 8)
SUBURBS = (("92100", "Boulogne-Billancourt"), ("93100", "Montreuil"), ("94200", "Ivry-sur-Seine"),
           ("92130", "Issy-les-Moulineaux"), ("93200", "Saint-Denis"), ("94300", "Vincennes"))


@dataclass
class Residents:
    """The generated residents: numpy arrays for what tickets need, COPY text lists (NULL as `\\N`) for the rest."""

    count: int
    arrondissement: np.ndarray  # 1..20, 0 outside Paris
    has_family: np.ndarray
    family_number: list
    columns: dict = field(default_factory=dict)  # column name -> list of COPY text values


def _keys(values: np.ndarray, separator: str = " ") -> np.ndarray:
    """name_key of every value, computed once per distinct value."""
    uniques, inverse = np.unique(values.astype(str), return_inverse=True)
    return np.array([name_key(u).replace(" ", separator) for u in uniques], dtype=object)[inverse]


def typo(text: str, rng: np.random.Generator) -> str:
    """The same name with one slip of the keyboard: a letter dropped, doubled, swapped or replaced."""
    if len(text) < 4:
        return text + text[-1]
    i = int(rng.integers(2, len(text) - 1))
    kind = int(rng.integers(0, 4))
    if kind == 0:
        return text[:i] + text[i + 1:]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    if kind == 2:
        return text[:i - 1] + text[i] + text[i - 1] + text[i + 1:]
    replacement = "e" if text[i] != "e" else "a"
    return text[:i] + replacement + text[i + 1:]


def _pick_last_names(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    tail = tail_last_names()
    names = np.array(LAST_NAMES + tail, dtype=object)
    head = rng.random(n) < HEAD_SHARE
    index = np.empty(n, dtype=np.int64)
    index[head] = rng.choice(len(LAST_NAMES), size=int(head.sum()), p=zipf_weights(len(LAST_NAMES), 0.5, 2.0))
    index[~head] = len(LAST_NAMES) + rng.choice(len(tail), size=int((~head).sum()),
                                                p=zipf_weights(len(tail), 0.7, 50.0))
    return names, index


def _phones(n: int, rng: np.random.Generator, share: float, mobile_share: float) -> list:
    has = rng.random(n) < share
    mobile = rng.random(n) < mobile_share
    seven = rng.random(n) < 0.3
    digits = rng.integers(0, 10**8, n)
    out = []
    for h, m, s, d in zip(has.tolist(), mobile.tolist(), seven.tolist(), digits.tolist(), strict=True):
        if not h:
            out.append(NULL)
        elif m and s:
            out.append(f"+337{5 + d % 5}{d // 10:07d}")
        elif m:  # 063x and 069x are overseas mobile ranges: not valid French numbers
            out.append(f"+336{MOBILE_06[d % 8]}{d // 10 % 10**7:07d}")
        else:
            out.append(f"+331{d:08d}")
    return out


def _mask(values: list, keep: np.ndarray) -> list:
    return [v if k else NULL for v, k in zip(values, keep.tolist(), strict=True)]


def generate_residents(n: int, rng: np.random.Generator, start_epoch: int, end_epoch: int) -> Residents:
    """Generate `n` residents (ids 1..n); created between `start_epoch` and `end_epoch` (UTC seconds)."""
    originals = n - int(n * DUPLICATE_SHARE)
    last_names, last_index = _pick_last_names(originals, rng)
    female = rng.random(originals) < 0.52
    first_f = np.array(FEMALE_FIRST, dtype=object)
    first_m = np.array(MALE_FIRST, dtype=object)
    first = np.where(female, first_f[rng.choice(len(first_f), originals, p=zipf_weights(len(first_f), 0.7, 3.0))],
                     first_m[rng.choice(len(first_m), originals, p=zipf_weights(len(first_m), 0.7, 3.0))])
    last = last_names[last_index]
    # Duplicates: an earlier resident again, with a typo in the surname (or in the first name).
    source = rng.integers(0, originals, n - originals)
    dup_last = [typo(s, rng) if rng.random() < 0.8 else s for s in last[source].tolist()]
    dup_first = [typo(s, rng) if d == s_last else s
                 for s, d, s_last in zip(first[source].tolist(), dup_last, last[source].tolist(), strict=True)]
    last = np.concatenate([last, np.array(dup_last, dtype=object)])
    first = np.concatenate([first, np.array(dup_first, dtype=object)])
    female = np.concatenate([female, female[source]])
    origin = np.concatenate([np.arange(originals), source])

    # name_key(last, first) == name_key(last) + " " + name_key(first): keys computed per distinct name.
    last_key, first_key = _keys(last), _keys(first)
    search_name = (last_key + " " + first_key).tolist()
    for i in rng.integers(0, n, 500).tolist():  # the shortcut must give what the application computes
        assert search_name[i] == name_key(last[i], first[i]), (last[i], first[i])

    weights = np.array(ARRONDISSEMENT_POPULATION, dtype=float)
    arrondissement = rng.choice(20, size=n, p=weights / weights.sum()) + 1
    outside = rng.random(n) < 0.08
    arrondissement = np.where(outside, 0, arrondissement)[origin]
    suburb = rng.integers(0, len(SUBURBS), n)
    postal = [SUBURBS[s][0] if a == 0 else f"750{a:02d}" for a, s in zip(arrondissement.tolist(), suburb.tolist(), strict=True)]
    city = [SUBURBS[s][1] if a == 0 else "Paris" for a, s in zip(arrondissement.tolist(), suburb.tolist(), strict=True)]
    streets = np.array(STREETS, dtype=object)[rng.integers(0, len(STREETS), n)[origin]]
    numbers = rng.integers(1, 180, n)[origin]
    address = [f"{num} {street}" for num, street in zip(numbers.tolist(), streets.tolist(), strict=True)]

    ascii_first = _keys(first, "-")
    ascii_last = _keys(last, "-")
    suffix = rng.integers(1, 10000, n)
    with_suffix = rng.random(n) < 0.65
    domains = np.array(EMAIL_DOMAINS, dtype=object)[rng.choice(len(EMAIL_DOMAINS), n, p=EMAIL_DOMAIN_WEIGHTS)]
    email = [f"{f}.{la}{s if w else ''}@{d}" for f, la, s, w, d in
             zip(ascii_first.tolist(), ascii_last.tolist(), suffix.tolist(), with_suffix.tolist(), domains.tolist(), strict=True)]
    email = _mask(email, rng.random(n) < 0.72)
    phone = np.array(_phones(n, rng, 0.86, 0.72), dtype=object)
    phone[originals:] = np.where(rng.random(n - originals) < 0.5, phone[source], phone[originals:])
    phone_alt = _phones(n, rng, 0.12, 0.0)

    account_ids = rng.permutation(n) + 10_000_000
    has_account = (rng.random(n) < ACCOUNT_SHARE) & (np.arange(n) < originals)
    account_ref = _mask([f"CP{a:09d}" for a in account_ids.tolist()], has_account)
    has_family = rng.random(n) < FAMILY_SHARE
    family_id = rng.integers(100_000, 100_000 + max(int(n * FAMILY_SHARE * 0.7), 10), n)
    family_number = _mask([f"FF{f:07d}" for f in family_id.tolist()], has_family)

    birth = (np.datetime64("1930-01-01") + rng.integers(0, 365 * 78, n).astype("timedelta64[D]"))[origin]
    birth_date = _mask(np.datetime_as_string(birth).tolist(), rng.random(n) < 0.88)
    created = np.sort(rng.integers(start_epoch, end_epoch, n))
    created_at = [s + "+00" for s in np.datetime_as_string(created.astype("datetime64[s]")).tolist()]
    language = np.array(["fr", "en", "ar", "zh", "es"], dtype=object)[
        rng.choice(5, n, p=[0.94, 0.025, 0.015, 0.01, 0.01])].tolist()
    need_values = np.array(['[]', '["mobility"]', '["sight"]', '["hearing"]', '["language"]', '["digital"]',
                            '["digital", "mobility"]'], dtype=object)
    needs = need_values[rng.choice(7, n, p=[0.9, 0.02, 0.01, 0.015, 0.02, 0.03, 0.005])].tolist()
    civility = np.where(female, "Mme", "M.").tolist()
    consent = np.where(rng.random(n) < 0.6, "t", "f").tolist()

    residents = Residents(count=n, arrondissement=arrondissement, has_family=has_family,
                          family_number=family_number)
    residents.columns = {
        "civility": civility, "first_name": first.tolist(), "last_name": last.tolist(), "birth_date": birth_date,
        "email": email, "phone": phone.tolist(), "phone_alt": phone_alt, "address": address,
        "postal_code": postal, "city": city,
        "arrondissement": [str(a) if a else NULL for a in arrondissement.tolist()],
        "account_ref": account_ref, "family_number": family_number, "preferred_language": language,
        "needs": needs, "consent_contact": consent, "search_name": search_name,
        "created_at": created_at, "updated_at": created_at,
    }
    return residents
