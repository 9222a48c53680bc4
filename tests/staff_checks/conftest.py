# Certificate copies live in the same store: it is emptied around each test here too.
from tests.documents.conftest import _empty_store  # noqa: F401
