"""docs/roles.md carries the permission matrix exactly as the code defines it."""

from pathlib import Path

from selfdirect.core.permissions import MATRIX, Action, matrix_markdown
from selfdirect.core.roles import Role

DOC = Path(__file__).resolve().parents[2] / "docs" / "roles.md"


def test_roles_doc_matches_the_code():
    """If someone changes the matrix, the doc must be regenerated (manage.py permission_matrix)."""
    assert matrix_markdown() in DOC.read_text()


def test_every_role_has_a_row_in_the_matrix():
    """A new role without a decision about its rights is a mistake, not a default."""
    assert set(MATRIX) == set(Role)


def test_every_action_is_granted_to_someone():
    granted = set().union(*MATRIX.values())
    assert granted == set(Action)
