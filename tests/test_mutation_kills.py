"""Small direct checks of the domain helpers, added where mutation testing
(`make mutation`, docs/TESTING.md) showed a changed line that no other test
noticed. Every expected value is worked out by hand in the comment beside it."""
import numpy as np
import pandas as pd
import pytest

from kam_xl.receivables import bucket_names


def test_bucket_names_follow_the_limits():
    assert bucket_names((30, 60, 90)) == ["NotDue", "Overdue1_30", "Overdue31_60", "Overdue61_90", "Overdue90Plus"]
    assert bucket_names((15, 45)) == ["NotDue", "Overdue1_15", "Overdue16_45", "Overdue45Plus"]
