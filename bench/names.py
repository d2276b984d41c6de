"""Name lists for the synthetic population: surnames in frequency order, first names, streets, domains.

The head of `LAST_NAMES` follows the order of the most frequent surnames in France (Martin first);
`tail_last_names()` adds a long tail of rarer, generated surnames so that a city of two million has
the skew of a real one: many Martins, and tens of thousands of names carried by a few people.
"""

import numpy as np

LAST_NAMES = (
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefèvre Leroy "
    "Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Muller "
    "Lefebvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand Gauthier Garcia "
    "Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont "
    "Marie Lemaire Noël Meyer Dufour Meunier Brun Blanchard Giraud Joly Rivière Lucas Brunet Gaillard "
    "Barbier Arnaud Martinez Gérard Roche Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre "
    "Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc Payet "
    "Rolland Leclercq Guillaume Lecomte Lopez Jean Dupuy Guillot Hubert Berger Carpentier Sanchez Dupuis "
    "Moulin Louis Deschamps Huet Vasseur Perez Boucher Fleury Royer Klein Jacquet Adam Paris Poirier "
    "Marty Aubry Guyot Carré Charles Renault Charpentier Ménard Maillard Baron Bertin Bailly Hervé "
    "Schneider Fernandez Le\u00a0Gall Collet Léger Bouvier Julien Prévost Millet Perrot Daniel Le\u00a0Roux "
    "Cousin Germain Breton Besson Langlois Rémy Le\u00a0Goff Pelletier Lévêque Perrier Leblanc Barré Lebrun "
    "Marchal Weber Mallet Hamon Boulanger Jacob Monnier Michaud Rodriguez Guichard Gillet Étienne Grondin "
    "Poulain Tessier Chevallier Collin Chauvin Da\u00a0Silva Bouchet Gay Lemaître Bénard Maréchal Humbert "
    "Reynaud Antoine Hoarau Perret Barthélemy Cordier Pichon Lejeune Gilbert Lamy Delaunay Pasquier "
    "Carlier Laporte Nguyen Tran Diallo Traoré Diop N'Diaye Camara Cissé Sow Konaté Coulibaly Benali "
    "Haddad Mansour Cohen Lévy Dos\u00a0Santos Ferreira Pereira Rodrigues Wang Chen Zhang Yilmaz Kaya "
    "Lefèvre-Müller Saint-Martin D'Almeida Kowalski Ben\u00a0Ahmed Bouzid Mendy Gomes Lemarchand Besnard"
).split(" ")
LAST_NAMES = tuple(name.replace("\u00a0", " ") for name in LAST_NAMES)

FEMALE_FIRST = (
    "Marie Nathalie Isabelle Sylvie Catherine Martine Christine Françoise Valérie Sandrine Stéphanie "
    "Véronique Sophie Céline Chantal Patricia Anne Brigitte Julie Monique Aurélie Nicole Laurence "
    "Émilie Jacqueline Camille Léa Manon Chloé Emma Inès Sarah Jade Louise Alice Lina Zoé Juliette "
    "Clara Anaïs Laura Pauline Mathilde Lucie Élodie Audrey Caroline Hélène Agnès Fatima Aïcha Mariam "
    "Amina Yasmine Nadia Samira Fatoumata Aminata Mei Linh Ana Maria Rose Margaux Hortense Solène "
    "Marie-Claire Anne-Sophie Marie-Hélène Ophélie Noémie Maëlys Agathe Capucine"
).split()
MALE_FIRST = (
    "Jean Philippe Michel Alain Patrick Nicolas Christophe Pierre Christian Éric Frédéric Laurent "
    "Stéphane David Pascal Daniel Sébastien Julien Thierry Olivier Bernard Thomas Alexandre Gérard "
    "Didier Dominique Vincent François Bruno Guillaume Jérôme Lucas Hugo Louis Gabriel Arthur Jules "
    "Raphaël Adam Léo Nathan Théo Maxime Antoine Mathieu Romain Kevin Mohamed Ahmed Karim Youssef Mamadou "
    "Moussa Ibrahima Oumar Minh Wei Joao Carlos Mehmet Jean-Pierre Jean-Claude Jean-François Jean-Luc "
    "Pierre-Yves Marc-Antoine Benoît Gaël Loïc Hervé Yannick Cédric"
).split()

STREETS = (
    "rue de Rivoli", "boulevard Voltaire", "avenue de la République", "rue de Vaugirard",
    "rue de la Convention", "rue du Faubourg Saint-Antoine", "boulevard de Belleville", "rue Oberkampf",
    "avenue d'Italie", "rue de Charonne", "rue des Pyrénées", "boulevard Saint-Michel", "rue Lecourbe",
    "avenue de Clichy", "rue de Ménilmontant", "rue Saint-Maur", "boulevard Barbès", "rue Ordener",
    "avenue Daumesnil", "rue de Tolbiac", "rue du Commerce", "avenue Jean-Jaurès", "rue de Flandre",
    "rue Caulaincourt", "boulevard Raspail", "rue de Sèvres", "avenue Mozart", "rue de Passy",
    "rue La Fayette", "rue Saint-Denis", "rue Montorgueil", "boulevard Magenta", "rue de la Roquette",
    "avenue Gambetta", "rue de Bagnolet", "rue d'Alésia", "avenue du Général-Leclerc", "rue Marcadet",
    "rue de Crimée", "quai de la Loire", "rue des Martyrs", "rue de Lévis", "avenue de Wagram",
)

EMAIL_DOMAINS = ("gmail.com", "orange.fr", "free.fr", "hotmail.fr", "yahoo.fr", "sfr.fr", "laposte.net",
                 "outlook.fr", "wanadoo.fr", "icloud.com")
EMAIL_DOMAIN_WEIGHTS = (0.35, 0.15, 0.10, 0.10, 0.08, 0.05, 0.05, 0.05, 0.04, 0.03)

# Inhabitants per arrondissement (thousands, rounded): the 15th, 18th, 20th are the largest.
ARRONDISSEMENT_POPULATION = (16, 21, 34, 28, 58, 41, 48, 36, 59, 83, 144, 140, 178, 136, 230, 166, 167,
                             191, 184, 193)

NOTES = (
    "Usager accompagné pas à pas, à l'aise à la fin.", "Pièce justificative manquante, à rapporter.",
    "Rappel prévu la semaine prochaine.", "Demande transmise au service compétent.",
    "Usager malentendant : échange par écrit.", "Mot de passe du compte parisien réinitialisé.",
    "Dossier complet, envoyé en ligne.", "Usager orienté vers la préfecture.",
    "Paiement effectué par l'usager lui-même, protocole respecté.", "Première connexion au compte parisien.",
    "Usager pressé, reviendra.", "Traduction nécessaire (anglais).", "Coupure du site pendant la démarche.",
    "Aide à la numérisation des justificatifs.", "Usager satisfait de l'accompagnement.",
)

_TAIL_STARTS = ("Ker", "Le ", "Du", "La", "Mar", "Ber", "Vil", "Mon", "Bel", "Gri", "Tour", "Char", "Bou",
                "Cha", "Ro", "Fer", "Gal", "Lan", "Mau", "Pel", "Sal", "Vau", "Cour", "Ri", "Dela")
_TAIL_MIDDLES = ("", "an", "ber", "che", "de", "ga", "li", "mar", "ne", "ro", "so", "ti", "va", "lé", "gué")
_TAIL_ENDS = ("ec", "and", "ard", "aud", "ier", "on", "et", "ot", "in", "ault", "eux", "ac", "oux", "elle",
              "ès", "ay", "enne", "ois", "y", "er")


def tail_last_names() -> tuple[str, ...]:
    """About a hundred thousand rarer surnames built from French-sounding syllables, deterministic."""
    names = {start + first + second + end for start in _TAIL_STARTS for first in _TAIL_MIDDLES
             for second in _TAIL_MIDDLES for end in _TAIL_ENDS}
    cleaned = sorted({(name[:3] + name[3:].capitalize()) if name.startswith("Le ") else name.capitalize()
                      for name in names} - set(LAST_NAMES))
    return tuple(cleaned)


def zipf_weights(count: int, exponent: float, offset: float = 1.0) -> np.ndarray:
    """Normalised weights 1/(rank+offset)^exponent for ranks 0..count-1."""
    weights = 1.0 / np.power(np.arange(count) + offset, exponent)
    return weights / weights.sum()
