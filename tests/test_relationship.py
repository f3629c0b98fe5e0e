"""Relationship upkeep: last contact, days since, follow-ups due, cadence; worked out by hand."""
import numpy as np
import pandas as pd

D = pd.Timestamp


NaT = pd.NaT


def _contacts(rows):
    frame = pd.DataFrame(rows, columns=["Date", "CustomerID", "Satisfaction", "Feedback", "NextFollowUp"])
    frame["_row"] = range(len(frame))
    return frame


def test_relationship_contact_on_as_of_date_and_follow_up_boundaries():
    from kam_xl.domain.relationship import relationship
    as_of, start, end = D("2026-06-30"), D("2026-01-01"), D("2026-06-30")
    contacts = _contacts([
        # X: an old contact whose follow-up (04-01) is past, then a contact ON AsOfDate: it counts
        # (Date <= AsOfDate), so LastContact is 06-30, 0 days ago, 2 contacts, follow-up answered.
        (D("2026-03-01"), "X", 4, None, D("2026-04-01")),
        (D("2026-06-30"), "X", 2, None, NaT),
        # Y: follow-up due exactly on AsOfDate: not yet overdue ("before AsOfDate" only).
        (D("2026-06-10"), "Y", 5, "fine", D("2026-06-30")),
        # Z: follow-up on the contact's own day: a contact came on the follow-up date -> not overdue.
        (D("2026-05-15"), "Z", 3, None, D("2026-05-15")),
    ])
    tiers = pd.Series({"X": "A", "Y": "B", "Z": "C"})
    out = relationship(contacts, tiers, {"A": 30, "B": 60, "C": 90}, as_of, start, end)
    assert out.LastContact.to_dict() == {"X": D("2026-06-30"), "Y": D("2026-06-10"), "Z": D("2026-05-15")}
    # 06-30 - 06-30 = 0; 06-30 - 06-10 = 20; 05-15 -> 05-31 is 16, + 30 June days = 46
    assert out.DaysSinceContact.to_dict() == {"X": 0.0, "Y": 20.0, "Z": 46.0}
    assert out.Contacts.to_dict() == {"X": 2, "Y": 1, "Z": 1}
    assert out.Contacts.dtype == np.int64                                  # a count, never 2.0
    assert out.AvgSatisfaction.to_dict() == {"X": (4 + 2) / 2, "Y": 5.0, "Z": 3.0}
    assert out.FollowUpOverdue.tolist() == [False, False, False]
    assert out.CadenceBreached.tolist() == [False, False, False]           # 0 <= 30, 20 <= 60, 46 <= 90
