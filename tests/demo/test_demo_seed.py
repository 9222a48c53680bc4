"""`flask seed demo` (run by `make run` in demo mode) makes a small framework through the
services, with work waiting for every demo account; running it again changes nothing, and it
never runs outside demo mode."""

from __future__ import annotations

from sqlalchemy import func, select, table

from portal.core.db import Base, db


def _row_counts() -> dict[str, int]:
    counts = {
        name: db.session.scalar(select(func.count()).select_from(table(name)))
        for name in Base.metadata.tables
    }
    db.session.rollback()
    return counts


def test_the_demo_seed_runs_once(make_app):
    demo = make_app(DEMO_MODE=True)
    runner = demo.test_cli_runner()

    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    assert "Demo framework seeded in" in result.output
    with demo.app_context():
        first = _row_counts()

    again = runner.invoke(args=["seed", "demo"])
    assert again.exit_code == 0, again.output
    assert "Demo framework seeded in" not in again.output
    with demo.app_context():
        assert _row_counts() == first
    assert first["organisations"] == 12


def test_the_demo_seed_refuses_outside_demo_mode(app):
    result = app.test_cli_runner().invoke(args=["seed", "demo"])

    assert result.exit_code != 0
    assert "only be seeded with DEMO_MODE on" in result.output
    with app.app_context():
        counts = _row_counts()
    assert counts["organisations"] == counts["users"] == 0
