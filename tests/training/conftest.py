"""Fixtures of the training tests: the shipped reference data and training modules."""

import pytest

from app.extensions import db
from app.training.reference import load_training_reference


@pytest.fixture
def training(reference):
    """Shipped modules and requirements (payment → payment-protocol, State → state-procedures, counter →
    facilitation), loaded after the reference data."""
    load_training_reference()
    db.session.commit()
