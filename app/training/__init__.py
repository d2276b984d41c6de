"""Agent training: modules, each agent's records (livret de formation), and what they authorise.

Tickets ask `rules.training_verdict` whether their agent may log them (the one save path calls it).
"""
