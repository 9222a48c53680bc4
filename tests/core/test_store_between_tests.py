"""The suite's bookkeeping of what the bucket holds between tests (tests/support/store.py): a
snapshot's objects are left only for a test that puts the same snapshot back, and anything a
test changes is emptied after it, so no test finds another's objects."""

from __future__ import annotations

import io

from portal.core.extensions import object_store
from tests.support import store


def _put(key: str) -> None:
    object_store.put_stream(
        key, io.BytesIO(b"%PDF-1.4"), content_type="application/pdf", metadata={}
    )


def _keys() -> list[str]:
    return sorted(key for key, _modified in object_store.list_objects(""))


def test_a_snapshots_objects_stay_only_for_a_test_that_puts_it_back(app_ctx):
    _put("org/1/doc/kept")
    store.now_holds("a-snapshot", "a_world")

    store.empty_unless_held_for(["app", "a_world"])  # the next test puts it back
    assert store.holds("a-snapshot") and _keys() == ["org/1/doc/kept"]

    store.empty_unless_held_for(["app", "another_world"])  # the next test does not
    assert store.holds_nothing() and _keys() == []


def test_what_a_test_changes_after_a_snapshot_went_back_is_emptied(app_ctx):
    _put("org/1/doc/kept")
    store.now_holds("a-snapshot", "a_world")
    store.empty_unless_unchanged()  # a test that changed nothing: left as it was
    assert _keys() == ["org/1/doc/kept"]

    _put("org/1/doc/new")  # a test that uploads a file
    assert not store.holds("a-snapshot")
    store.empty_unless_unchanged()
    assert store.holds_nothing() and _keys() == []


def test_a_change_by_anyone_else_means_the_left_objects_go(app_ctx):
    _put("org/1/doc/kept")
    store.now_holds("a-snapshot", "a_world")
    object_store.delete("org/2/doc/elsewhere")  # any request that is not a read

    store.empty_unless_held_for(["app", "a_world"])
    assert store.holds_nothing() and _keys() == []
