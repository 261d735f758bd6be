"""pydantic v2 models: the API contract. Inputs forbid unknown fields; outputs are built field by field
from storage items, so a secret can never ride along."""
