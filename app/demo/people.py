"""Residents of the pilot data set: realistic French names, deterministic."""

import random

from unidecode import unidecode

FIRST_NAMES = ("Marie", "Jean", "Nathalie", "Pierre", "Isabelle", "Michel", "Sylvie", "Philippe", "Catherine",
               "Alain", "Françoise", "Patrick", "Monique", "Nicolas", "Sophie", "Christophe", "Valérie", "Éric",
               "Sandrine", "Laurent", "Aïcha", "Mohamed", "Fatou", "Karim", "Léa", "Hugo", "Chloé", "Lucas",
               "Manon", "Thomas", "Camille", "Julien", "Inès", "Mehdi", "Yasmine", "Bernard", "Josiane",
               "Henri", "Odette", "Mamadou", "Linh", "Wei", "Ana", "João", "Élodie", "Gérard", "Hélène", "Yves")
LAST_NAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
              "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
              "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François",
              "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry",
              "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez",
              "Fontaine", "Chevalier", "Robin", "Benali", "Traoré", "Diallo", "Nguyen", "Haddad", "Da Silva",
              "Cohen", "Mansour", "Ferreira", "Le Gall")
HALL_POSTCODES = {"mairie-02": "75002", "mairie-04": "75004", "mairie-12": "75012", "mairie-17": "75017"}
PER_HALL = {"mairie-02": 110, "mairie-04": 100, "mairie-12": 170, "mairie-17": 180}
OTHER_RESIDENTS = 260  # callers of the 3975 and families, from every arrondissement


def _ascii(text: str) -> str:
    return unidecode(text).lower().replace(" ", "")


def make_residents(rng: random.Random) -> list[dict]:
    """Residents of the four pilot halls (key `hall`) and of the rest of Paris; some with a compte
    parisien reference, most with a phone, families with a Facil'Familles number."""
    people, serial = [], 0
    plan = [(hall, HALL_POSTCODES[hall]) for hall, count in PER_HALL.items() for _ in range(count)]
    plan += [(None, f"750{rng.randint(1, 20):02d}") for _ in range(OTHER_RESIDENTS)]
    for hall, postcode in plan:
        serial += 1
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        person = {"first_name": first, "last_name": last, "postal_code": postcode,
                  "arrondissement": int(postcode[3:]), "hall": hall,
                  "civility": rng.choice(["Mme", "M."]),
                  "phone": f"+336{rng.randint(10000000, 99999999)}" if rng.random() < 0.85 else None,
                  "email": f"{_ascii(first)}.{_ascii(last)}{serial}@exemple.fr" if rng.random() < 0.55 else None,
                  "account_ref": f"CP-{1000000 + serial}" if rng.random() < 0.6 else None,
                  "family_number": f"FF-{200000 + serial}" if (hall is None and rng.random() < 0.5)
                  or rng.random() < 0.1 else None}
        people.append(person)
    return people
