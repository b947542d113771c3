"""The words of an import: counts, plurals and tenses (issue 12), and which names are close."""

import pytest

from builderops.csvio.similar import candidates_fold, close_match, close_matches
from builderops.csvio.summary import outcome_summary, rejected_summary
from homes.models import Home
from locations.models import MasterCommunity


def counts(**values) -> dict:
    return {"new": 0, "updated": 0, "unchanged": 0, "invalid": 0, "to_draft": 0} | values


@pytest.mark.parametrize(
    ("values", "approve", "done", "expected"),
    [
        (
            counts(new=3, updated=2),
            False,
            False,
            "3 new homes and 2 changes will be saved as drafts; nothing is published until "
            "approved.",
        ),
        (
            counts(new=3, updated=2),
            True,
            False,
            "3 new homes and 2 changes will be approved and published to Builder Backed.",
        ),
        (
            counts(new=3, updated=2),
            False,
            True,
            "3 new homes and 2 changes were saved as drafts; nothing is published until approved.",
        ),
        (
            counts(new=1),
            True,
            True,
            "1 new home was approved and is being published to Builder Backed.",
        ),
        (
            counts(updated=1, unchanged=1),
            False,
            False,
            "1 change will be saved as a draft; nothing is published until it is approved. "
            "1 home in the file is already up to date.",
        ),
        (
            counts(unchanged=4),
            False,
            True,
            "Nothing changed. 4 homes in the file were already up to date.",
        ),
        (
            counts(updated=2, to_draft=2),
            False,
            False,
            "2 changes will be saved as drafts; nothing is published until approved. 2 approved "
            "homes return to draft; Builder Backed keeps their last approved version until an "
            "approver approves them.",
        ),
    ],
)
def test_the_summary_says_exactly_what_happens(values, approve, done, expected):
    assert outcome_summary(counts=values, model=Home, approve=approve, done=done) == expected


def test_the_summary_uses_the_models_own_plural():
    summary = outcome_summary(counts=counts(new=2), model=MasterCommunity, approve=True, done=False)
    assert summary == "2 new master communities will be approved and published to Builder Backed."


@pytest.mark.parametrize(
    ("values", "errors", "expected"),
    [
        (
            counts(rows=50, invalid=4),
            7,
            "Nothing was saved: 4 rows have problems (listed below); the other 46 rows are fine.",
        ),
        (
            counts(rows=2, invalid=1),
            1,
            "Nothing was saved: 1 row has problems (listed below); the other row is fine.",
        ),
        (
            counts(rows=3, invalid=3),
            3,
            "Nothing was saved: all 3 rows have problems (listed below).",
        ),
        (
            counts(rows=1, invalid=1),
            2,
            "Nothing was saved: the file's only row has problems (listed below).",
        ),
        (counts(rows=0), 1, "Nothing was saved: the file has 1 problem (listed below)."),
        (counts(rows=0), 2, "Nothing was saved: the file has 2 problems (listed below)."),
    ],
)
def test_a_rejected_file_says_nothing_was_saved_with_exact_counts(values, errors, expected):
    assert rejected_summary(counts=values, error_count=errors) == expected


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("NH_019", "NH_019"),
        ("nh_019", "NH_019"),  # case
        ("NH-019", "NH_019"),  # separators
        ("NH_0199", "NH_019"),  # one edit
        ("NH_999", None),  # no real resemblance to NH_019 (issue 12)
        ("NH_01", None),  # one edit from NH_019 and NH_010 alike: no guess
    ],
)
def test_did_you_mean_offers_only_close_matches(typed, suggested):
    assert close_match(typed, candidates_fold(["NH_019", "NH_010", "MC_001"])) == suggested


def test_a_header_resembling_two_columns_names_both():
    candidates = candidates_fold(["addressLine1", "addressLine2", "city"])
    assert close_matches("addressLine3", candidates) == ["addressLine1", "addressLine2"]
    assert close_matches("adressLine2", candidates) == ["addressLine2"]
