"""What the worker's bucket holds between tests, so that emptying it after a test, and putting a
snapshot's objects back before one (tests/support/snapshots.py), cost S3 requests only when
something changed.

Every request any client in this process sends to the store is seen (`install`); one that is not
a read (GET, HEAD) counts as a change, whoever sent it: the portal, a test's own client, a fault
proxy's app. No test's subprocess writes to the store (tests/outbox/test_worker.py sends
emails). Listing the bucket after every test to find it empty was about 5% of a run's CPU, and
putting the permission matrix's objects back before each of its 1,100 tests, then deleting
them after, about 3%.
"""

from __future__ import annotations

import functools

from botocore.endpoint import Endpoint
from flask import Flask, current_app

from portal.core.extensions import object_store

# Requests that changed the store, in this process.
changes = 0
# As of `changes == known_at`, the bucket holds exactly the objects of `holding`: a snapshot's
# (its name and the fixture that puts it back), or nothing (None).
known_at = -1  # unknown until first emptied
holding: tuple[str, str] | None = None
_holding_app: Flask


def install() -> None:
    make_request = Endpoint.make_request

    @functools.wraps(make_request)
    def noting_changes(endpoint, operation_model, request_dict):
        global changes
        if request_dict.get("method") not in ("GET", "HEAD"):
            changes += 1
        return make_request(endpoint, operation_model, request_dict)

    Endpoint.make_request = noting_changes


def unchanged() -> bool:
    """Nothing changed the store since what it holds was last known."""
    return changes == known_at


def holds(snapshot: str) -> bool:
    """The bucket holds exactly `snapshot`'s objects."""
    return unchanged() and holding is not None and holding[0] == snapshot


def holds_nothing() -> bool:
    """The bucket is empty."""
    return unchanged() and holding is None


def now_holds(snapshot: str | None, fixture: str = "") -> None:
    """Note that the bucket holds exactly `snapshot`'s objects (None: nothing) as of now."""
    global holding, known_at, _holding_app
    holding = (snapshot, fixture) if snapshot else None
    known_at = changes
    if snapshot:
        _holding_app = current_app._get_current_object()  # whose bucket it is


def drop_left_objects() -> None:
    """Delete a snapshot's objects left in the bucket, if they are all it holds: a snapshot is
    built, or another put back, into an empty bucket."""
    if unchanged() and holding is not None:
        empty()


def empty() -> None:
    """Delete every object in the bucket (the current app's)."""
    object_store.delete_many(key for key, _modified in object_store.list_objects(""))
    now_holds(None)


def empty_unless_held_for(fixturenames: list[str]) -> None:
    """Before a test: a snapshot's objects left in the bucket stay only if the test uses the
    fixture that puts that snapshot back (which then sends none of them again). Whatever else the
    test uses, or gains later, finds the bucket empty, as after any other test; and so does a
    test after anything changed the store since (a test without the app, on a bucket of its
    own: what the bucket holds is then no longer known)."""
    if holding is not None and (holding[1] not in fixturenames or not unchanged()):
        with _holding_app.app_context():
            empty()


def empty_unless_unchanged() -> None:
    """After a test: empty the bucket unless the test changed nothing in it (then it still holds
    what it held before: nothing, or a snapshot's objects, left for the next test to judge)."""
    if not unchanged():
        empty()
