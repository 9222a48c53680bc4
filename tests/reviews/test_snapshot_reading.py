"""The review page reads the submission's frozen snapshot, decoded once and kept between requests
(applications.snapshot.decoded) for as long as the stored text is the same, and the copy read
from it kept as long as that decoded snapshot is (reviews.services.submitted_copy): whatever is
stored is what the next request shows."""

from __future__ import annotations

import copy

from sqlalchemy import select, update

from portal.applications.models import ApplicationSubmission
from portal.core.db import db
from tests.support.pages import page_text


def test_a_changed_snapshot_shows_on_the_next_request(reviewer_client, submitted):
    page = f"/reviews/{submitted}"
    before = page_text(reviewer_client.get(page))
    assert "Renamed in the snapshot Ltd" not in before
    db.session.rollback()
    where = ApplicationSubmission.application_id == submitted
    stored = db.session.scalar(select(ApplicationSubmission.snapshot).where(where))
    changed = copy.deepcopy(stored)
    changed["organisation"]["name"] = "Renamed in the snapshot Ltd"
    db.session.execute(update(ApplicationSubmission).where(where).values(snapshot=changed))
    db.session.commit()

    assert "Renamed in the snapshot Ltd" in page_text(reviewer_client.get(page))
