"""Demonstration data: `flask demo load` (cli.py) loads the reference data, the demo agents
(accounts.py) and the pilot of the source document (tickets.py with people.py, training.py, calls.py).

A seeding tool, not a domain: it writes every domain's tables in bulk, through their services where one
exists.
"""
