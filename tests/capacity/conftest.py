from tests.competitions.conftest import evaluator, evaluator_client, on_lot, third_client

__all__ = ["evaluator", "evaluator_client", "on_lot", "third_client"]
