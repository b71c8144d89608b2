"""Signals the accounts app declares for the layers above it (docs/architecture.md, "The layer rule")."""

from __future__ import annotations

from django.dispatch import Signal

#: Sent inside the transaction that issues an API token, before the token is created, with
#: ``system`` (the source system code the token writes), ``name`` and ``province``. dossiers
#: registers the system as official; an exception raised by a receiver refuses the token.
api_token_issuing = Signal()
