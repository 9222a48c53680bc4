from tests.applications.conftest import every_type, lots  # noqa: F401
from tests.competitions.conftest import evaluator, on_lot  # noqa: F401
from tests.kpi_returns.conftest import clock, kpis  # noqa: F401
