"""How much of a period the records cover, and from which day a balance is known; worked out by hand."""
import pandas as pd
import pytest

D = pd.Timestamp


def test_history_share_of_a_period_by_hand():
    """Data from 2026-01-11 cover 21 of January's 31 days; from the period's first day, all of it; a history
    that starts after the period ends, none; an empty table misses nothing."""
    from kam_xl.domain.coverage import History
    D = pd.Timestamp
    assert History(D("2026-01-11")).share_of(D("2026-01-01"), D("2026-01-31")) == pytest.approx(21 / 31)
    assert History(D("2026-01-01")).share_of(D("2026-01-01"), D("2026-01-31")) == 1.0
    assert History(D("2026-01-31")).share_of(D("2026-01-01"), D("2026-01-31")) == pytest.approx(1 / 31)
    assert History(D("2026-03-01")).share_of(D("2026-01-01"), D("2026-01-31")) == 0.0
    assert History(None).share_of(D("2026-01-01"), D("2026-01-31")) == 1.0


def test_a_balance_is_known_from_the_day_the_records_start_or_the_day_before_when_declared():
    from kam_xl.domain.coverage import History
    D = pd.Timestamp
    found, declared = History(D("2026-01-10")), History(D("2026-01-10"), True)
    assert [found.balance_known(D(d)) for d in ("2026-01-09", "2026-01-10")] == [False, True]
    assert [declared.balance_known(D(d)) for d in ("2026-01-08", "2026-01-09")] == [False, True]
    assert History(None).balance_known(D("1990-01-01"))
