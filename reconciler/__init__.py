"""portal-reconciler: configuration as code for customer-feedback portals."""

from __future__ import annotations

__version__ = "0.2.0"
