"""The import report: counts, the summary line, and a big import's bounded list of items."""

from __future__ import annotations

from importers.report import ITEMS_KEPT
from importers.report import ImportResult
from importers.report import ItemReport


def test_the_result_counts_items_and_keeps_the_summary_line():
    result = ImportResult()
    for status in ("created", "updated", "updated", "unchanged"):
        result.add(ItemReport("x", status))
    result.refuse("ligne 9", "illisible.")
    assert (result.created, result.updated, result.unchanged, result.errors) == (1, 2, 1, [("ligne 9", "illisible.")])
    assert result.summary() == "1 créé(s), 2 mis à jour, 1 inchangé(s) ont été traités ; 1 refusé(s)."


def test_past_a_few_thousand_items_only_the_refused_ones_are_kept_one_by_one():
    result = ImportResult()
    for n in range(ITEMS_KEPT + 10):
        result.add(ItemReport(f"n{n}", "created"))
    result.add(ItemReport("mauvais", "refused", "titre manquant."))
    assert result.created == ITEMS_KEPT + 10 and len(result.items) == ITEMS_KEPT + 1
    assert result.items[-1].ref == "mauvais" and result.errors == [("mauvais", "titre manquant.")]
