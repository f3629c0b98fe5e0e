"""The shared arithmetic of every table (kam_xl/domain/frames.py): ratios, rounding to the currency's minor
unit, totals that stay empty when a part is unknown, windows, ranks; worked out by hand."""
import numpy as np
import pandas as pd
import pytest

D = pd.Timestamp


def test_ratio_blank_where_the_denominator_is_not_positive():
    from kam_xl.domain.frames import ratio
    idx = list("abcd")
    out = ratio(pd.Series([3.0, 1.0, 2.0, 4.0], index=idx), pd.Series([2.0, 0.0, -1.0, 0.5], index=idx))
    # 3/2 = 1.5; /0 and /-1 blank; 4/0.5 = 8
    assert out.dtype == np.float64 and list(out.index) == idx
    assert out["a"] == 1.5 and np.isnan(out["b"]) and np.isnan(out["c"]) and out["d"] == 8.0
    ints = ratio(pd.Series([3, 1]), pd.Series([2, 4]))                  # integer inputs: 1.5, 0.25
    assert ints.dtype == np.float64 and ints.tolist() == [1.5, 0.25]


def test_ratio_of_a_list_by_a_number():
    from kam_xl.domain.frames import ratio
    out = ratio([3, 1], 2)                                             # 3/2, 1/2 on a 0..1 index
    assert out.dtype == np.float64 and out.tolist() == [1.5, 0.5] and list(out.index) == [0, 1]
    series = ratio(pd.Series([6.0, 2.0], index=["x", "y"]), 4)        # a scalar denominator on the numerator's index
    assert series.to_dict() == {"x": 1.5, "y": 0.5}
    assert ratio(pd.Series([6.0], index=["x"]), 0).isna().all()        # / 0 is blank


def test_minor_unit_decimals():
    from kam_xl.domain.frames import minor_unit_decimals
    assert minor_unit_decimals("jpy") == 0        # ISO 4217: yen has no minor unit; case does not matter
    assert minor_unit_decimals("KRW") == 0
    assert minor_unit_decimals("kwd") == 3        # Kuwaiti dinar: 3 decimals
    assert minor_unit_decimals("USD") == 2 and minor_unit_decimals("CNY") == 2


def test_round_money():
    from kam_xl.domain.frames import round_money
    assert round_money(1.234) == pytest.approx(1.23, abs=1e-12)        # 2 decimals by default
    assert round_money(1.6, 0) == 2.0
    zero = round_money(-0.001)                                         # -0.0 becomes 0.0
    assert zero == 0.0 and not np.signbit(zero)
    assert round_money(pd.Series([2.346, -0.004]), 2).tolist() == pytest.approx([2.35, 0.0], abs=1e-12)


def test_total_stays_empty_when_a_part_is_unknown():
    from kam_xl.domain.frames import total
    assert total(pd.Series([1.0, 2.0])) == 3.0
    assert np.isnan(total(pd.Series([1.0, np.nan])))
    assert total(pd.Series([], dtype="float64")) == 0.0


def test_in_window_includes_both_ends():
    from kam_xl.domain.frames import in_window
    frame = pd.DataFrame({"Date": [D("2025-12-31"), D("2026-01-01"), D("2026-06-30"), D("2026-07-01")],
                          "n": [1, 2, 3, 4]})
    assert in_window(frame, "Date", D("2026-01-01"), D("2026-06-30")).n.tolist() == [2, 3]


def test_per_customer_and_sum_by_customer():
    from kam_xl.domain.frames import per_customer, sum_by_customer
    ids = pd.Index(["a", "b", "c"])
    values = pd.Series({"c": 2.0, "z": 9.0})                           # z is no customer
    assert per_customer(values, ids).to_dict() == {"a": 0.0, "b": 0.0, "c": 2.0}
    assert per_customer(values, ids, fill=5.0).to_dict() == {"a": 5.0, "b": 5.0, "c": 2.0}
    kept = per_customer(values, ids, fill=None)
    assert list(kept.index) == ["a", "b", "c"] and kept.isna().tolist() == [True, True, False]
    frame = pd.DataFrame({"CustomerID": ["c", "a", "c", "z"], "Amount": [1.0, 2.0, 3.0, 4.0]})
    # c: 1 + 3 = 4; a: 2; b: nothing -> 0
    assert sum_by_customer(frame, "Amount", ids).to_dict() == {"a": 2.0, "b": 0.0, "c": 4.0}


def test_percentile_rank_average_ties_and_missing():
    from kam_xl.domain.frames import percentile_rank
    out = percentile_rank(pd.Series({"a": 10.0, "b": 20.0, "c": 20.0, "d": np.nan}))
    # 3 known values: ranks 1, 2.5, 2.5 -> 100 x rank / 3
    assert out[["a", "b", "c"]].tolist() == pytest.approx([100 / 3, 250 / 3, 250 / 3])
    assert np.isnan(out["d"])


def test_rank_descending_ties_by_id_and_missing_last():
    from kam_xl.domain.frames import rank_descending
    out = rank_descending(pd.Series({"b": 5.0, "d": np.nan, "a": 5.0, "c": 9.0}))
    # c 9 first; a and b tie at 5 -> a (smaller ID) 2, b 3; missing d last
    assert list(out.index) == ["b", "d", "a", "c"]                     # the input's order
    assert out.to_dict() == {"c": 1, "a": 2, "b": 3, "d": 4}
    assert out.dtype == np.int64


def test_map_distinct_keeps_index_and_missing():
    from kam_xl.domain.frames import map_distinct
    out = map_distinct(pd.Series(["x", "y", "x", None], index=["p", "q", "r", "s"]), str.upper)
    assert list(out.index) == ["p", "q", "r", "s"]
    assert out[["p", "q", "r"]].tolist() == ["X", "Y", "X"] and pd.isna(out["s"])   # missing stays missing
